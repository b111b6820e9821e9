package dev.scepter.authority.store;

import dev.scepter.authority.directory.DirectoryObjectType;

/**
 * How every store writes a {@link DirectoryBinding}'s kind (the SQL stores' {@code
 * issued_certificate.binding_kind} since the first schema, V1, and Table Storage's {@code
 * BindingKind}): spelled out here so that renaming a {@link DirectoryObjectType} constant cannot
 * make stored records unreadable. A new kind gets a new value here, never a changed one.
 */
public final class StoredBindingKind {

    private StoredBindingKind() {
    }

    public static String value(DirectoryObjectType type) {
        return switch (type) {
            case DEVICE -> "DEVICE";
            case INTUNE_DEVICE -> "INTUNE_DEVICE";
            case USER -> "USER";
            case DOMAIN_CONTROLLER -> "DOMAIN_CONTROLLER";
            case JAMF_COMPUTER -> "JAMF_COMPUTER";
            case JAMF_MOBILE_DEVICE -> "JAMF_MOBILE_DEVICE";
            case JAMF_USER -> "JAMF_USER";
            case JAMF_USER_ON_COMPUTER -> "JAMF_USER_ON_COMPUTER";
            case JAMF_USER_ON_MOBILE_DEVICE -> "JAMF_USER_ON_MOBILE_DEVICE";
        };
    }

    /** @throws IllegalArgumentException for a value no version wrote */
    public static DirectoryObjectType type(String value) {
        return switch (value) {
            case "DEVICE" -> DirectoryObjectType.DEVICE;
            case "INTUNE_DEVICE" -> DirectoryObjectType.INTUNE_DEVICE;
            case "USER" -> DirectoryObjectType.USER;
            case "DOMAIN_CONTROLLER" -> DirectoryObjectType.DOMAIN_CONTROLLER;
            case "JAMF_COMPUTER" -> DirectoryObjectType.JAMF_COMPUTER;
            case "JAMF_MOBILE_DEVICE" -> DirectoryObjectType.JAMF_MOBILE_DEVICE;
            case "JAMF_USER" -> DirectoryObjectType.JAMF_USER;
            case "JAMF_USER_ON_COMPUTER" -> DirectoryObjectType.JAMF_USER_ON_COMPUTER;
            case "JAMF_USER_ON_MOBILE_DEVICE" -> DirectoryObjectType.JAMF_USER_ON_MOBILE_DEVICE;
            default -> throw new IllegalArgumentException("unknown binding_kind " + value);
        };
    }
}
