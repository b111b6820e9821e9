package dev.scepter.authority.directory;

import java.util.Optional;
import java.util.UUID;

/**
 * The directory that decides whether a bound certificate is still good: the device or user it
 * was issued for must exist and be enabled there. Adapters: the embedded directory (in the
 * store), {@code LdapDirectory} (LDAP/Active Directory), {@code GraphDirectory} (Entra ID and Intune through
 * Microsoft Graph).
 */
public interface Directory {

    /**
     * The object's current state. Every adapter answers every {@link DirectoryObjectType}: one that
     * keeps no Intune ids (embedded, LDAP) looks an {@link DirectoryObjectType#INTUNE_DEVICE} up as
     * a {@link DirectoryObjectType#DEVICE}, as it always has; Microsoft Graph tells them apart.
     *
     * @throws DirectoryUnavailableException when the directory cannot answer now (the caller must
     *                                       not take that for "not found")
     */
    DirectoryAnswer lookup(DirectoryObjectType type, UUID objectId);

    /** The user with this userPrincipalName, resolved at issuance to bind a certificate to the user's GUID. */
    Optional<UUID> findUserByPrincipalName(String userPrincipalName);

    /**
     * The object's security identifier ({@code S-1-5-21-...}, Entra's onPremisesSecurityIdentifier
     * or Active Directory's objectSid), for the SID extension ({@code AppConfig:AddSidExtension});
     * empty when the directory holds none.
     *
     * @throws DirectoryUnavailableException when the directory cannot answer now
     */
    Optional<String> securityIdentifier(DirectoryObjectType type, UUID objectId);

    /**
     * Whether the user is a registered owner of the device: the question SCEPman's self-service
     * rules ask before a user gets a certificate for a device ({@code CSR.SelfService}). An Entra
     * device ({@link DirectoryObjectType#DEVICE}) answers by its registered owners, an Intune device
     * ({@link DirectoryObjectType#INTUNE_DEVICE}) by its primary user; an adapter that keeps no owners
     * answers {@code false} (this default), so nothing is issued on its word. A device that does not
     * exist has no owner.
     *
     * @param deviceType {@link DirectoryObjectType#DEVICE} or {@link DirectoryObjectType#INTUNE_DEVICE}
     * @param userId     the user's object id, as {@link #findUserByPrincipalName} answers it
     * @throws DirectoryUnavailableException when the directory cannot answer now (the caller must
     *                                       not take that for "not an owner")
     */
    default boolean isRegisteredOwner(DirectoryObjectType deviceType, UUID deviceId, UUID userId) {
        return false;
    }

    /** A short description for the homepage, without credentials (for example "LDAP ldaps://dc1.example:636"). */
    String describe();
}
