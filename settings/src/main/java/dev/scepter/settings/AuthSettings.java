package dev.scepter.settings;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Who this instance is in Entra ID ({@code AppConfig:AuthConfig:*}); {@link AzureSignIn} decides
 * from it how the core signs in.
 *
 * @param tenantId                      the Entra tenant, also written into the tenant id extension
 * @param applicationId                 2.x: the SCEPman-api app that callers of the API get tokens for; 1.x: the app the core signs in as
 * @param applicationKey                1.x only: the secret the core signs in with before it uses its managed identity
 * @param managedIdentityEnabledOn      when complete-installation switched to the managed identity
 * @param managedIdentityPermissionLevel the Graph permissions complete-installation granted the identity
 * @param managedIdentityEnabledForWebsiteHostname the host name the switch was made for
 * @param oneXCredentialsBackedUp       whether the installer moved the 1.x id and key to their {@code Backup:} settings
 * @param signInApplicationId           outside Azure: the app registration the core signs in as (our own setting)
 * @param signInCertificateFile         outside Azure: that app's certificate and private key (preferred to a secret)
 * @param signInCertificatePassword     the password of {@code signInCertificateFile}, when it is a PKCS#12 file
 * @param signInClientSecret            outside Azure: that app's client secret, when it has no certificate
 */
public record AuthSettings(Optional<UUID> tenantId, Optional<UUID> applicationId, Optional<String> applicationKey,
        Optional<Instant> managedIdentityEnabledOn, Optional<Integer> managedIdentityPermissionLevel,
        Optional<String> managedIdentityEnabledForWebsiteHostname, boolean oneXCredentialsBackedUp, Optional<UUID> signInApplicationId,
        Optional<java.nio.file.Path> signInCertificateFile, Optional<String> signInCertificatePassword, Optional<String> signInClientSecret) {

    static AuthSettings bind(SettingsBinder binder) {
        RawSettings raw = binder.raw();
        boolean backedUp = raw.value(Setting.AUTH_APPLICATION_ID.backupKey()).filter(v -> !v.isBlank()).isPresent()
                && raw.value(Setting.AUTH_APPLICATION_KEY.backupKey()).filter(v -> !v.isBlank()).isPresent();
        return new AuthSettings(
                binder.optional(Setting.AUTH_TENANT_ID, SettingParsers::guid),
                binder.optional(Setting.AUTH_APPLICATION_ID, SettingParsers::guid),
                binder.optional(Setting.AUTH_APPLICATION_KEY, v -> v),
                binder.optional(Setting.AUTH_MANAGED_IDENTITY_ENABLED_ON_UNIX_TIME, SettingParsers::unixTime),
                binder.optional(Setting.AUTH_MANAGED_IDENTITY_PERMISSION_LEVEL, SettingParsers.wholeNumber(-1, 2)),
                binder.optional(Setting.AUTH_MANAGED_IDENTITY_ENABLED_FOR_WEBSITE_HOSTNAME, v -> v),
                backedUp,
                binder.optional(Setting.AUTH_SIGN_IN_APPLICATION_ID, SettingParsers::guid),
                binder.optional(Setting.AUTH_SIGN_IN_CERTIFICATE_FILE, SettingParsers::path),
                binder.optional(Setting.AUTH_SIGN_IN_CERTIFICATE_PASSWORD, v -> v),
                binder.optional(Setting.AUTH_SIGN_IN_CLIENT_SECRET, v -> v));
    }

    @Override
    public String toString() {
        // The application key is a secret.
        return "AuthSettings[tenantId=" + tenantId.map(UUID::toString).orElse("") + ", applicationId="
                + applicationId.map(UUID::toString).orElse("") + ", applicationKey=" + applicationKey.map(k -> "<hidden>").orElse("")
                + ", managedIdentityEnabledOn=" + managedIdentityEnabledOn.map(Instant::toString).orElse("")
                + ", managedIdentityPermissionLevel=" + managedIdentityPermissionLevel.map(String::valueOf).orElse("")
                + ", managedIdentityEnabledForWebsiteHostname=" + managedIdentityEnabledForWebsiteHostname.orElse("")
                + ", oneXCredentialsBackedUp=" + oneXCredentialsBackedUp
                + ", signInApplicationId=" + signInApplicationId.map(UUID::toString).orElse("")
                + ", signInCertificateFile=" + signInCertificateFile.map(Object::toString).orElse("")
                + ", signInCertificatePassword=" + signInCertificatePassword.map(k -> "<hidden>").orElse("")
                + ", signInClientSecret=" + signInClientSecret.map(k -> "<hidden>").orElse("") + "]";
    }
}
