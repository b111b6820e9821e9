package dev.scepter.authority.enrollment;

import java.util.Optional;

/**
 * Decides whether a challenge authorises a request: {@link StaticChallengeVerifier},
 * {@link OneTimeChallenges}, and Intune's validation API (in the {@code azure} module).
 *
 * <p>Contract: called once per new enrollment (never for a renewal, which the certificate being
 * renewed authorises, nor for a retransmission, which was authorised when first issued), after
 * the request's proof of possession and the endpoint's policy checks passed and before anything
 * is signed. A verifier may use its challenge up (one-time challenges): it then answers through
 * {@link #accept}, whose {@link Acceptance} gives the challenge back when the request it let
 * through got no certificate, so that an outage never costs a device its one-time challenge
 * ({@link Enrollment} decides when). It throws only for an outage of what it consults, never for a wrong challenge: an outage
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

    /**
     * What the enrollment chain asks: empty when the challenge does not authorise the request,
     * else what gives it back if no certificate comes of the request. A verifier that uses
     * nothing up has nothing to give back.
     */
    default Optional<Acceptance> accept(EnrollmentContext enrollment) {
        return accepts(enrollment) ? Optional.of(Acceptance.NOTHING_USED) : Optional.empty();
    }

    /** Accepts what {@code this} or, failing it, {@code other} accepts; gives back what the one that accepted used. */
    default ChallengeVerifier or(ChallengeVerifier other) {
        ChallengeVerifier first = this;
        return new ChallengeVerifier() {
            @Override
            public boolean accepts(EnrollmentContext enrollment) {
                return first.accepts(enrollment) || other.accepts(enrollment);
            }

            @Override
            public Optional<Acceptance> accept(EnrollmentContext enrollment) {
                return first.accept(enrollment).or(() -> other.accept(enrollment));
            }
        };
    }

    /** A challenge accepted for one request. */
    @FunctionalInterface
    interface Acceptance {

        /** Nothing to give back: the challenge is not used up by a request (a static one, an MDM's). */
        Acceptance NOTHING_USED = () -> { };

        /**
         * Gives the challenge back for another try: called at most once, only when an outage
         * stopped the request before its certificate's write was attempted, so never once a
         * certificate may exist for it. It may throw for an outage of its store, in which case the
         * challenge stays used.
         */
        void giveBack();
    }
}
