package dev.scepter.authority.enrollment;

import dev.scepter.authority.Secrets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;

/** One shared challenge for an endpoint, compared in constant time. */
public final class StaticChallengeVerifier implements ChallengeVerifier {

    private final byte[] expectedDigest;

    public StaticChallengeVerifier(String challenge) {
        Objects.requireNonNull(challenge, "challenge");
        if (challenge.isEmpty()) {
            throw new IllegalArgumentException("a static challenge must not be empty");
        }
        this.expectedDigest = Secrets.sha256(challenge);
    }

    @Override
    public boolean accepts(EnrollmentContext enrollment) {
        Optional<String> challenge = enrollment.challengePassword();
        // Comparing digests of equal length keeps the comparison's time independent of where the
        // strings differ and of the secret's length.
        return challenge.isPresent() && MessageDigest.isEqual(expectedDigest, Secrets.sha256(challenge.get()));
    }

    @Override
    public String toString() {
        return "StaticChallengeVerifier[challenge=<hidden>]";
    }
}
