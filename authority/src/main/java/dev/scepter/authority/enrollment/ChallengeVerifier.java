package dev.scepter.authority.enrollment;

import java.util.Optional;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Decides whether a SCEP challenge authorises a request. Adapters: {@link StaticChallengeVerifier};
 * one-time challenges and Intune validation come later.
 */
@FunctionalInterface
public interface ChallengeVerifier {

    /**
     * @param challenge the challengePassword the request carried, if any
     * @param csr       the request it came with, for verifiers that bind a challenge to a subject
     */
    boolean accepts(Optional<String> challenge, PKCS10CertificationRequest csr);
}
