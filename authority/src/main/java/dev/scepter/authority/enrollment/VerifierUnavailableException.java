package dev.scepter.authority.enrollment;

/**
 * Thrown by a {@link ChallengeVerifier} that asks a remote service to vouch for each request (an
 * MDM's validation API, such as Intune's {@code ScepActions/validateRequest}) when that service
 * gave no usable answer: unreachable, an HTTP error, a body that is not its protocol. The request
 * is refused, never issued (Intune: "If validate throws, the SCEP server must not issue the
 * certificate"). The message names the service and what went wrong, without secrets.
 */
public class VerifierUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public VerifierUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
