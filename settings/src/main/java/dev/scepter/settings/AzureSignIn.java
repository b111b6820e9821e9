package dev.scepter.settings;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How the core signs in to Microsoft Graph and Intune, decided from its settings as SCEPman 2.x
 * decides: with its managed identity only from {@code ManagedIdentityEnabledOnUnixTime} plus a
 * delay (the roles complete-installation just granted must first reach the identity's tokens),
 * and with the 1.x application id and key before that.
 *
 * @param managedIdentityFrom when the managed identity is (or was) first used; empty when no run
 *     of complete-installation switched to it
 */
public record AzureSignIn(Method method, Optional<Instant> managedIdentityFrom) {

    public enum Method {
        /** The app service's system-assigned managed identity (2.x). */
        MANAGED_IDENTITY,
        /** The 1.x app registration, with {@code ApplicationId} and {@code ApplicationKey}. */
        APPLICATION_KEY,
        /** Neither yet: only the embedded directory and LDAP can be used. */
        NONE
    }

    /** About the time Entra ID takes to put newly granted roles into an identity's tokens. */
    public static final Duration ROLE_PROPAGATION = Duration.ofSeconds(60);

    public static AzureSignIn at(AuthSettings auth, Instant now) {
        Optional<Instant> from = auth.managedIdentityEnabledOn().map(t -> t.plus(ROLE_PROPAGATION));
        if (from.isPresent() && !now.isBefore(from.get())) {
            return new AzureSignIn(Method.MANAGED_IDENTITY, from);
        }
        if (auth.applicationId().isPresent() && auth.applicationKey().isPresent()) {
            return new AzureSignIn(Method.APPLICATION_KEY, from);
        }
        // The installer moved the 1.x credentials to backups when it switched; they serve until the identity's roles are ready.
        if (from.isPresent() && auth.oneXCredentialsBackedUp()) {
            return new AzureSignIn(Method.APPLICATION_KEY, from);
        }
        return new AzureSignIn(Method.NONE, from);
    }

    /** Whether complete-installation still has work: a 1.x key in use, or no switch to the managed identity yet. */
    public boolean installationIncomplete(AuthSettings auth) {
        return auth.applicationKey().isPresent() || auth.managedIdentityEnabledOn().isEmpty();
    }

    /** For the homepage. */
    public String describe() {
        return switch (method) {
            case MANAGED_IDENTITY -> "managed identity (since " + managedIdentityFrom.orElseThrow() + ")";
            case APPLICATION_KEY -> "1.x application id and key"
                    + managedIdentityFrom.map(t -> "; managed identity from " + t).orElse("");
            case NONE -> managedIdentityFrom.map(t -> "managed identity from " + t + " (its new roles are reaching its tokens)")
                    .orElse("not configured");
        };
    }
}
