package dev.scepter.authority.validity;

import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.directory.JamfObjectId;
import dev.scepter.authority.issuance.SerialNumbers;
import java.math.BigInteger;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * The directory object a serial number names (ARCHITECTURE.md "Data"): read from the serial
 * itself, so OCSP needs no database read to find it. An even type byte carries an Entra device id
 * or a user's object id, an odd one an Intune id: a device's Intune id differs from its Entra
 * device id, a user's does not.
 *
 * @param type     which kind of object, and so which kind of id {@code objectId} is
 * @param objectId the object's GUID
 */
public record ObjectBinding(DirectoryObjectType type, UUID objectId) {

    /**
     * The binding a serial carries, by SCEPman's type byte; empty for unbound types: static
     * (0x50/0x51, also what {@code /jamf} issues without Jamf Pro's API), domain controllers
     * (0x70: {@code /dc} requests name a host, not a directory object, so the bytes after the type
     * byte are random and must not be read as a GUID; a DC certificate is good until revoked by
     * hand). The Jamf types (0x44, 0x54, 0x64, 0x6C, 0x7C and their odd twins) bind only when the
     * bytes are in {@link JamfObjectId}'s layout: a serial SCEPman issued for Jamf is not misread.
     */
    public static Optional<ObjectBinding> of(BigInteger serialNumber) {
        OptionalInt found = SerialNumbers.typeByte(serialNumber);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        int typeByte = found.getAsInt();
        Optional<DirectoryObjectType> jamf = JamfObjectId.kind(typeByte);
        if (jamf.isPresent()) {
            UUID objectId = SerialNumbers.boundObject(serialNumber);
            return JamfObjectId.of(objectId).map(ids -> new ObjectBinding(jamf.get(), objectId));
        }
        Optional<DirectoryObjectType> type = switch (typeByte) {
            case 0x40, 0x42 -> Optional.of(DirectoryObjectType.DEVICE);
            case 0x41 -> Optional.of(DirectoryObjectType.INTUNE_DEVICE);
            case 0x60, 0x61 -> Optional.of(DirectoryObjectType.USER);
            case 0x70 -> Optional.empty();
            default -> Optional.empty();
        };
        return type.map(t -> new ObjectBinding(t, SerialNumbers.boundObject(serialNumber)));
    }
}
