package dev.scepter.server;

import dev.scepter.authority.directory.Directory;
import dev.scepter.directory.ldap.LdapDirectory;
import dev.scepter.directory.ldap.LdapDirectorySettings;
import dev.scepter.settings.ScepterSettings;
import java.util.Optional;

/** Opens the directory {@code AppConfig:Directory:Type} names when it lives outside the store. */
public final class ExternalDirectories {

    private ExternalDirectories() {
    }

    /**
     * @return the LDAP directory for {@code Ldap}; empty for {@code Embedded}, which the store holds
     * @throws IllegalArgumentException naming the {@code AppConfig:LDAP:*} setting that cannot be used
     */
    public static Optional<Directory> open(ScepterSettings settings) {
        if (!"Ldap".equals(settings.directoryType())) {
            return Optional.empty();
        }
        LdapDirectory ldap = LdapDirectory.open(LdapDirectorySettings.fromSettings(settings::raw));
        Runtime.getRuntime().addShutdownHook(new Thread(ldap::close, "close-ldap"));
        return Optional.of(ldap);
    }
}
