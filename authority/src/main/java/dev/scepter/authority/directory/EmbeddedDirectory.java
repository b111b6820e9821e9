package dev.scepter.authority.directory;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The embedded default's own directory: devices and users with an enabled flag, managed through
 * the API (or by an MDM integration that mirrors its inventory into it). It keeps no other kind:
 * an Intune device id or a domain controller is read and written as the device with that id.
 * A device may have an owner, a user's object id, which {@link #isRegisteredOwner} answers by
 * (for an Entra device id and an Intune device id alike, since both are the device here).
 */
public interface EmbeddedDirectory extends Directory {

    /**
     * A device or user as the embedded directory keeps it.
     *
     * @param securityIdentifier its SID ({@code S-1-5-21-...}), for certificates' SID extension
     * @param owner              a device's registered owner (a user's object id), whom self-service
     *                           ({@code CSR.SelfService}) lets enroll for the device; users have none
     */
    record Entry(DirectoryObjectType type, UUID objectId, boolean enabled, Optional<String> name, Optional<String> securityIdentifier,
            Optional<UUID> owner) {

        /** An entry without a SID. */
        public Entry(DirectoryObjectType type, UUID objectId, boolean enabled, Optional<String> name) {
            this(type, objectId, enabled, name, Optional.empty());
        }

        /** An entry without an owner. */
        public Entry(DirectoryObjectType type, UUID objectId, boolean enabled, Optional<String> name, Optional<String> securityIdentifier) {
            this(type, objectId, enabled, name, securityIdentifier, Optional.empty());
        }

        /** The longest name kept, in characters. */
        public static final int MAX_NAME_LENGTH = 1024;
        // A SID's text form (MS-DTYP section 2.4.2.1), at most 15 sub-authorities: it fits the stores' columns.
        private static final Pattern SID = Pattern.compile("S-1-[0-9]{1,13}(-[0-9]{1,10}){1,15}");

        /**
         * What every adapter checks before it keeps an entry.
         *
         * @return the kind it is kept as ({@link #keptAs})
         * @throws IllegalArgumentException when a user has no userPrincipalName, a name is blank or longer than
         *                                  {@value #MAX_NAME_LENGTH} characters, the SID is none, a user has an owner,
         *                                  or the kind is Jamf Pro's
         */
        public DirectoryObjectType checked() {
            DirectoryObjectType kept = keptAs(Objects.requireNonNull(type, "type"));
            Objects.requireNonNull(objectId, "objectId");
            Objects.requireNonNull(name, "name");
            if (kept == DirectoryObjectType.USER && name.isEmpty()) {
                throw new IllegalArgumentException("a user needs its userPrincipalName as the name");
            }
            if (name.isPresent() && (name.get().isBlank() || name.get().length() > MAX_NAME_LENGTH)) {
                throw new IllegalArgumentException("a name must not be blank or longer than " + MAX_NAME_LENGTH + " characters");
            }
            Objects.requireNonNull(securityIdentifier, "securityIdentifier");
            if (securityIdentifier.isPresent() && !SID.matcher(securityIdentifier.get()).matches()) {
                throw new IllegalArgumentException("a security identifier looks like S-1-5-21-...");
            }
            Objects.requireNonNull(owner, "owner");
            if (kept == DirectoryObjectType.USER && owner.isPresent()) {
                throw new IllegalArgumentException("only a device has an owner");
            }
            return kept;
        }
    }

    /**
     * The kind an object is kept as: an Intune device id or a domain controller is the device with
     * that id; Jamf Pro answers for its own objects (the server routes them there), this directory keeps none.
     *
     * @throws IllegalArgumentException for a Jamf Pro kind
     */
    static DirectoryObjectType keptAs(DirectoryObjectType type) {
        return switch (type) {
            case DEVICE, INTUNE_DEVICE, DOMAIN_CONTROLLER -> DirectoryObjectType.DEVICE;
            case USER -> DirectoryObjectType.USER;
            case JAMF_COMPUTER, JAMF_MOBILE_DEVICE, JAMF_USER, JAMF_USER_ON_COMPUTER, JAMF_USER_ON_MOBILE_DEVICE ->
                    throw new IllegalArgumentException("this directory keeps no Jamf Pro objects (" + type + ")");
        };
    }

    /**
     * Whether the device (an Entra or Intune device id, both the device here) has this user as its
     * owner; a device without one, or none at all, has no owner. The user's own state is not asked.
     *
     * @throws DirectoryUnavailableException when the store cannot answer
     */
    @Override
    default boolean isRegisteredOwner(DirectoryObjectType deviceType, UUID deviceId, UUID userId) {
        if (deviceType.jamf() || keptAs(deviceType) != DirectoryObjectType.DEVICE) {
            return false;
        }
        try {
            return get(deviceType, deviceId).flatMap(Entry::owner).filter(userId::equals).isPresent();
        } catch (DirectoryUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            // The store is the directory here: its outage is the directory's, never "not an owner".
            throw new DirectoryUnavailableException(describe() + " cannot answer whether the device has an owner", e);
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
