package dev.scepter.azure.sim;

import java.net.URI;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * App Service's local token endpoint for an app's system-assigned managed identity, API version
 * 2019-08-01: {@code GET {IDENTITY_ENDPOINT}?resource=..&api-version=2019-08-01} with the header
 * {@code X-IDENTITY-HEADER: {IDENTITY_HEADER}}, answered with {@code access_token},
 * {@code expires_on} (Unix seconds, as a string), {@code resource}, {@code token_type} and
 * {@code client_id}. A missing or wrong header is refused with 401, a missing resource or another
 * API version with 400, each with App Service's {@code statusCode}/{@code message} body. Tokens are
 * minted on {@link SimTokens} for the identity's client id, so the services that check them see
 * the identity's grants.
 */
public final class ManagedIdentitySimulator {

    public static final String PATH = "/msi/token";

    private final SimServer server;
    private final SimTokens tokens;
    private final String clientId;
    private final String header;
    private volatile Duration tokenLifetime = Duration.ofHours(24);

    /** @param clientId the identity's client (application) id, to which roles are granted on {@link SimTokens} */
    public ManagedIdentitySimulator(SimServer server, SimTokens tokens, String clientId) {
        this.server = server;
        this.tokens = tokens;
        this.clientId = clientId;
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        this.header = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        server.route("GET", PATH + "/?", this::token);
    }

    /** What App Service sets as {@code IDENTITY_ENDPOINT}. */
    public URI endpoint() {
        return URI.create(server.uri() + PATH);
    }

    /** What App Service sets as {@code IDENTITY_HEADER}. */
    public String header() {
        return header;
    }

    public String clientId() {
        return clientId;
    }

    public void tokenLifetime(Duration lifetime) {
        this.tokenLifetime = lifetime;
    }

    public List<SimServer.Request> tokenRequests() {
        return server.requests().stream().filter(r -> r.path().startsWith(PATH)).toList();
    }

    private SimServer.Reply token(SimServer.Request request) {
        String given = request.header("X-IDENTITY-HEADER");
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), header.getBytes(StandardCharsets.UTF_8))) {
            return error(401, "Unauthorized: the X-IDENTITY-HEADER header is missing or wrong.");
        }
        if (!"2019-08-01".equals(request.query().get("api-version"))) {
            return error(400, "The api-version '" + request.query().get("api-version") + "' is not supported; use 2019-08-01.");
        }
        String resource = request.query().get("resource");
        if (resource == null || resource.isBlank()) {
            return error(400, "The resource parameter is required.");
        }
        if (resource.equals("https://api.manage.microsoft.com")) {
            // The Intune API's service principal is named with the slash (ms_contracts.md 1.2); without it there is no such resource.
            return error(400, "AADSTS500011: The resource principal named https://api.manage.microsoft.com was not found in the tenant.");
        }
        String token = tokens.mint(clientId, resource, tokenLifetime);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token);
        body.put("expires_on", Long.toString(tokens.grantOf(token).orElseThrow().expiresAt().getEpochSecond()));
        body.put("resource", resource);
        body.put("token_type", "Bearer");
        body.put("client_id", clientId);
        return SimServer.Reply.json(200, body);
    }

    private static SimServer.Reply error(int status, String message) {
        return SimServer.Reply.json(status, Map.of("statusCode", status, "message", message, "correlationId", UUID.randomUUID().toString()));
    }
}
