package dev.scepter.authority.enrollment;

import dev.scepter.authority.Secrets;
import dev.scepter.authority.audit.AuditEvent;
import dev.scepter.authority.audit.AuditLog;
import dev.scepter.authority.store.OneTimeChallengeStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * One-time challenges (SCEP's challengePassword, EST's HTTP Basic password): minted through the
 * API, good for one successful use, optionally for one subject only, kept as hashes. A request
 * that got no certificate gives its challenge back ({@link Acceptance}).
 */
public final class OneTimeChallenges implements ChallengeVerifier {

    /** A new challenge, whose value the caller hands on once. */
    public record Minted(String value, Instant expiresAt) {
        @Override
        public String toString() {
            return "Minted[value=<hidden>, expiresAt=" + expiresAt + "]";
        }
    }

    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(60);

    private final OneTimeChallengeStore store;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;

    public OneTimeChallenges(OneTimeChallengeStore store, AuditLog audit, Clock clock, SecureRandom random) {
        this.store = Objects.requireNonNull(store, "store");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * @param subject a CN or SAN value the request must carry, if any
     */
    public Minted mint(String actor, Optional<String> subject, Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("a challenge lives from 1 minute to 30 days");
        }
        String value = Secrets.randomText(random, 24);
        Instant expiresAt = clock.instant().plus(lifetime);
        store.save(new OneTimeChallengeStore.Stored(Secrets.sha256(value), subject, expiresAt));
        audit.append(new AuditEvent(clock.instant(), actor, "challenge.create", subject.orElse("(any subject)"), "success"));
        return new Minted(value, expiresAt);
    }

    /** Accepts an unused, unexpired challenge whose subject (if bound) the request carries, and uses it up for good. */
    @Override
    public boolean accepts(EnrollmentContext enrollment) {
        return accept(enrollment).isPresent();
    }

    /**
     * Accepts as {@link #accepts} does; the acceptance gives the challenge back, unused, if the
     * store still holds it as used by this very request ({@link OneTimeChallengeStore#release}).
     */
    @Override
    public Optional<Acceptance> accept(EnrollmentContext enrollment) {
        Optional<String> challenge = enrollment.challengePassword();
        if (challenge.isEmpty()) {
            return Optional.empty();
        }
        byte[] hash = Secrets.sha256(challenge.get());
        Instant now = clock.instant();
        Optional<OneTimeChallengeStore.Stored> stored = store.findUsable(hash, now);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        if (stored.get().boundSubject().isPresent() && !names(enrollment.csr(), stored.get().boundSubject().get())) {
            return Optional.empty();
        }
        if (!store.consume(hash, now)) {
            return Optional.empty();
        }
        java.util.concurrent.atomic.AtomicBoolean givenBack = new java.util.concurrent.atomic.AtomicBoolean();
        return Optional.of(() -> {
            if (!givenBack.getAndSet(true)) {
                store.release(hash, now);
            }
        });
    }

    /**
     * The one-time challenges judging {@code challenge} rather than the one in the request: the
     * password of EST's HTTP Basic (RFC 7030 section 3.2.3), where the request carries none.
     */
    public ChallengeVerifier presented(String challenge) {
        Objects.requireNonNull(challenge, "challenge");
        return new ChallengeVerifier() {
            @Override
            public boolean accepts(EnrollmentContext enrollment) {
                return OneTimeChallenges.this.accepts(withChallenge(enrollment, challenge));
            }

            @Override
            public Optional<Acceptance> accept(EnrollmentContext enrollment) {
                return OneTimeChallenges.this.accept(withChallenge(enrollment, challenge));
            }
        };
    }

    private static EnrollmentContext withChallenge(EnrollmentContext context, String challenge) {
        return new EnrollmentContext(context.endpoint(), context.transactionId(), context.csr(), Optional.of(challenge), context.requester(),
                context.actor(), context.signer());
    }

    /** Whether the request's subject CN or one of its SANs is the bound subject (case-insensitively). */
    private static boolean names(PKCS10CertificationRequest csr, String subject) {
        String wanted = subject.toLowerCase(Locale.ROOT);
        for (RDN rdn : csr.getSubject().getRDNs(BCStyle.CN)) {
            if (rdn.getFirst().getValue().toString().toLowerCase(Locale.ROOT).equals(wanted)) {
                return true;
            }
        }
        GeneralNames sans = dev.scepter.protocol.csr.CertificationRequests.requestedExtensions(csr)
                .map(e -> GeneralNames.fromExtensions(e, Extension.subjectAlternativeName)).orElse(null);
        if (sans != null) {
            for (GeneralName name : sans.getNames()) {
                String value = name.getTagNo() == GeneralName.otherName
                        ? org.bouncycastle.asn1.x509.OtherName.getInstance(name.getName()).getValue().toString()
                        : name.getName().toString();
                if (value.toLowerCase(Locale.ROOT).equals(wanted)) {
                    return true;
                }
            }
        }
        return false;
    }
}
