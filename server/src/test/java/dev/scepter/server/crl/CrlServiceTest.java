package dev.scepter.server.crl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import dev.scepter.authority.ca.CaKeyUnavailableException;
import dev.scepter.authority.ca.CaSigner;
import dev.scepter.authority.crl.CrlIssuer;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.validity.RevocationIndex;
import dev.scepter.protocol.scep.CmsSigner;
import dev.scepter.protocol.scep.TestPki;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.junit.jupiter.api.Test;

/**
 * The CRL while the CA key cannot sign (Key Vault throttling): the CRL held is still valid for
 * half its validity and is served, and signing is tried again shortly; with none held, or once
 * it is no longer valid, the failure goes on for the controller's 503.
 */
class CrlServiceTest {

    private static final Duration VALIDITY = Duration.ofHours(2);

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-06T12:00:00Z"));
    private final AtomicBoolean keyDown = new AtomicBoolean();
    private final AtomicInteger signatures = new AtomicInteger();
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final CmsSigner testCa = TestPki.caSigner();
    private final CaSigner ca = new CaSigner() {
        @Override
        public X509CertificateHolder certificate() {
            return testCa.certificate();
        }

        @Override
        public ContentSigner contentSigner(AlgorithmIdentifier digestAlgorithm) throws OperatorCreationException {
            if (keyDown.get()) {
                throw new CaKeyUnavailableException("Key Vault is throttling (HTTP 429)");
            }
            signatures.incrementAndGet();
            return testCa.contentSigner(digestAlgorithm);
        }

        @Override
        public String describe() {
            return "a CA key that can be made unavailable";
        }
    };
    private final CrlService crls = new CrlService(new CrlIssuer(ca, clock, VALIDITY), new RevocationIndex(mock(CertificateStore.class), "CN=Test"),
            false, VALIDITY, clock);

    @Test
    void theCrlHeldIsServedWhileTheKeyCannotSignAndANewOneIsTriedShortly() throws Exception {
        byte[] first = crls.current();
        keyDown.set(true);
        now.set(now.get().plus(VALIDITY.dividedBy(2)).plusSeconds(1));

        assertThat(crls.current()).isEqualTo(first);
        now.set(now.get().plus(CrlService.RETRY).plusSeconds(1));
        keyDown.set(false);

        byte[] second = crls.current();
        assertThat(second).isNotEqualTo(first);
        assertThat(new X509CRLHolder(second).getThisUpdate().toInstant()).isEqualTo(now.get());
        assertThat(signatures).hasValue(2);
    }

    @Test
    void withoutAValidCrlTheFailureGoesOn() {
        keyDown.set(true);
        assertThatThrownBy(crls::current).isInstanceOf(CaKeyUnavailableException.class);

        keyDown.set(false);
        crls.current();
        keyDown.set(true);
        now.set(now.get().plus(VALIDITY).plusSeconds(1));
        assertThatThrownBy(crls::current).isInstanceOf(CaKeyUnavailableException.class);
    }
}
