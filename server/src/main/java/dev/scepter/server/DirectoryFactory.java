package dev.scepter.server;

import dev.scepter.authority.directory.Directory;
import dev.scepter.authority.directory.EmbeddedDirectory;
import dev.scepter.directory.ldap.LdapDirectory;
import dev.scepter.directory.ldap.LdapDirectorySettings;
import dev.scepter.settings.DirectorySettings;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one place where {@code AppConfig:Directory:Type} becomes a {@link Directory}. A directory
 * outside the store is opened by the launcher before the web tier starts, so that unusable
 * settings stop start-up with their names; the web tier then selects it, or the store's embedded
 * one. A new directory type (Entra ID and Intune through Graph, Jamf) is a case in each switch.
 */
public final class DirectoryFactory {

    private DirectoryFactory() {
    }

    /**
     * @return the directory for a type that lives outside the store (an LDAP directory for {@code Ldap});
     *     empty for {@code Embedded}, which the store holds
     * @throws IllegalArgumentException naming the {@code AppConfig:LDAP:*} setting that cannot be used
     */
    public static Optional<Directory> openExternal(DirectorySettings settings) {
        return switch (settings.type()) {
            case EMBEDDED -> Optional.empty();
            case LDAP -> {
                LdapDirectory ldap = LdapDirectory.open(LdapDirectorySettings.fromSettings(settings::ldapSetting));
                Runtime.getRuntime().addShutdownHook(new Thread(ldap::close, "close-ldap"));
                yield Optional.of(ldap);
            }
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
            case LDAP -> new DirectorySelection(external.orElseThrow(() -> new IllegalStateException(
                    "AppConfig:Directory:Type is " + settings.type().spelling() + " but no LDAP directory was opened")), Optional.empty());
        };
    }
}
