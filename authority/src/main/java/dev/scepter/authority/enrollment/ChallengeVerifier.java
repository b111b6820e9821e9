package dev.scepter.authority.enrollment;

import java.util.Optional;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Decides whether a SCEP challenge authorises a request: {@link StaticChallengeVerifier},
 * {@link OneTimeChallenges}; Intune validation comes with the Azure runtime.
 */
@FunctionalInterface
public interface ChallengeVerifier {

    /**
     * @param challenge the challengePassword the request carried, if any
     * @param csr       the request it came with, for verifiers that bind a challenge to a subject
     */
    boolean accepts(Optional<String> challenge, PKCS10CertificationRequest csr);

    /** Accepts what {@code this} or, failing it, {@code other} accepts. */
    default ChallengeVerifier or(ChallengeVerifier other) {
        return (challenge, csr) -> accepts(challenge, csr) || other.accepts(challenge, csr);
    }
}
