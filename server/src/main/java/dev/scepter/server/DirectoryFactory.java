package dev.scepter.server;

import dev.scepter.authority.directory.Directory;
import dev.scepter.authority.directory.EmbeddedDirectory;
import dev.scepter.azure.graph.GraphDirectory;
import dev.scepter.azure.signin.AccessTokens;
import dev.scepter.directory.ldap.LdapDirectory;
import dev.scepter.directory.ldap.LdapDirectorySettings;
import dev.scepter.settings.DirectorySettings;
import dev.scepter.settings.DirectoryType;
import dev.scepter.settings.ScepterSettings;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import java.util.function.Supplier;

/**
 * The one place where {@code AppConfig:Directory:Type} becomes a {@link Directory}. A directory
 * outside the store is opened by the launcher before the web tier starts, so that unusable
 * settings stop start-up with their names; the web tier then selects it, or the store's embedded
 * one. A new directory type (Jamf) is a case in each switch.
 */
public final class DirectoryFactory {

    private DirectoryFactory() {
    }

    /**
     * Refuses a directory type that switched from {@code Embedded} to {@code Graph} only because a
     * Microsoft sign-in setting appeared (complete-installation's azure target, or an admin, sets
     * {@code ManagedIdentityEnabledOnUnixTime}) while the embedded directory still keeps devices or
     * users. Certificates bound to those would be looked up in Entra ID, answer NOT_FOUND there
     * and be revoked for good; switching directories is the admin's choice, made by naming one.
     *
     * @param embedded the store's directory, asked only when the type is Graph by default
     * @throws IllegalStateException naming {@code AppConfig:Directory:Type} and both choices
     */
    public static void refuseUnchosenSwitchToGraph(DirectorySettings settings, Supplier<EmbeddedDirectory> embedded) {
        if (settings.type() != DirectoryType.GRAPH || settings.typeGiven() || embedded.get().isEmpty()) {
            return;
        }
        throw new IllegalStateException("AppConfig:Directory:Type is not set, so a Microsoft sign-in setting makes it Graph, "
                + "but the embedded directory still keeps devices or users that certificates may be bound to; asked in Entra ID "
                + "instead, they would not be found and their certificates would be revoked for good. Set AppConfig:Directory:Type "
                + "explicitly: Embedded to keep the embedded directory, or Graph to switch to Entra ID and Intune knowingly "
                + "(docs/configuration.md, \"Directory and caches\").");
    }

    /**
     * @param tokens how this instance signs in to Microsoft Graph (for {@code Graph})
     * @return the directory for a type that lives outside the store (an LDAP directory for {@code Ldap},
     *     Entra ID and Intune for {@code Graph}); empty for {@code Embedded}, which the store holds
     * @throws IllegalArgumentException naming the {@code AppConfig:LDAP:*} setting that cannot be used
     */
    public static Optional<Directory> openExternal(ScepterSettings settings, AccessTokens tokens) {
        try {
            return openExternal(settings, tokens, SSLContext.getDefault());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has a default TLS context", e);
        }
    }

    /** @param tls whom Graph's HTTPS client trusts (tests: a simulator's certificate) */
    public static Optional<Directory> openExternal(ScepterSettings settings, AccessTokens tokens, SSLContext tls) {
        DirectorySettings directory = settings.directory();
        return switch (directory.type()) {
            case EMBEDDED -> Optional.empty();
            case LDAP -> {
                LdapDirectory ldap = LdapDirectory.open(LdapDirectorySettings.fromSettings(directory::ldapSetting));
                Runtime.getRuntime().addShutdownHook(new Thread(ldap::close, "close-ldap"));
                yield Optional.of(ldap);
            }
            case GRAPH -> Optional.of(GraphDirectory.open(settings.azureCloud(), settings.intune(), tokens, tls, Clock.systemUTC()));
        };
    }

    /**
     * The directory OCSP asks: {@code directory} (cached) for its objects, Jamf Pro (cached apart)
     * for the Jamf kinds when its API is configured ({@link JamfRoutingDirectory}).
     */
    public static Directory withJamf(Directory directory, Optional<Directory> jamf) {
        return new JamfRoutingDirectory(directory, jamf);
    }

    /**
     * The directory in use.
     *
     * @param embedded the store's directory, asked for only when it is the one in use
     * @param external what {@link #openExternal} opened
     */
    public static DirectorySelection select(DirectorySettings settings, Supplier<EmbeddedDirectory> embedded,
            Optional<Directory> external) {
        return switch (settings.type()) {
            case EMBEDDED -> {
                EmbeddedDirectory directory = embedded.get();
                yield new DirectorySelection(directory, Optional.of(directory));
            }
            case LDAP, GRAPH -> new DirectorySelection(external.orElseThrow(() -> new IllegalStateException(
                    "AppConfig:Directory:Type is " + settings.type().spelling() + " but no such directory was opened")), Optional.empty());
        };
    }
}
