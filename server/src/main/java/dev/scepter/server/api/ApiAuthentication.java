package dev.scepter.server.api;

import dev.scepter.authority.token.ApiRole;
import dev.scepter.authority.token.ApiToken;
import dev.scepter.authority.token.ApiTokens;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Arrays;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Who calls the API: a bearer token created by {@code bin/scepter token create} (or the data
 * folder's admin token), with its roles. Entra ID tokens come with the Azure runtime.
 */
@Component
public final class ApiAuthentication {

    private final ApiTokens tokens;

    public ApiAuthentication(ApiTokens tokens) {
        this.tokens = tokens;
    }

    /**
     * The caller's token when it holds one of {@code roles}.
     *
     * @throws ApiProblem 401 without a valid token, 403 without the role
     */
    public ApiToken require(HttpServletRequest request, ApiRole... roles) {
        String header = Optional.ofNullable(request.getHeader("Authorization")).orElse("");
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiProblem(HttpStatus.UNAUTHORIZED, "A bearer token is required (Authorization: Bearer ...).");
        }
        ApiToken token = tokens.authenticate(header.substring(7).trim())
                .orElseThrow(() -> new ApiProblem(HttpStatus.UNAUTHORIZED, "The bearer token is not valid or has expired."));
        if (Arrays.stream(roles).noneMatch(token.roles()::contains)) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, "The token lacks the role this needs: "
                    + String.join(" or ", Arrays.stream(roles).map(ApiRole::value).toList()) + ".");
        }
        return token;
    }
}
