package dev.scepter.azure.signin;

import dev.scepter.settings.ScepterSettings;
import java.net.URI;
import java.time.Clock;

/**
 * Chooses how this instance signs in to Microsoft's cloud from its settings, and opens it: the
 * one place that decides. Until a method is configured, every token request fails with a message
 * that names what to set.
 */
public final class SignIn {

    private SignIn() {
    }

    public static AccessTokens open(ScepterSettings settings, Clock clock) {
        return notConfigured();
    }

    /** Signs in nowhere: no method is configured. */
    public static AccessTokens notConfigured() {
        return new AccessTokens() {
            @Override
            public String token(URI resource) {
                throw new SignInException("this instance has no way to sign in to Microsoft's cloud: no managed identity "
                        + "(AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime) and no app registration "
                        + "(AppConfig:AuthConfig:SignInApplicationId with SignInCertificateFile or SignInClientSecret)", null);
            }

            @Override
            public String describe() {
                return "not configured";
            }
        };
    }
}
