package dev.scepter.server.security;

import dev.scepter.authority.token.ApiToken;
import dev.scepter.authority.token.ApiTokens;
import java.util.Optional;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * Authenticates a bearer token (RFC 6750) against our token store through
 * {@link ApiTokens#authenticate}: the store is searched by the value's SHA-256, so no secret is
 * compared here to leak timing. Unknown, revoked and expired tokens are refused alike. Another
 * provider (Entra ID's JWTs) can sit beside this one in the same {@code ProviderManager}.
 */
public final class ApiTokenAuthenticationProvider implements AuthenticationProvider {

    private final ApiTokens tokens;

    public ApiTokenAuthenticationProvider(ApiTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        String value = ((BearerTokenAuthenticationToken) authentication).getToken();
        Optional<ApiToken> token;
        try {
            token = tokens.authenticate(value);
        } catch (RuntimeException e) {
            // The store is down: the caller may be fine, so this is not a 401.
            throw new AuthenticationServiceException("the API token store cannot be read", e);
        }
        return token.map(t -> new ApiTokenAuthentication(new ApiCaller("token", t.name(), t.roles())))
                .orElseThrow(() -> new InvalidBearerTokenException("unknown, revoked or expired token"));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
