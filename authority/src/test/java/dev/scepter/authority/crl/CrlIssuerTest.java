package dev.scepter.authority.crl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.TestCa;
import dev.scepter.authority.store.Revocation;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLEntryHolder;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.Test;

class CrlIssuerTest {

    @Test
    void listsManualRevocationsWithReasonsSignedByTheCaWithAGrowingNumber() throws Exception {
        TestCa ca = new TestCa(Instant.now().plus(Duration.ofDays(3650)));
        Instant fixed = Instant.parse("2026-11-24T12:00:00Z");
        CrlIssuer issuer = new CrlIssuer(ca, Clock.fixed(fixed, java.time.ZoneOffset.UTC), Duration.ofMinutes(144));
        BigInteger serial = new BigInteger("50AB", 16);

        X509CRLHolder crl = issuer.issue(Map.of(serial, new Revocation(1, fixed.minusSeconds(30), "admin")));
        X509CRLHolder next = issuer.issue(Map.of());

        assertThat(crl.isSignatureValid(new JcaContentVerifierProviderBuilder().build(ca.certificate()))).isTrue();
        assertThat(crl.getIssuer()).isEqualTo(ca.certificate().getSubject());
        assertThat(crl.getNextUpdate().toInstant()).isEqualTo(fixed.plus(Duration.ofMinutes(144)));
        X509CRLEntryHolder entry = crl.getRevokedCertificate(serial);
        assertThat(entry.getRevocationDate().toInstant()).isEqualTo(fixed.minusSeconds(30));
        assertThat(CRLReason.getInstance(entry.getExtensions().getExtensionParsedValue(Extension.reasonCode)).getValue().intValue()).isEqualTo(1);
        BigInteger first = CRLNumber.getInstance(crl.getExtension(Extension.cRLNumber).getParsedValue()).getCRLNumber();
        BigInteger second = CRLNumber.getInstance(next.getExtension(Extension.cRLNumber).getParsedValue()).getCRLNumber();
        assertThat(second).isGreaterThan(first);
        assertThat(next.getRevokedCertificates()).isEmpty();
    }
}
