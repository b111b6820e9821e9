package dev.scepter.server.security;

import dev.scepter.authority.token.ApiRole;
import java.util.Objects;
import java.util.Set;

/**
 * Who called the API, as the security layer authenticated them: the principal a handler receives
 * ({@code @AuthenticationPrincipal ApiCaller caller}) for its audit trail. Never the credential.
 *
 * @param kind  how the caller authenticated: {@code token} for our bearer tokens (Entra ID's come later)
 * @param name  the token's name (the audit trail's actor)
 * @param roles what the caller may do
 */
public record ApiCaller(String kind, String name, Set<ApiRole> roles) {

    public ApiCaller {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        roles = Set.copyOf(roles);
    }

    /** The requester recorded with an issued certificate, e.g. {@code token csr-client}. */
    public String requester() {
        return kind + " " + name;
    }
}
