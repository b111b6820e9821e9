package dev.scepter.protocol.csr;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CertificationRequestsTest {

    private static KeyPair keys;

    @BeforeAll
    static void key() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
    }

    /** As Windows and SCEPman's New-CSR send them: one attribute a pair, BMPStrings. */
    private static PKCS10CertificationRequest csr(String... pairs) throws Exception {
        PKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), keys.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString("secret"));
        for (int i = 0; i < pairs.length; i += 2) {
            builder.addAttribute(CertificationRequests.NAME_VALUE_PAIR,
                    new DERSequence(new ASN1Encodable[] {new DERBMPString(pairs[i]), new DERBMPString(pairs[i + 1])}));
        }
        return builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate()));
    }

    @Test
    void readsMicrosoftsValidityPairs() throws Exception {
        assertThat(CertificationRequests.requestedValidity(csr("ValidityPeriod", "Days", "ValidityPeriodUnits", "30")))
                .contains(Duration.ofDays(30));
        assertThat(CertificationRequests.requestedValidity(csr("ValidityPeriod", "Years", "ValidityPeriodUnits", "2")))
                .contains(Duration.ofDays(730));
        assertThat(CertificationRequests.requestedValidity(csr("validityperiod", "hours", "validityperiodunits", "12")))
                .contains(Duration.ofHours(12));
    }

    @Test
    void ignoresMissingOrNonsensicalPairs() throws Exception {
        assertThat(CertificationRequests.requestedValidity(csr())).isEmpty();
        assertThat(CertificationRequests.requestedValidity(csr("ValidityPeriod", "Days"))).isEmpty();
        assertThat(CertificationRequests.requestedValidity(csr("ValidityPeriod", "Fortnights", "ValidityPeriodUnits", "2"))).isEmpty();
        assertThat(CertificationRequests.requestedValidity(csr("ValidityPeriod", "Days", "ValidityPeriodUnits", "-5"))).isEmpty();
        assertThat(CertificationRequests.challengePassword(csr())).contains("secret");
    }

    /** Found by CertificationRequestFuzzTest: BouncyCastle threw IllegalArgumentException here. */
    @Test
    void aChallengePasswordOfInvalidUtf8IsNoChallenge() throws Exception {
        byte[] invalidUtf8 = {(byte) 0xC3, (byte) 0x28};
        PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), keys.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, utf8String(invalidUtf8))
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate()));
        PKCS10CertificationRequest decoded = CertificationRequests.decode(csr.getEncoded());
        assertThat(CertificationRequests.challengePassword(decoded)).isEmpty();
    }

    /** A UTF8String holding {@code octets} as they are: BouncyCastle checks them only when read. */
    private static ASN1Encodable utf8String(byte[] octets) throws Exception {
        byte[] der = new byte[octets.length + 2];
        der[0] = 0x0C;
        der[1] = (byte) octets.length;
        System.arraycopy(octets, 0, der, 2, octets.length);
        return org.bouncycastle.asn1.ASN1Primitive.fromByteArray(der);
    }

    @Test
    void decodesDerPemAndBareBase64Alike() throws Exception {
        PKCS10CertificationRequest csr = csr();
        String base64 = java.util.Base64.getMimeEncoder().encodeToString(csr.getEncoded());
        String pem = "-----BEGIN CERTIFICATE REQUEST-----\r\n" + base64 + "\r\n-----END CERTIFICATE REQUEST-----\r\n";
        for (byte[] body : new byte[][] {csr.getEncoded(), pem.getBytes(), ("  " + base64 + "\n").getBytes(),
                base64.replace("\r\n", "").getBytes()}) {
            assertThat(CertificationRequests.decode(body)).isEqualTo(csr);
        }
    }

    @Test
    void refusesWhatIsNoRequestWithATypedError() {
        // 100 indefinite-length SEQUENCEs, one inside the other: 30 80 ... 00 00.
        byte[] indefinite = new byte[4 * 100];
        for (int i = 0; i < 100; i++) {
            indefinite[2 * i] = 0x30;
            indefinite[2 * i + 1] = (byte) 0x80;
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CertificationRequests.decode(indefinite))
                .isInstanceOf(MalformedCertificationRequestException.class).hasMessageContaining("nests deeper than 64 levels");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CertificationRequests.decode("hello".getBytes()))
                .isInstanceOf(MalformedCertificationRequestException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CertificationRequests.decode(new byte[0]))
                .isInstanceOf(MalformedCertificationRequestException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CertificationRequests.decode(new byte[64 * 1024 + 1]))
                .isInstanceOf(MalformedCertificationRequestException.class).hasMessageContaining("more than 65536");
    }

    /** Found by PkiMessageFuzzTest: the subject's attributes are parsed only when read, and threw then. */
    @Test
    void aSubjectThatCannotBeReadIsMalformed() throws Exception {
        byte[] csr = new JcaPKCS10CertificationRequestBuilder(dev.scepter.protocol.scep.TestPki.unreadableName(), keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())).getEncoded();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CertificationRequests.decode(csr))
                .isInstanceOf(MalformedCertificationRequestException.class).hasMessageContaining("subject cannot be read");
    }

    /**
     * Found by CertificationRequestFuzzTest: an extensionRequest whose Extension starts with no OID
     * decoded, and BouncyCastle threw IllegalStateException when the enrollment asked for it.
     */
    @Test
    void anExtensionRequestThatCannotBeReadIsMalformed() throws Exception {
        byte[] csr = dev.scepter.protocol.scep.TestPki.csrWithUnreadableExtensionRequest(keys);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CertificationRequests.decode(csr))
                .isInstanceOf(MalformedCertificationRequestException.class).hasMessageContaining("extensionRequest cannot be read");
    }


    /**
     * Found by SeedCorpusTest on strongSwan's {@code pki --scep --san}: its attributes are not in
     * DER order, and BouncyCastle checks the signature over a DER re-encoding, which sorts them.
     */
    @Test
    void aRequestIsVerifiedOverTheAttributesAsSentNotAsDerWouldSortThem() throws Exception {
        byte[] der = dev.scepter.protocol.scep.TestPki.csrWithAttributesOutOfDerOrder("CN=strongswan sans", keys, "secret");
        PKCS10CertificationRequest bouncyCastle = new PKCS10CertificationRequest(der);
        assertThat(bouncyCastle.isSignatureValid(new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder()
                .build(bouncyCastle.getSubjectPublicKeyInfo()))).as("BouncyCastle's own check").isFalse();

        PKCS10CertificationRequest decoded = CertificationRequests.decode(der);
        assertThat(CertificationRequests.isSelfSignatureValid(decoded)).isTrue();
        assertThat(CertificationRequests.challengePassword(decoded)).contains("secret");
        assertThat(CertificationRequests.requestedExtensions(decoded)).isPresent();

        byte[] tampered = der.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThat(CertificationRequests.isSelfSignatureValid(CertificationRequests.decode(tampered))).isFalse();
    }
}
