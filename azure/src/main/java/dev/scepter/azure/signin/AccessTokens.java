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
     * Forgets the token kept for this resource, so that the next {@link #token} asks the identity
     * platform again: the service answered 401 to it (revoked, or expired early), so it must not be
     * handed out again.
     */
    default void invalidate(URI resource) {
    }

    /** How this instance signs in, for the homepage (for example "managed identity"), without secrets. */
    String describe();

    /** Whether a sign-in method is configured at all ({@link SignIn#notConfigured()} is the one that is not). */
    default boolean configured() {
        return true;
    }
}
