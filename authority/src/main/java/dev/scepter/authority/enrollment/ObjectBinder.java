package dev.scepter.authority.enrollment;

import java.util.Objects;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Finds the object a request names for an endpoint whose objects live outside the directory: Jamf
 * Pro's computers, mobile devices and users for {@code /jamf}. An endpoint without one binds
 * through the {@link Binder} (the directory), as before.
 */
@FunctionalInterface
public interface ObjectBinder {

    /** What the request came to. */
    sealed interface Result {
    }

    /** The object exists: the certificate is bound to it, with the serial type byte that says its kind. */
    record Found(Binder.Bound bound) implements Result {
        public Found {
            Objects.requireNonNull(bound, "bound");
        }
    }

    /**
     * No certificate for this request: it names no object, or one that does not exist, or the
     * object's home cannot answer now. {@code reason} is safe to log and to show the requester.
     */
    record Refused(String reason) implements Result {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }

    Result bind(PKCS10CertificationRequest csr);
}
