package dev.scepter.authority.enrollment;

/**
 * Decides whether a challenge authorises a request: {@link StaticChallengeVerifier},
 * {@link OneTimeChallenges}; Intune validation comes with the Azure runtime.
 *
 * <p>Contract: called once per new enrollment (never for a renewal, which the certificate being
 * renewed authorises, nor for a retransmission, which was authorised when first issued), after
 * the request's proof of possession and the endpoint's policy checks passed and before anything
 * is signed. A verifier may use its challenge up (one-time challenges): a {@code true} answer is
 * final. It throws only for an outage of what it consults (a store, a remote API), which the
 * protocol answers as unavailable, never for a wrong challenge.
 */
@FunctionalInterface
public interface ChallengeVerifier {

    /**
     * @param enrollment the request and what came with it: the challenge it carried, if any, the
     *                   transaction and the endpoint, for verifiers that bind a challenge to a
     *                   subject or ask an MDM about the very request
     */
    boolean accepts(EnrollmentContext enrollment);

    /** Accepts what {@code this} or, failing it, {@code other} accepts. */
    default ChallengeVerifier or(ChallengeVerifier other) {
        return enrollment -> accepts(enrollment) || other.accepts(enrollment);
    }
}
