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
}
