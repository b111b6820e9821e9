package dev.scepter.authority.directory;

import java.util.Optional;
import java.util.UUID;

/**
 * The embedded default's own directory: devices and users with an enabled flag, managed through
 * the API (or by an MDM integration that mirrors its inventory into it). It keeps no other kind:
 * an Intune device id or a domain controller is read and written as the device with that id.
 */
public interface EmbeddedDirectory extends Directory {

    /**
     * A device or user as the embedded directory keeps it.
     *
     * @param securityIdentifier its SID ({@code S-1-5-21-...}), for certificates' SID extension
     */
    record Entry(DirectoryObjectType type, UUID objectId, boolean enabled, Optional<String> name, Optional<String> securityIdentifier) {

        /** An entry without a SID. */
        public Entry(DirectoryObjectType type, UUID objectId, boolean enabled, Optional<String> name) {
            this(type, objectId, enabled, name, Optional.empty());
        }
    }

    /** Creates or updates; {@code name} is the device name or, for users, the userPrincipalName. */
    void put(Entry entry);

    Optional<Entry> get(DirectoryObjectType type, UUID objectId);

    /** @return whether it existed */
    boolean delete(DirectoryObjectType type, UUID objectId);

    /**
     * Whether it keeps no device and no user: certificates bound while it was in use then have
     * nothing here to stay good by, so another directory cannot revoke what this one vouched for.
     *
     * @throws DirectoryUnavailableException when the store cannot answer
     */
    boolean isEmpty();
}
