package dev.scepter.authority.directory;

/**
 * What kind of directory object a certificate is bound to, and so which id its serial and its
 * record carry (ARCHITECTURE.md "Data": an even serial type byte binds by Entra device id or user
 * object id, an odd one by Intune device id). The one vocabulary for directory objects: the
 * {@link Directory} port is asked by it, a certificate's {@code DirectoryBinding} records it, and
 * each store keeps it under values of its own that never change.
 */
public enum DirectoryObjectType {
    /**
     * A device by its directory id: Entra ID's device id (type bytes 0x40, 0x42), the embedded
     * directory's or LDAP's object GUID.
     */
    DEVICE,
    /**
     * An Intune managed device by its Intune device id (type byte 0x41, SAN URI
     * {@code IntuneDeviceId://}), which is not its Entra device id. Directories that keep no
     * Intune ids (embedded, LDAP) look it up as a {@link #DEVICE}.
     */
    INTUNE_DEVICE,
    /** A user by its object GUID (type bytes 0x60, 0x61: Intune's user id is the Entra object id). */
    USER,
    /**
     * A domain controller's computer object. Nothing binds to it yet: {@code /dc} requests name a
     * host, so their certificates (type byte 0x70) are unbound. A stored binding kind since the first
     * schema, so kept.
     */
    DOMAIN_CONTROLLER,
    /**
     * A Mac in Jamf Pro, by its Jamf Pro id ({@code $JSSID}; type byte 0x54). Jamf Pro ids are
     * numbers, carried in the serial as {@link JamfObjectId} lays them out; only Jamf Pro answers for
     * this and the other Jamf kinds.
     */
    JAMF_COMPUTER,
    /** An iPhone, iPad or Apple TV in Jamf Pro (SCEPman's "Jamf Device", type byte 0x44). */
    JAMF_MOBILE_DEVICE,
    /** A user in Jamf Pro (type byte 0x64). */
    JAMF_USER,
    /** A user on a Mac: both must exist in Jamf Pro (type byte 0x7C). */
    JAMF_USER_ON_COMPUTER,
    /** A user on a mobile device: both must exist in Jamf Pro (type byte 0x6C). */
    JAMF_USER_ON_MOBILE_DEVICE;

    /** Whether Jamf Pro, not the configured directory, answers for this kind. */
    public boolean jamf() {
        return switch (this) {
            case JAMF_COMPUTER, JAMF_MOBILE_DEVICE, JAMF_USER, JAMF_USER_ON_COMPUTER, JAMF_USER_ON_MOBILE_DEVICE -> true;
            case DEVICE, INTUNE_DEVICE, USER, DOMAIN_CONTROLLER -> false;
        };
    }
}
