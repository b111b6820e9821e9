package dev.scepter.authority.enrollment;

/**
 * Thrown by an {@link MdmNotifier} whose MDM must acknowledge a certificate before it leaves, and
 * did not: Intune's rule that no certificate is delivered when its success notification fails
 * (Microsoft, "Use APIs to add third-party CAs for SCEP to Intune", security notes). The
 * enrollment then revokes the recorded certificate and refuses the request. The message says why,
 * in words safe to log, without secrets.
 */
public class DeliveryRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DeliveryRefusedException(String message) {
        super(message);
    }

    public DeliveryRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
