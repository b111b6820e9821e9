package dev.scepter.authority.validity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.InMemoryCertificateStore;
import dev.scepter.authority.MutableClock;
import dev.scepter.authority.TestCa;
import dev.scepter.authority.issuance.SerialNumbers;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.Test;

class DelegatedResponderTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T12:00:00Z"));

    @Test
    void aDelegatedResponderIsCertifiedByTheCaForOcspSigningRecordedAndRenewedBeforeItEnds() throws Exception {
        TestCa ca = new TestCa(clock.instant().plus(Duration.ofDays(3650)));
        InMemoryCertificateStore store = new InMemoryCertificateStore();
        DelegatedResponder responder = new DelegatedResponder(ca, store, new SerialNumbers(new SecureRandom()), clock, new SecureRandom(),
                true, Duration.ofHours(24), Duration.ofHours(1));

        DelegatedResponder.Identity first = responder.identity();
        X509CertificateHolder certificate = first.certificatesToInclude().get(0);
        assertThat(certificate.isSignatureValid(new JcaContentVerifierProviderBuilder().build(ca.certificate()))).isTrue();
        assertThat(ExtendedKeyUsage.fromExtensions(certificate.getExtensions()).getUsages()).containsExactly(KeyPurposeId.id_kp_OCSPSigning);
        assertThat(certificate.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck)).isNotNull();
        assertThat(certificate.getNotAfter().toInstant()).isEqualTo(clock.instant().plus(Duration.ofHours(24)));
        assertThat(certificate.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm().getId()).isEqualTo("1.2.840.10045.2.1");
        assertThat(store.recorded()).extracting(r -> r.serialNumber()).containsExactly(certificate.getSerialNumber());

        clock.advance(Duration.ofHours(17));
        assertThat(responder.identity()).isSameAs(first);
        clock.advance(Duration.ofHours(2));
        assertThat(responder.identity()).isNotSameAs(first);
        assertThat(store.recorded()).hasSize(2);
    }

    @Test
    void withoutDelegationTheCaSignsAndNoCertificateIsIssued() throws Exception {
        TestCa ca = new TestCa(clock.instant().plus(Duration.ofDays(3650)));
        InMemoryCertificateStore store = new InMemoryCertificateStore();
        DelegatedResponder responder = new DelegatedResponder(ca, store, new SerialNumbers(new SecureRandom()), clock, new SecureRandom(),
                false, Duration.ofHours(24), Duration.ofHours(1));
        assertThat(responder.identity().signer()).isSameAs(ca);
        assertThat(responder.identity().certificatesToInclude()).isEmpty();
        assertThat(store.recorded()).isEmpty();
    }
}
