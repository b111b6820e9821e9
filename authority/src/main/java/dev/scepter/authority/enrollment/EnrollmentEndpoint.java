package dev.scepter.authority.enrollment;

import dev.scepter.authority.issuance.EndpointProfile;
import java.util.Objects;

/**
 * An enabled enrollment endpoint: what it issues and how it authenticates requests.
 */
public record EnrollmentEndpoint(EndpointProfile profile, ChallengeVerifier challengeVerifier) {
    public EnrollmentEndpoint {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(challengeVerifier, "challengeVerifier");
    }

    public String name() {
        return profile.name();
    }
}
