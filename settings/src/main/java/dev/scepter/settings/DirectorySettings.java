package dev.scepter.settings;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which directory tells whether a certificate's device or user still exists, and how long its
 * answers are kept ({@code AppConfig:Directory:*}).
 *
 * @param type         the directory
 * @param cacheSeconds how long a directory's answer is used again; 0: never
 * @param ldap         the {@code AppConfig:LDAP:*} settings given (not blank), by {@link Setting#key()}: the
 *                     LDAP adapter binds and checks them itself, naming each in its errors
 * @param typeGiven    whether {@code AppConfig:Directory:Type} was given; when not, the type follows
 *                     the Microsoft sign-in settings, which an admin may set for another reason
 */
public record DirectorySettings(DirectoryType type, int cacheSeconds, Map<String, String> ldap, boolean typeGiven) {

    public DirectorySettings {
        Objects.requireNonNull(type, "type");
        ldap = Collections.unmodifiableMap(new LinkedHashMap<>(ldap));
    }

    static DirectorySettings bind(SettingsBinder binder) {
        Map<String, String> ldap = new LinkedHashMap<>();
        for (Setting setting : Setting.values()) {
            if (setting.key().startsWith("AppConfig:LDAP:")) {
                binder.given(setting).ifPresent(value -> ldap.put(setting.key(), value));
            }
        }
        boolean typeGiven = binder.given(Setting.DIRECTORY_TYPE).isPresent();
        DirectoryType type = typeGiven || !microsoftSignInConfigured(binder)
                ? binder.required(Setting.DIRECTORY_TYPE, SettingParsers.oneOf(DirectoryType.values(), DirectoryType::spelling))
                : DirectoryType.GRAPH;
        return new DirectorySettings(type,
                binder.wholeNumber(Setting.DIRECTORY_CACHE_SECONDS, 0, 3600),
                ldap, typeGiven);
    }

    /**
     * Whether the settings name a way to sign in to Microsoft's cloud: a managed identity switched
     * to by complete-installation, SCEPman 1.x's application id and key, or an app registration
     * outside Azure. SCEPman answers OCSP from Entra ID and Intune then, so Scepter does too unless
     * {@code AppConfig:Directory:Type} says otherwise.
     */
    private static boolean microsoftSignInConfigured(SettingsBinder binder) {
        return binder.given(Setting.AUTH_MANAGED_IDENTITY_ENABLED_ON_UNIX_TIME).isPresent()
                || binder.given(Setting.AUTH_APPLICATION_ID).isPresent() && binder.given(Setting.AUTH_APPLICATION_KEY).isPresent()
                || binder.given(Setting.AUTH_SIGN_IN_APPLICATION_ID).isPresent();
    }

    /** An {@code AppConfig:LDAP:*} setting by name, in any of its spellings; empty when not given. */
    public Optional<String> ldapSetting(String name) {
        return Setting.byName(name).map(setting -> ldap.get(setting.key()));
    }

    @Override
    public String toString() {
        // The LDAP bind password is a secret.
        StringBuilder out = new StringBuilder("DirectorySettings[type=" + type.spelling() + (typeGiven ? "" : " (by default)")
                + ", cacheSeconds=" + cacheSeconds);
        ldap.forEach((name, value) -> out.append(", ").append(name).append('=')
                .append(Setting.byName(name).orElseThrow().isSecret() ? "<hidden>" : value));
        return out.append(']').toString();
    }
}
