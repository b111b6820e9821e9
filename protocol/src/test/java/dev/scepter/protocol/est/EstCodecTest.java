package dev.scepter.protocol.est;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.protocol.csr.MalformedCertificationRequestException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** EST bodies (RFC 7030, RFC 8951) on requests real clients made: OpenSSL's and strongSwan's pki. */
class EstCodecTest {

    private static X509CertificateHolder ca;
    private static X509CertificateHolder leaf;

    @BeforeAll
    static void certificates() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        ca = certificate("CN=EST Test CA", "CN=EST Test CA", keys, 1);
        leaf = certificate("CN=EST Test CA", "CN=device", keys, 2);
    }

    private static X509CertificateHolder certificate(String issuer, String subject, KeyPair keys, long serial) throws Exception {
        Date now = new Date();
        return new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(serial), now, new Date(now.getTime() + 86_400_000L),
                new X500Name(subject), keys.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate()));
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = EstCodecTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"openssl-p256.csr.der", "pki-rsa.csr.der"})
    void readsARequestInBase64WithAndWithoutLineBreaks(String name) throws Exception {
        byte[] der = resource(name);
        byte[] oneLine = Base64.getEncoder().encode(der);
        byte[] mime = Base64.getMimeEncoder().encode(der); // 76 characters a line, CRLF
        byte[] lf = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encode(der);

        for (byte[] body : List.of(oneLine, mime, lf)) {
            PKCS10CertificationRequest csr = EstCodec.decodeRequest(body);
            assertThat(csr.getEncoded()).as("decoded from %s", new String(body, StandardCharsets.US_ASCII)).isEqualTo(der);
        }
        assertThat(mime).as("the MIME form has line breaks").contains('\n');
    }

    @Test
    void refusesWhatIsNoRequest() {
        assertThatThrownBy(() -> EstCodec.decodeRequest(new byte[0])).isInstanceOf(MalformedCertificationRequestException.class);
        assertThatThrownBy(() -> EstCodec.decodeRequest("not a csr".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(MalformedCertificationRequestException.class);
        // Valid base64 of a certificate, not of a request.
        assertThatThrownBy(() -> EstCodec.decodeRequest(Base64.getEncoder().encode(ca.getEncoded())))
                .isInstanceOf(MalformedCertificationRequestException.class);
        assertThatThrownBy(() -> EstCodec.decodeRequest(new byte[EstCodec.MAX_REQUEST_BYTES + 1]))
                .isInstanceOf(MalformedCertificationRequestException.class);
    }

    @Test
    void certsOnlyIsBase64OfADegenerateSignedDataWithTheCertificatesInOrder() throws Exception {
        byte[] body = EstCodec.certsOnly(List.of(leaf, ca));

        String text = new String(body, StandardCharsets.US_ASCII);
        assertThat(text).as("base64 without line breaks").matches("[A-Za-z0-9+/]+={0,2}");
        CMSSignedData signedData = new CMSSignedData(Base64.getDecoder().decode(body));
        assertThat(signedData.getSignerInfos().getSigners()).as("no signer").isEmpty();
        assertThat(signedData.getSignedContent()).as("no content").isNull();
        assertThat(signedData.getCertificates().getMatches(null)).containsExactly(leaf, ca);
        assertThat(EstCodec.readCertsOnly(body)).containsExactly(leaf, ca);
        assertThat(EstCodec.readCertsOnly(Base64.getMimeEncoder().encode(Base64.getDecoder().decode(body)))).containsExactly(leaf, ca);
    }

    @Test
    void readCertsOnlyRefusesOtherBodies() {
        assertThatThrownBy(() -> EstCodec.readCertsOnly("%%%".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(MalformedEstResponseException.class);
        assertThatThrownBy(() -> EstCodec.readCertsOnly(Base64.getEncoder().encode(leaf.getEncoded())))
                .isInstanceOf(MalformedEstResponseException.class);
        assertThatThrownBy(() -> EstCodec.certsOnly(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void csrAttrsIsASequenceOfOidsThenAttributes() throws Exception {
        ASN1ObjectIdentifier challenge = PKCSObjectIdentifiers.pkcs_9_at_challengePassword;
        Attribute ekus = new Attribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest,
                new DERSet(KeyPurposeId.id_kp_clientAuth.toOID()));

        byte[] body = EstCodec.csrAttrs(List.of(challenge), List.of(ekus));

        ASN1Sequence attrs = ASN1Sequence.getInstance(Base64.getDecoder().decode(body));
        assertThat(attrs.size()).isEqualTo(2);
        assertThat(attrs.getObjectAt(0)).isEqualTo(challenge);
        ASN1Encodable second = attrs.getObjectAt(1);
        assertThat(Attribute.getInstance(second)).isEqualTo(ekus);
        assertThat(ASN1Sequence.getInstance(Base64.getDecoder().decode(EstCodec.csrAttrs(List.of(), List.of()))).size())
                .as("an empty CsrAttrs is allowed (SIZE 0..MAX)").isZero();
    }

    @Test
    void aServerKeyGenAnswerIsTheKeyThenTheCertificateInTwoBase64Parts() throws Exception {
        byte[] key = "not really a key, but bytes, enough of them for more than one line of base64".repeat(3)
                .getBytes(StandardCharsets.US_ASCII);

        EstCodec.ServerKeyGenAnswer answer = EstCodec.serverKeyGen(key, leaf, "est-key.1");

        assertThat(answer.contentType()).isEqualTo("multipart/mixed; boundary=est-key.1");
        assertThat(answer.toString()).doesNotContain(Base64.getEncoder().encodeToString(key));
        String body = new String(answer.body(), StandardCharsets.US_ASCII);
        String[] parts = body.split("\r\n--est-key\\.1(--)?\r\n", -1);
        assertThat(body).startsWith("--est-key.1\r\n").endsWith("\r\n--est-key.1--\r\n");
        assertThat(parts).hasSize(3);
        String[] keyPart = parts[0].substring("--est-key.1\r\n".length()).split("\r\n\r\n", 2);
        String[] certPart = parts[1].split("\r\n\r\n", 2);
        assertThat(keyPart[0]).isEqualTo("Content-Type: application/pkcs8\r\nContent-Transfer-Encoding: base64");
        assertThat(Base64.getMimeDecoder().decode(keyPart[1])).isEqualTo(key);
        assertThat(keyPart[1].split("\r\n")).as("RFC 2045 section 6.8: lines of at most 76 characters").hasSizeGreaterThan(1)
                .allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(76));
        assertThat(certPart[1].split("\r\n")).hasSizeGreaterThan(1).allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(76));
        assertThat(certPart[0]).isEqualTo("Content-Type: application/pkcs7-mime; smime-type=certs-only\r\nContent-Transfer-Encoding: base64");
        assertThat(EstCodec.readCertsOnly(certPart[1].getBytes(StandardCharsets.US_ASCII))).containsExactly(leaf);
        assertThatThrownBy(() -> EstCodec.serverKeyGen(key, leaf, "abc123")).as("a boundary base64 could hold")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EstCodec.serverKeyGen(key, leaf, "est:key?1")).as("tspecials, which would need quoting")
                .isInstanceOf(IllegalArgumentException.class);
    }
}
