package dev.scepter.server;

import dev.scepter.authority.directory.Directory;
import dev.scepter.authority.directory.DirectoryAnswer;
import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.directory.DirectoryUnavailableException;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The directory OCSP asks: Jamf Pro for the Jamf kinds, the configured directory for the rest.
 * Each keeps its own cache, so that Jamf Pro being down never makes Entra ID's or LDAP's answers
 * wait (a cache fails fast for a moment after its directory failed). Without Jamf Pro's API a
 * Jamf-bound certificate has no one to answer for it: tryLater, never revoked.
 */
final class JamfRoutingDirectory implements Directory {

    private final Directory directory;
    private final Optional<Directory> jamf;

    JamfRoutingDirectory(Directory directory, Optional<Directory> jamf) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.jamf = Objects.requireNonNull(jamf, "jamf");
    }

    @Override
    public DirectoryAnswer lookup(DirectoryObjectType type, UUID objectId) {
        if (!type.jamf()) {
            return directory.lookup(type, objectId);
        }
        return jamf.orElseThrow(() -> new DirectoryUnavailableException(
                "a Jamf Pro object, and no Jamf Pro API is configured (AppConfig:JamfValidation:URL)", null)).lookup(type, objectId);
    }

    @Override
    public Optional<UUID> findUserByPrincipalName(String userPrincipalName) {
        return directory.findUserByPrincipalName(userPrincipalName);
    }

    @Override
    public Optional<String> securityIdentifier(DirectoryObjectType type, UUID objectId) {
        return type.jamf() ? Optional.empty() : directory.securityIdentifier(type, objectId);
    }

    /** Jamf Pro's objects have no registered owners here: self-service names Entra and Intune devices only. */
    @Override
    public boolean isRegisteredOwner(DirectoryObjectType deviceType, UUID deviceId, UUID userId) {
        return !deviceType.jamf() && directory.isRegisteredOwner(deviceType, deviceId, userId);
    }

    @Override
    public String describe() {
        return directory.describe() + jamf.map(j -> ", " + j.describe()).orElse("");
    }
}
