package dev.scepter.azure.sim;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The tokens Entra ID would issue, for the simulators of the services that check them: who holds
 * one, for which audience, until when, and which app roles that client was granted on that
 * audience (checked at each call, as Graph and Intune check the roles in the token). The token
 * endpoint simulator mints them; Graph, Intune and the others ask {@link #refuse} before they
 * answer. Tokens are opaque random strings, so a client cannot read or forge them.
 */
public final class SimTokens {

    /** One issued token. */
    public record Grant(String clientId, String audience, Instant expiresAt) {
    }

    private final Supplier<Instant> clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Grant> issued = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> roles = new ConcurrentHashMap<>();

    public SimTokens(Supplier<Instant> clock) {
        this.clock = clock;
    }

    /** Audiences compare without a trailing slash and {@code /.default}, as Entra ID maps a scope to its resource. */
    public static String audience(String resourceOrScope) {
        String audience = resourceOrScope.endsWith("/.default") ? resourceOrScope.substring(0, resourceOrScope.length() - "/.default".length())
                : resourceOrScope;
        while (audience.endsWith("/")) {
            audience = audience.substring(0, audience.length() - 1);
        }
        return audience;
    }

    public String mint(String clientId, String resourceOrScope, Duration lifetime) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String token = "sim." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        issued.put(token, new Grant(clientId, audience(resourceOrScope), clock.get().plus(lifetime)));
        return token;
    }

    /** Grants an app role ({@code Device.Read.All}, {@code scep_challenge_provider}) on an audience to a client. */
    public void grant(String clientId, String audience, String role) {
        roles.computeIfAbsent(clientId + " " + audience(audience), k -> ConcurrentHashMap.newKeySet()).add(role);
    }

    public void revoke(String clientId, String audience, String role) {
        roles.getOrDefault(clientId + " " + audience(audience), Set.of()).remove(role);
    }

    /** Every token issued so far is refused from now on (revoked, or the signing keys rolled): 401 before it expires. */
    public void forgetIssued() {
        issued.clear();
    }

    public Optional<Grant> grantOf(String token) {
        return Optional.ofNullable(issued.get(token));
    }

    /**
     * Empty when the request carries a token for {@code audience}, not expired, whose client holds
     * one of {@code anyRole} (none asked: any token for the audience); otherwise the refusal, as
     * the service would answer: 401 for a missing, unknown, expired or wrong-audience token, 403
     * for a missing role.
     */
    public Optional<SimServer.Reply> refuse(SimServer.Request request, String audience, String... anyRole) {
        String authorization = request.header("Authorization");
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return Optional.of(SimServer.Reply.error(401, "InvalidAuthenticationToken", "Access token is empty.")
                    .withHeader("WWW-Authenticate", "Bearer"));
        }
        Grant grant = issued.get(authorization.substring("Bearer ".length()));
        if (grant == null) {
            return Optional.of(SimServer.Reply.error(401, "InvalidAuthenticationToken", "Access token validation failure."));
        }
        if (!clock.get().isBefore(grant.expiresAt())) {
            return Optional.of(SimServer.Reply.error(401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired."));
        }
        if (!grant.audience().equalsIgnoreCase(audience(audience))) {
            return Optional.of(SimServer.Reply.error(401, "InvalidAuthenticationToken", "Invalid audience."));
        }
        if (anyRole.length > 0) {
            Set<String> held = roles.getOrDefault(grant.clientId() + " " + audience(audience), Set.of());
            for (String role : anyRole) {
                if (held.contains(role)) {
                    return Optional.empty();
                }
            }
            return Optional.of(SimServer.Reply.error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."));
        }
        return Optional.empty();
    }
}
