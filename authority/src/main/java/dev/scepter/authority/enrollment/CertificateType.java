package dev.scepter.authority.enrollment;

import dev.scepter.authority.issuance.SerialNumbers;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * SCEPman's certificate types, as {@code ReenrollmentAllowedCertificateTypes} names them, read
 * from a serial's type byte (REFERENCE.md).
 */
public enum CertificateType {
    STATIC("Static", 0x50, 0x51),
    INTUNE_DEVICE("IntuneDevice", 0x40, 0x41, 0x42),
    INTUNE_USER("IntuneUser", 0x60, 0x61),
    DOMAIN_CONTROLLER("DomainController", 0x70),
    JAMF_DEVICE("JamfDevice", 0x44, 0x45),
    JAMF_COMPUTER("JamfComputer", 0x54, 0x55),
    JAMF_USER("JamfUser", 0x64, 0x65),
    JAMF_USER_WITH_DEVICE("JamfUserWithDevice", 0x6C, 0x6D),
    JAMF_USER_WITH_COMPUTER("JamfUserWithComputer", 0x7C, 0x7D);

    private final String settingName;
    private final int[] typeBytes;

    CertificateType(String settingName, int... typeBytes) {
        this.settingName = settingName;
        this.typeBytes = typeBytes;
    }

    /** The name SCEPman's settings use. */
    public String settingName() {
        return settingName;
    }

    /** The type a 20-byte serial of ours carries, if it is one. */
    public static Optional<CertificateType> of(BigInteger serialNumber) {
        OptionalInt found = SerialNumbers.typeByte(serialNumber);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        int typeByte = found.getAsInt();
        return Arrays.stream(values()).filter(type -> Arrays.stream(type.typeBytes).anyMatch(b -> b == typeByte)).findFirst();
    }

    /** A type by its setting name, case-insensitively. */
    public static Optional<CertificateType> bySettingName(String name) {
        return Arrays.stream(values()).filter(type -> type.settingName.equalsIgnoreCase(name.trim())).findFirst();
    }
}
