package dev.scepter.authority.ca;

/**
 * The CA's key cannot be used now (a key service that is throttling, unavailable or silent beyond
 * what a caller can wait): a signature or an unwrap the CA was asked for was not made, and may be
 * made later. The caller answers in its protocol's terms for "try later" (SCEP: a CertRep FAILURE;
 * the API: 503 with Retry-After), never as a fault of its own. The message names the service and
 * the operation, never a credential.
 */
public class CaKeyUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CaKeyUnavailableException(String message) {
        super(message);
    }

    public CaKeyUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
