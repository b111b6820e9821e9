package dev.scepter.authority.enrollment;

import java.util.Optional;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** Contexts for tests of a {@link ChallengeVerifier} on its own. */
final class EnrollmentContexts {

    private EnrollmentContexts() {
    }

    /** A request on the test endpoint that carried {@code challenge}. */
    static EnrollmentContext withChallenge(Optional<String> challenge, PKCS10CertificationRequest csr) {
        return new EnrollmentContext("test", Optional.of("tx-1"), csr, challenge, "127.0.0.1", Optional.empty(), Optional.empty());
    }
}
