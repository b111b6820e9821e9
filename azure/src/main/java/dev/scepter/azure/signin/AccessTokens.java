package dev.scepter.azure.signin;

import java.net.URI;

/**
 * Bearer tokens for Microsoft's APIs, as this instance: the one port through which Graph, Intune
 * and Key Vault clients sign in, whatever the method (managed identity, client certificate,
 * client secret). Implementations keep tokens and renew them before they expire, and never put a
 * token, secret or assertion into a log line or a message.
 */
public interface AccessTokens {

    /**
     * A token whose audience is this resource (for example {@code https://graph.microsoft.com}),
     * valid for at least a few minutes more.
     *
     * @throws SignInException when no token can be had now; its message says why, without secrets
     */
    String token(URI resource);

    /**
     * Forgets {@code token} for this resource when it is the one kept: the service refused it (401)
     * before it expired (revoked, or Entra ID's keys rolled), so the next {@link #token} signs in
     * again. A token already replaced is left alone: several callers refused at once cause one
     * sign-in, not one each. Implementations without a kept token ignore it.
     */
    default void invalidate(URI resource, String token) {
    }

    /** How this instance signs in, for the homepage (for example "managed identity"), without secrets. */
    String describe();

    /** Whether a sign-in method is configured at all ({@link SignIn#notConfigured()} is the one that is not). */
    default boolean configured() {
        return true;
    }
}
