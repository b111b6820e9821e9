package dev.scepter.authority.enrollment;

import dev.scepter.authority.issuance.EndpointProfile;
import java.util.Objects;
import java.util.Optional;

/**
 * An enabled enrollment endpoint: what it issues, how it authenticates new requests, whether
 * it renews on the strength of the certificate being renewed, which MDM hears how its
 * enrollments end, and, for an endpoint whose objects are not in the directory, what finds the
 * object a request names ({@code /jamf}: Jamf Pro).
 */
public record EnrollmentEndpoint(EndpointProfile profile, ChallengeVerifier challengeVerifier, RenewalPolicy renewals,
        MdmNotifier notifier, Optional<ObjectBinder> binder) {

    /** An endpoint that binds, if it binds, through the directory. */
    public EnrollmentEndpoint(EndpointProfile profile, ChallengeVerifier challengeVerifier, RenewalPolicy renewals, MdmNotifier notifier) {
        this(profile, challengeVerifier, renewals, notifier, Optional.empty());
    }

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
        Objects.requireNonNull(binder, "binder");
    }

    public String name() {
        return profile.name();
    }
}
