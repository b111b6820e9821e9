package dev.scepter.settings;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How the core signs in to Microsoft Graph and Intune at a given moment, decided from its settings:
 * the one decision table, which the sign-in and the homepage both read.
 *
 * <ol>
 * <li>An app registration of our own ({@code SignInApplicationId} with {@code SignInCertificateFile},
 *     preferred, or {@code SignInClientSecret}): an admin set it on purpose, so it wins everywhere.</li>
 * <li>The managed identity, as SCEPman 2.x: only where App Service gives the app one
 *     ({@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER}), and only from
 *     {@code ManagedIdentityEnabledOnUnixTime} plus {@link #ROLE_PROPAGATION} (the roles
 *     complete-installation just granted must first reach the identity's tokens).</li>
 * <li>The 1.x application id and key (or, once the installer moved them, their {@code Backup:}
 *     copies): before the identity is ready, and anywhere there is no identity at all.</li>
 * </ol>
 *
 * @param method              how it signs in now
 * @param managedIdentityFrom when the managed identity is (or was) first used; empty when no run
 *                            of complete-installation switched to it
 * @param appService          whether App Service gives this app a managed identity
 * @param oneXFromBackup      for {@link Method#APPLICATION_KEY}: whether the key is read from its {@code Backup:} setting
 */
public record AzureSignIn(Method method, Optional<Instant> managedIdentityFrom, boolean appService, boolean oneXFromBackup) {

    public enum Method {
        /** The App Service app's system-assigned managed identity (2.x). */
        MANAGED_IDENTITY,
        /** Our own app registration with a client certificate ({@code SignInApplicationId}, {@code SignInCertificateFile}). */
        APP_CERTIFICATE,
        /** Our own app registration with a client secret ({@code SignInApplicationId}, {@code SignInClientSecret}). */
        APP_SECRET,
        /** The 1.x app registration, with {@code ApplicationId} and {@code ApplicationKey} (a client secret). */
        APPLICATION_KEY,
        /** None yet: only the embedded directory and LDAP can be used. */
        NONE
    }

    /** About the time Entra ID takes to put newly granted roles into an identity's tokens. */
    public static final Duration ROLE_PROPAGATION = Duration.ofSeconds(60);

    public static AzureSignIn at(ScepterSettings settings, Instant now) {
        return at(settings.auth(), settings.appService(), now);
    }

    public static AzureSignIn at(AuthSettings auth, AppServiceSettings appService, Instant now) {
        Optional<Instant> from = auth.managedIdentityEnabledOn().map(t -> t.plus(ROLE_PROPAGATION));
        boolean identity = appService.identity().isPresent();
        if (auth.signInApplicationId().isPresent() && auth.signInCertificateFile().isPresent()) {
            return new AzureSignIn(Method.APP_CERTIFICATE, from, identity, false);
        }
        if (auth.signInApplicationId().isPresent() && auth.signInClientSecret().isPresent()) {
            return new AzureSignIn(Method.APP_SECRET, from, identity, false);
        }
        if (identity && from.isPresent() && !now.isBefore(from.get())) {
            return new AzureSignIn(Method.MANAGED_IDENTITY, from, true, false);
        }
        Optional<AuthSettings.OneXCredentials> oneX = auth.oneXCredentials();
        if (oneX.isPresent()) {
            return new AzureSignIn(Method.APPLICATION_KEY, from, identity, oneX.get().backup());
        }
        return new AzureSignIn(Method.NONE, from, identity, false);
    }

    /** Whether complete-installation still has work: a 1.x key in use, or no switch to the managed identity yet. */
    public boolean installationIncomplete(AuthSettings auth) {
        return auth.applicationKey().isPresent() || auth.managedIdentityEnabledOn().isEmpty();
    }

    /** For the homepage: the method, never a secret. */
    public String describe() {
        return switch (method) {
            case MANAGED_IDENTITY -> "managed identity (since " + managedIdentityFrom.orElseThrow() + ")";
            case APP_CERTIFICATE -> "app registration with a client certificate (AppConfig:AuthConfig:SignInApplicationId)";
            case APP_SECRET -> "app registration with a client secret (AppConfig:AuthConfig:SignInApplicationId)";
            case APPLICATION_KEY -> "1.x application id and key" + (oneXFromBackup ? " (their Backup: copies)" : "")
                    + managedIdentityFrom.filter(t -> appService).map(t -> "; managed identity from " + t).orElse("");
            case NONE -> managedIdentityFrom.filter(t -> appService)
                    .map(t -> "managed identity from " + t + " (its new roles are reaching its tokens)")
                    .orElse(managedIdentityFrom.isPresent()
                            ? "not configured: AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime is set, but App Service gives "
                                    + "this instance no managed identity (no IDENTITY_ENDPOINT); set AppConfig:AuthConfig:SignInApplicationId"
                            : "not configured");
        };
    }
}
