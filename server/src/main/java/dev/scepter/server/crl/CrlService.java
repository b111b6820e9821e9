package dev.scepter.server.crl;

import dev.scepter.authority.ca.CaKeyUnavailableException;
import dev.scepter.authority.crl.CrlIssuer;
import dev.scepter.authority.validity.RevocationIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.cert.X509CRLHolder;

/**
 * The current CRL: issued anew when the manual revocations change and when half its validity
 * is gone, so a relying party never holds an expired one.
 */
public final class CrlService {

    /** How soon a CRL that could not be signed is tried again. */
    static final Duration RETRY = Duration.ofSeconds(30);

    private final CrlIssuer issuer;
    private final RevocationIndex revocations;
    private final boolean fromStorage;
    private final Duration validity;
    private final Clock clock;
    private byte[] der;
    private Instant reissueAt = Instant.MIN;
    /** Until when the CRL held is valid (its nextUpdate): it may be served while a new one cannot be signed. */
    private Instant validUntil = Instant.MIN;

    /** @param fromStorage {@code AppConfig:CRL:Source=Storage}; otherwise the CRL is empty */
    public CrlService(CrlIssuer issuer, RevocationIndex revocations, boolean fromStorage, Duration validity, Clock clock) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.revocations = Objects.requireNonNull(revocations, "revocations");
        this.fromStorage = fromStorage;
        this.validity = Objects.requireNonNull(validity, "validity");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public synchronized byte[] current() {
        Instant now = clock.instant();
        if (der == null || !now.isBefore(reissueAt)) {
            X509CRLHolder crl;
            try {
                crl = issuer.issue(fromStorage ? revocations.all() : Map.of());
            } catch (CaKeyUnavailableException e) {
                // The CA key cannot sign now (Key Vault throttling): the CRL held is reissued at half
                // its validity, so it is still valid and is served while the key is asked again shortly.
                if (der == null || !now.isBefore(validUntil)) {
                    throw e;
                }
                reissueAt = now.plus(RETRY);
                return der.clone();
            }
            try {
                der = crl.getEncoded();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            reissueAt = now.plus(validity.dividedBy(2));
            validUntil = crl.getNextUpdate() == null ? now.plus(validity) : crl.getNextUpdate().toInstant();
        }
        return der.clone();
    }

    /** The manual revocations changed (here or on another node): the next request gets a new CRL. */
    public synchronized void revocationsChanged() {
        reissueAt = Instant.MIN;
    }
}
