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
 * @param backupApplicationId           the 1.x application id the installer moved to {@code Backup:AppConfig:AuthConfig:ApplicationId}
 * @param backupApplicationKey          the 1.x key the installer moved to {@code Backup:AppConfig:AuthConfig:ApplicationKey}
 * @param signInApplicationId           outside Azure: the app registration the core signs in as (our own setting)
 * @param signInCertificateFile         outside Azure: that app's certificate and private key (preferred to a secret)
 * @param signInCertificatePassword     the password of {@code signInCertificateFile}, when it is a PKCS#12 file
 * @param signInClientSecret            outside Azure: that app's client secret, when it has no certificate
 */
public record AuthSettings(Optional<UUID> tenantId, Optional<UUID> applicationId, Optional<String> applicationKey,
        Optional<Instant> managedIdentityEnabledOn, Optional<Integer> managedIdentityPermissionLevel,
        Optional<String> managedIdentityEnabledForWebsiteHostname, boolean oneXCredentialsBackedUp, Optional<UUID> backupApplicationId,
        Optional<String> backupApplicationKey, Optional<UUID> signInApplicationId,
        Optional<java.nio.file.Path> signInCertificateFile, Optional<String> signInCertificatePassword, Optional<String> signInClientSecret) {

    static AuthSettings bind(SettingsBinder binder) {
        RawSettings raw = binder.raw();
        Optional<String> backupKey = raw.value(Setting.AUTH_APPLICATION_KEY.backupKey()).filter(v -> !v.isBlank());
        Optional<UUID> backupId = raw.value(Setting.AUTH_APPLICATION_ID.backupKey()).filter(v -> !v.isBlank())
                .flatMap(AuthSettings::guidOrEmpty);
        AuthSettings auth = new AuthSettings(
                binder.optional(Setting.AUTH_TENANT_ID, SettingParsers::guid),
                binder.optional(Setting.AUTH_APPLICATION_ID, SettingParsers::guid),
                binder.optional(Setting.AUTH_APPLICATION_KEY, v -> v),
                binder.optional(Setting.AUTH_MANAGED_IDENTITY_ENABLED_ON_UNIX_TIME, SettingParsers::unixTime),
                binder.optional(Setting.AUTH_MANAGED_IDENTITY_PERMISSION_LEVEL, SettingParsers.wholeNumber(-1, 2)),
                binder.optional(Setting.AUTH_MANAGED_IDENTITY_ENABLED_FOR_WEBSITE_HOSTNAME, v -> v),
                backupId.isPresent() && backupKey.isPresent(),
                backupId,
                backupKey,
                binder.optional(Setting.AUTH_SIGN_IN_APPLICATION_ID, SettingParsers::guid),
                binder.optional(Setting.AUTH_SIGN_IN_CERTIFICATE_FILE, SettingParsers::path),
                binder.optional(Setting.AUTH_SIGN_IN_CERTIFICATE_PASSWORD, v -> v),
                binder.optional(Setting.AUTH_SIGN_IN_CLIENT_SECRET, v -> v));
        auth.checkSignIn(binder);
        return auth;
    }

    /**
     * Our own sign-in settings must name one whole way in: an app, its tenant, and a certificate or
     * a secret. A half-configured one stops start-up rather than leaving the core unable to sign in
     * with nothing said until the first Graph call.
     */
    private void checkSignIn(SettingsBinder binder) {
        String app = Setting.AUTH_SIGN_IN_APPLICATION_ID.key();
        if (signInApplicationId.isPresent()) {
            if (tenantId.isEmpty() && binder.given(Setting.AUTH_TENANT_ID).isEmpty()) {
                binder.reject(Setting.AUTH_TENANT_ID, Setting.AUTH_TENANT_ID.key() + " is required with " + app
                        + ": an app registration signs in to its own tenant (a GUID, on the app's Overview page in Entra ID).");
            }
            if (signInCertificateFile.isEmpty() && signInClientSecret.isEmpty()
                    && binder.given(Setting.AUTH_SIGN_IN_CERTIFICATE_FILE).isEmpty() && binder.given(Setting.AUTH_SIGN_IN_CLIENT_SECRET).isEmpty()) {
                binder.reject(Setting.AUTH_SIGN_IN_APPLICATION_ID, app + " is set, but neither "
                        + Setting.AUTH_SIGN_IN_CERTIFICATE_FILE.key() + " (preferred) nor " + Setting.AUTH_SIGN_IN_CLIENT_SECRET.key()
                        + " is: the app cannot sign in without one of them.");
            }
        } else if (binder.given(Setting.AUTH_SIGN_IN_APPLICATION_ID).isEmpty()) {
            for (Setting part : new Setting[] {Setting.AUTH_SIGN_IN_CERTIFICATE_FILE, Setting.AUTH_SIGN_IN_CERTIFICATE_PASSWORD,
                    Setting.AUTH_SIGN_IN_CLIENT_SECRET}) {
                if (binder.given(part).isPresent()) {
                    binder.reject(part, part.key() + " is set, but " + app + " is not: set the app registration it belongs to.");
                }
            }
        }
        if (binder.given(Setting.AUTH_SIGN_IN_CERTIFICATE_PASSWORD).isPresent() && binder.given(Setting.AUTH_SIGN_IN_CERTIFICATE_FILE).isEmpty()
                && binder.given(Setting.AUTH_SIGN_IN_APPLICATION_ID).isPresent()) {
            binder.reject(Setting.AUTH_SIGN_IN_CERTIFICATE_PASSWORD, Setting.AUTH_SIGN_IN_CERTIFICATE_PASSWORD.key() + " is set, but "
                    + Setting.AUTH_SIGN_IN_CERTIFICATE_FILE.key() + " is not: the password opens a PKCS#12 certificate file.");
        }
    }

    private static Optional<UUID> guidOrEmpty(String value) {
        try {
            return Optional.of(SettingParsers.guid(value.trim()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The 1.x app's id and key, from their settings or, once the installer moved them, their {@code Backup:} copies; never one of each. */
    public Optional<OneXCredentials> oneXCredentials() {
        if (applicationId.isPresent() && applicationKey.isPresent()) {
            return Optional.of(new OneXCredentials(applicationId.get(), applicationKey.get(), false));
        }
        if (backupApplicationId.isPresent() && backupApplicationKey.isPresent()) {
            return Optional.of(new OneXCredentials(backupApplicationId.get(), backupApplicationKey.get(), true));
        }
        return Optional.empty();
    }

    /** SCEPman 1.x's app registration and its client secret; {@code backup} when read from the {@code Backup:} settings. */
    public record OneXCredentials(UUID applicationId, String applicationKey, boolean backup) {
        @Override
        public String toString() {
            return "OneXCredentials[applicationId=" + applicationId + ", applicationKey=<hidden>, backup=" + backup + "]";
        }
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
                + ", backupApplicationId=" + backupApplicationId.map(UUID::toString).orElse("")
                + ", backupApplicationKey=" + backupApplicationKey.map(k -> "<hidden>").orElse("")
                + ", signInApplicationId=" + signInApplicationId.map(UUID::toString).orElse("")
                + ", signInCertificateFile=" + signInCertificateFile.map(Object::toString).orElse("")
                + ", signInCertificatePassword=" + signInCertificatePassword.map(k -> "<hidden>").orElse("")
                + ", signInClientSecret=" + signInClientSecret.map(k -> "<hidden>").orElse("") + "]";
    }
}
