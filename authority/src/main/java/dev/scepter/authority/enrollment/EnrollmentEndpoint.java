package dev.scepter.authority.enrollment;

import dev.scepter.authority.issuance.EndpointProfile;
import java.util.Objects;

/**
 * An enabled enrollment endpoint: what it issues, how it authenticates new requests, whether
 * it renews on the strength of the certificate being renewed, and which MDM hears how its
 * enrollments end.
 */
public record EnrollmentEndpoint(EndpointProfile profile, ChallengeVerifier challengeVerifier, RenewalPolicy renewals,
        MdmNotifier notifier) {

    /** An endpoint that renews nothing without a challenge and notifies nobody. */
    public EnrollmentEndpoint(EndpointProfile profile, ChallengeVerifier challengeVerifier) {
        this(profile, challengeVerifier, RenewalPolicy.NONE);
    }

    /** An endpoint that notifies nobody. */
    public EnrollmentEndpoint(EndpointProfile profile, ChallengeVerifier challengeVerifier, RenewalPolicy renewals) {
        this(profile, challengeVerifier, renewals, MdmNotifier.NONE);
    }

    public EnrollmentEndpoint {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(challengeVerifier, "challengeVerifier");
        Objects.requireNonNull(renewals, "renewals");
        Objects.requireNonNull(notifier, "notifier");
    }

    public String name() {
        return profile.name();
    }
}
