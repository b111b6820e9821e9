package dev.scepter.authority.enrollment;

import dev.scepter.authority.issuance.EndpointProfile;
import java.util.Objects;

/**
 * An enabled enrollment endpoint: what it issues, how it authenticates new requests, and whether
 * it renews on the strength of the certificate being renewed.
 */
public record EnrollmentEndpoint(EndpointProfile profile, ChallengeVerifier challengeVerifier, RenewalPolicy renewals) {

    /** An endpoint that renews nothing without a challenge. */
    public EnrollmentEndpoint(EndpointProfile profile, ChallengeVerifier challengeVerifier) {
        this(profile, challengeVerifier, RenewalPolicy.NONE);
    }

    public EnrollmentEndpoint {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(challengeVerifier, "challengeVerifier");
        Objects.requireNonNull(renewals, "renewals");
    }

    public String name() {
        return profile.name();
    }
}
