package dev.scepter.server.security;

import dev.scepter.authority.token.ApiRole;
import java.util.Objects;
import java.util.Set;
import org.springframework.http.HttpMethod;

/**
 * One API route as the security layer knows it: the method and path pattern (as the controller
 * maps it), the roles that may call it, and the largest body it reads.
 *
 * @param maxBodyBytes requests announcing more are refused with 413 before the body is read; a
 *                     body without a length (chunked) is cut off at this many bytes
 */
public record ApiRoute(HttpMethod method, String pattern, Set<ApiRole> roles, int maxBodyBytes) {

    /** A JSON body or a CSR is a few KiB; 64 KiB leaves room and bounds what a caller costs. */
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

    public ApiRoute {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(pattern, "pattern");
        roles = Set.copyOf(roles);
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("an API route needs at least one role: " + method + " " + pattern);
        }
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes");
        }
    }

    /** The roles as Spring Security authorities: the role names as Entra ID and our tokens spell them. */
    String[] authorities() {
        return roles.stream().map(ApiRole::value).sorted().toArray(String[]::new);
    }

    @Override
    public String toString() {
        return method + " " + pattern + " " + roles.stream().map(ApiRole::value).sorted().toList();
    }
}
