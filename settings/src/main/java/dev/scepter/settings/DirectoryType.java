package dev.scepter.settings;

/**
 * Where devices and users are looked up ({@code AppConfig:Directory:Type}), spelled as in the
 * setting. The server's one directory factory switches over it, so a new directory (Jamf) is a new
 * constant here and a new case there.
 */
public enum DirectoryType {
    /** The directory kept in the store, managed through the API. */
    EMBEDDED("Embedded"),
    /** An LDAP directory such as Active Directory ({@code AppConfig:LDAP:*}). */
    LDAP("Ldap"),
    /**
     * Entra ID devices and users, and Intune managed devices, through Microsoft Graph
     * ({@code AppConfig:IntuneValidation:DeviceDirectory} says which device directory): the default
     * when a Microsoft sign-in is configured, so that a SCEPman configuration starts as it is.
     */
    GRAPH("Graph");

    private final String spelling;

    DirectoryType(String spelling) {
        this.spelling = spelling;
    }

    /** As the setting spells it. */
    public String spelling() {
        return spelling;
    }
}
