package dev.scepter.authority.store;

import dev.scepter.authority.directory.DirectoryObjectType;
import java.util.Objects;
import java.util.UUID;

/**
 * The directory object a certificate was issued for; OCSP asks the directory about it.
 *
 * @param type     what the object is, and so which id {@code objectId} is
 * @param objectId the object's GUID in its directory
 */
public record DirectoryBinding(DirectoryObjectType type, UUID objectId) {

    public DirectoryBinding {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(objectId, "objectId");
    }
}
