package dev.scepter.authority.store;

import java.util.Objects;
import java.util.UUID;

/**
 * The directory object a certificate was issued for; OCSP asks the directory about it.
 *
 * @param kind     what the object is
 * @param objectId the object's GUID in its directory
 */
public record DirectoryBinding(Kind kind, UUID objectId) {

    public enum Kind {
        /** An Entra ID (or embedded/LDAP) device, by its object or device id. */
        DEVICE,
        /** An Intune managed device, by its Intune device id. */
        INTUNE_DEVICE,
        /** A user, by its object GUID. */
        USER,
        /** A domain controller computer object. */
        DOMAIN_CONTROLLER
    }

    public DirectoryBinding {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(objectId, "objectId");
    }
}
