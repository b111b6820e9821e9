package dev.scepter.azure.signin;

import java.net.URI;

/** One way to get a fresh token from Microsoft's identity platform, asked each time: caching is {@link RenewingAccessTokens}'s. */
@FunctionalInterface
interface TokenSource {

    /**
     * A new token whose audience is {@code resource}.
     *
     * @throws SignInException when none can be had; its message says why, without secrets
     */
    Token fetch(URI resource);
}
