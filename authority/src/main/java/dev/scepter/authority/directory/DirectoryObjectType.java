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
    DOMAIN_CONTROLLER
}
