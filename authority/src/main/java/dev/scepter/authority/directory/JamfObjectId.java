package dev.scepter.authority.directory;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The Jamf Pro objects a certificate is bound to, as its serial and its record carry them: in the
 * 16 bytes where other bindings hold a GUID. Jamf Pro ids are numbers ({@code $JSSID}), so each
 * half holds one id (the device's, the user's; 0 for none) under a 32-bit tag, {@code "JAMF"}.
 * SCEPman's own layout of its Jamf serials is not documented: a serial with a Jamf type byte but
 * without the tags is not read as ours (it is bound to nothing here), never misread as naming
 * some other object.
 *
 * @param deviceId the computer's or mobile device's Jamf Pro id, 0 for a user-only binding
 * @param userId   the user's Jamf Pro id, 0 for a device-only binding
 */
public record JamfObjectId(long deviceId, long userId) {

    private static final long TAG = 0x4A414D46L; // "JAMF"
    private static final long ID_MASK = 0xFFFF_FFFFL;

    public JamfObjectId {
        if (deviceId < 0 || deviceId > ID_MASK || userId < 0 || userId > ID_MASK || deviceId == 0 && userId == 0) {
            throw new IllegalArgumentException("Jamf Pro ids are positive 32-bit numbers");
        }
    }

    /** The 16 bytes a serial carries. */
    public UUID toUuid() {
        return new UUID(TAG << 32 | deviceId, TAG << 32 | userId);
    }

    /** The ids a binding carries; empty when it is not in this layout. */
    public static Optional<JamfObjectId> of(UUID objectId) {
        long high = objectId.getMostSignificantBits();
        long low = objectId.getLeastSignificantBits();
        if (high >>> 32 != TAG || low >>> 32 != TAG || (high & ID_MASK) == 0 && (low & ID_MASK) == 0) {
            return Optional.empty();
        }
        return Optional.of(new JamfObjectId(high & ID_MASK, low & ID_MASK));
    }

    /**
     * SCEPman's type byte for a Jamf kind (REFERENCE.md: 44 device, 54 computer, 64 user, 6C user
     * on device, 7C user on computer). Certificates are issued with the even byte; what the odd
     * one means for Jamf is not documented, and it is read as the same kind.
     */
    public static int typeByte(DirectoryObjectType type) {
        return switch (Objects.requireNonNull(type, "type")) {
            case JAMF_MOBILE_DEVICE -> 0x44;
            case JAMF_COMPUTER -> 0x54;
            case JAMF_USER -> 0x64;
            case JAMF_USER_ON_MOBILE_DEVICE -> 0x6C;
            case JAMF_USER_ON_COMPUTER -> 0x7C;
            case DEVICE, INTUNE_DEVICE, USER, DOMAIN_CONTROLLER -> throw new IllegalArgumentException(type + " is not a Jamf kind");
        };
    }

    /** The Jamf kind a serial's type byte names, if it names one. */
    public static Optional<DirectoryObjectType> kind(int typeByte) {
        return Optional.ofNullable(switch (typeByte & 0xFE) {
            case 0x44 -> DirectoryObjectType.JAMF_MOBILE_DEVICE;
            case 0x54 -> DirectoryObjectType.JAMF_COMPUTER;
            case 0x64 -> DirectoryObjectType.JAMF_USER;
            case 0x6C -> DirectoryObjectType.JAMF_USER_ON_MOBILE_DEVICE;
            case 0x7C -> DirectoryObjectType.JAMF_USER_ON_COMPUTER;
            default -> null;
        });
    }
}
