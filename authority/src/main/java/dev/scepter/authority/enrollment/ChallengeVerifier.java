package dev.scepter.authority.enrollment;

/**
 * Decides whether a challenge authorises a request: {@link StaticChallengeVerifier},
 * {@link OneTimeChallenges}, and Intune's validation API (in the {@code azure} module).
 *
 * <p>Contract: called once per new enrollment (never for a renewal, which the certificate being
 * renewed authorises, nor for a retransmission, which was authorised when first issued), after
 * the request's proof of possession and the endpoint's policy checks passed and before anything
 * is signed. A verifier may use its challenge up (one-time challenges): a {@code true} answer is
 * final. It throws only for an outage of what it consults, never for a wrong challenge: an outage
 * of the store (its own exceptions, such as {@code StoreUnavailableException}), which the protocol
 * answers as unavailable, to be retried; or {@link VerifierUnavailableException} when the remote
 * service that vouches for each request (an MDM's API) gave no usable answer, which refuses the
 * request ({@link EnrollmentOutcome.Reason#VERIFIER_UNAVAILABLE}): without the MDM's word nothing
 * is issued, and the MDM's devices retry on their own schedule.
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
