package dev.scepter.azure.keyvault;

import dev.scepter.azure.http.JsonHttp;
import dev.scepter.azure.signin.AccessTokens;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * How this instance reaches Azure Key Vault: its sign-in, whom it trusts on HTTPS, how it waits
 * out throttling. The sign-in is the process's one (the server's, shared with Graph and Intune):
 * a second would sign in again and keep a second token cache.
 */
public record KeyVaultAccess(AccessTokens tokens, SSLContext tls, JsonHttp.Sleeper sleeper, Clock clock) {

    public KeyVaultAccess {
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(clock, "clock");
    }

    /** Production: {@code tokens}, the JVM's trust store, real waits and time. */
    public static KeyVaultAccess of(AccessTokens tokens) {
        try {
            return new KeyVaultAccess(tokens, SSLContext.getDefault(), duration -> Thread.sleep(duration.toMillis()), Clock.systemUTC());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no default TLS context", e);
        }
    }
}
