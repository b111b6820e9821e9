package dev.scepter.authority.enrollment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** One shared challenge for an endpoint, compared in constant time. */
public final class StaticChallengeVerifier implements ChallengeVerifier {

    private final byte[] expectedDigest;

    public StaticChallengeVerifier(String challenge) {
        Objects.requireNonNull(challenge, "challenge");
        if (challenge.isEmpty()) {
            throw new IllegalArgumentException("a static challenge must not be empty");
        }
        this.expectedDigest = sha256(challenge);
    }

    @Override
    public boolean accepts(Optional<String> challenge, PKCS10CertificationRequest csr) {
        // Comparing digests of equal length keeps the comparison's time independent of where the
        // strings differ and of the secret's length.
        return challenge.isPresent() && MessageDigest.isEqual(expectedDigest, sha256(challenge.get()));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "StaticChallengeVerifier[challenge=<hidden>]";
    }
}
