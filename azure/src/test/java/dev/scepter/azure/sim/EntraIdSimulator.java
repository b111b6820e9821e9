package dev.scepter.azure.sim;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * Entra ID's v2.0 token endpoint for the client credentials flow, as MSAL4J calls it
 * ({@code POST /{tenant}/oauth2/v2.0/token}, RFC 6749 section 4.4, with a client secret or an RFC
 * 7523 client assertion), plus what MSAL4J may ask around it: instance discovery
 * ({@code GET /common/discovery/instance}) and the tenant's OpenID metadata
 * ({@code GET /{tenant}/v2.0/.well-known/openid-configuration}).
 *
 * <p>Stateful: tenants, their apps, each app's secrets and registered certificates. A client
 * assertion is checked as Entra ID checks it: signed (RS256 or PS256) by the key of a certificate
 * registered on the app, named by {@code x5t} (SHA-1) or {@code x5t#S256}; {@code aud} the token
 * endpoint; {@code iss} and {@code sub} the client id; {@code nbf}/{@code exp} around now with five
 * minutes' skew. The assertion's times are the client's wall clock (MSAL signs them with
 * {@code System.currentTimeMillis}), so they are checked against {@code wallClock}; the tokens it
 * issues live on {@link SimTokens}' clock, which tests advance. Refusals carry Entra's error body
 * ({@code error}, {@code error_description} starting with the AADSTS code, {@code error_codes},
 * {@code trace_id}, {@code correlation_id}).
 */
public final class EntraIdSimulator {

    public static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final Duration SKEW = Duration.ofMinutes(5);

    private record App(Set<String> secrets, List<X509Certificate> certificates) {
    }

    private final SimServer server;
    private final SimTokens tokens;
    private final Supplier<Instant> wallClock;
    private final Map<String, Map<String, App>> tenants = new ConcurrentHashMap<>();
    private volatile Duration tokenLifetime = Duration.ofMinutes(60);

    public EntraIdSimulator(SimServer server, SimTokens tokens) {
        this(server, tokens, Instant::now);
    }

    public EntraIdSimulator(SimServer server, SimTokens tokens, Supplier<Instant> wallClock) {
        this.server = server;
        this.tokens = tokens;
        this.wallClock = wallClock;
        // Entra ID echoes the caller's client-request-id, which MSAL4J compares with the one it sent.
        server.route("POST", "/([^/]+)/oauth2/v2\\.0/token", request -> echo(request, token(request)));
        server.route("GET", "/(?:common|organizations|[^/]+)/discovery/instance", this::instanceDiscovery);
        server.route("GET", "/([^/]+)/v2\\.0/\\.well-known/openid-configuration", this::openIdConfiguration);
    }

    /** What to set as {@code AppConfig:AzureCloudConfig:AzureADEndpoint}. */
    public URI authorityHost() {
        return server.uri();
    }

    public URI tokenEndpoint(String tenant) {
        return URI.create(server.uri() + "/" + tenant + "/oauth2/v2.0/token");
    }

    public EntraIdSimulator addSecret(String tenant, String clientId, String secret) {
        app(tenant, clientId).secrets().add(secret);
        return this;
    }

    public EntraIdSimulator addCertificate(String tenant, String clientId, X509Certificate certificate) {
        app(tenant, clientId).certificates().add(certificate);
        return this;
    }

    /** The lifetime of the tokens issued from now on ({@code expires_in}). */
    public void tokenLifetime(Duration lifetime) {
        this.tokenLifetime = lifetime;
    }

    /** The token requests so far (each one an issued or refused token). */
    public List<SimServer.Request> tokenRequests() {
        return server.requests().stream().filter(r -> r.path().endsWith("/oauth2/v2.0/token")).toList();
    }

    private App app(String tenant, String clientId) {
        return tenants.computeIfAbsent(tenant.toLowerCase(Locale.ROOT), t -> new ConcurrentHashMap<>())
                .computeIfAbsent(clientId.toLowerCase(Locale.ROOT), c -> new App(ConcurrentHashMap.newKeySet(), new java.util.concurrent.CopyOnWriteArrayList<>()));
    }

    private static SimServer.Reply echo(SimServer.Request request, SimServer.Reply reply) {
        String id = request.header("client-request-id");
        return id == null ? reply : reply.withHeader("client-request-id", id);
    }

    private SimServer.Reply token(SimServer.Request request) {
        String tenant = request.group(1);
        Map<String, App> apps = tenants.get(tenant.toLowerCase(Locale.ROOT));
        if (apps == null) {
            return error(400, "invalid_request", 90002, "Tenant '" + tenant + "' not found. Check to make sure you have the correct tenant ID "
                    + "and are signing into the correct cloud.");
        }
        Map<String, String> form = form(request.bodyText());
        if (!"client_credentials".equals(form.get("grant_type"))) {
            return error(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '" + form.get("grant_type") + "'.");
        }
        String clientId = form.getOrDefault("client_id", "");
        App app = apps.get(clientId.toLowerCase(Locale.ROOT));
        if (app == null) {
            return error(400, "unauthorized_client", 700016, "Application with identifier '" + clientId + "' was not found in the directory '"
                    + tenant + "'.");
        }
        String scope = form.getOrDefault("scope", "").trim();
        List<String> resources = List.of(scope.split("\\s+")).stream().filter(s -> s.endsWith("/.default")).toList();
        if (resources.size() != 1) {
            return error(400, "invalid_scope", 1002012, "The provided value for scope " + scope + " is not valid. Client credential flows "
                    + "must have a scope value with /.default suffixed to the resource identifier (application ID URI).");
        }
        Optional<SimServer.Reply> refused;
        if (form.containsKey("client_assertion")) {
            refused = checkAssertion(form, app, clientId, tenant);
        } else if (form.containsKey("client_secret")) {
            String given = form.get("client_secret");
            boolean known = app.secrets().stream().anyMatch(secret -> MessageDigest.isEqual(
                    secret.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8)));
            refused = known ? Optional.empty() : Optional.of(error(401, "invalid_client", 7000215, "Invalid client secret provided. "
                    + "Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '"
                    + clientId + "'."));
        } else {
            refused = Optional.of(error(401, "invalid_client", 7000218,
                    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."));
        }
        if (refused.isPresent()) {
            return refused.get();
        }
        Duration lifetime = tokenLifetime;
        String token = tokens.mint(clientId, resources.get(0), lifetime);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token_type", "Bearer");
        body.put("expires_in", lifetime.toSeconds());
        body.put("ext_expires_in", lifetime.toSeconds());
        body.put("access_token", token);
        return SimServer.Reply.json(200, body);
    }

    private Optional<SimServer.Reply> checkAssertion(Map<String, String> form, App app, String clientId, String tenant) {
        if (!ASSERTION_TYPE.equals(form.get("client_assertion_type"))) {
            return Optional.of(error(400, "invalid_request", 50027, "Invalid client_assertion_type '" + form.get("client_assertion_type") + "'."));
        }
        String[] parts = form.get("client_assertion").split("\\.");
        if (parts.length != 3) {
            return Optional.of(error(401, "invalid_client", 50027, "JWT token is invalid or malformed."));
        }
        JsonNode header;
        JsonNode claims;
        byte[] signature;
        try {
            header = SimServer.JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            claims = SimServer.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            signature = Base64.getUrlDecoder().decode(parts[2]);
        } catch (RuntimeException e) {
            return Optional.of(error(401, "invalid_client", 50027, "JWT token is invalid or malformed."));
        }
        String x5t = header.path("x5t").asString("");
        String x5tS256 = header.path("x5t#S256").asString("");
        X509Certificate signer = null;
        for (X509Certificate certificate : app.certificates()) {
            if (sameThumbprint(x5t, certificate, "SHA-1") || sameThumbprint(x5tS256, certificate, "SHA-256")) {
                signer = certificate;
            }
        }
        if (signer == null) {
            return Optional.of(error(401, "invalid_client", 700027, "The certificate with identifier used to sign the client assertion is not "
                    + "registered on application. [Reason - The key was not found., Thumbprint of key used by client: '" + x5t + "']"));
        }
        if (!verifies(header.path("alg").asString(""), signer, (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII), signature)) {
            return Optional.of(error(401, "invalid_client", 700027, "Client assertion failed signature validation."));
        }
        String audience = claims.path("aud").asString("");
        if (!audience.equals(tokenEndpoint(tenant).toString())) {
            return Optional.of(error(401, "invalid_client", 700027, "Client assertion audience claim does not match the token endpoint: '"
                    + audience + "'."));
        }
        if (!clientId.equals(claims.path("iss").asString("")) || !clientId.equals(claims.path("sub").asString(""))) {
            return Optional.of(error(401, "invalid_client", 700023, "Client assertion issuer and subject must be the client id."));
        }
        Instant now = wallClock.get();
        long exp = claims.path("exp").asLong(0);
        long nbf = claims.path("nbf").asLong(0);
        if (exp == 0 || now.minus(SKEW).isAfter(Instant.ofEpochSecond(exp)) || nbf != 0 && now.plus(SKEW).isBefore(Instant.ofEpochSecond(nbf))) {
            return Optional.of(error(401, "invalid_client", 700024, "Client assertion is not within its valid time range. Current time: "
                    + now + ", assertion valid from " + Instant.ofEpochSecond(nbf) + ", expiry time of assertion " + Instant.ofEpochSecond(exp) + "."));
        }
        return Optional.empty();
    }

    private static boolean verifies(String alg, X509Certificate signer, byte[] signed, byte[] signature) {
        try {
            Signature verifier;
            if ("RS256".equals(alg)) {
                verifier = Signature.getInstance("SHA256withRSA");
            } else if ("PS256".equals(alg)) {
                verifier = Signature.getInstance("RSASSA-PSS");
                verifier.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
            } else {
                return false;
            }
            verifier.initVerify(signer.getPublicKey());
            verifier.update(signed);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * RFC 7515 says base64url; MSAL4J sends plain base64 with padding, and Entra ID takes it: both
     * spellings of the same digest match.
     */
    private static boolean sameThumbprint(String given, X509Certificate certificate, String digest) {
        if (given.isEmpty()) {
            return false;
        }
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(given.replace('+', '-').replace('/', '_').replace("=", ""));
            return MessageDigest.isEqual(bytes, MessageDigest.getInstance(digest).digest(certificate.getEncoded()));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false;
        }
    }

    /** The base64url thumbprint that {@code x5t} ({@code SHA-1}) and {@code x5t#S256} carry (RFC 7515 section 4.1.7). */
    public static String thumbprint(X509Certificate certificate, String digest) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance(digest).digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private SimServer.Reply instanceDiscovery(SimServer.Request request) {
        String host = server.uri().getAuthority();
        String authorize = request.query().getOrDefault("authorization_endpoint", server.uri() + "/common/oauth2/v2.0/authorize");
        String tenant = authorize.replaceFirst("^https://[^/]+/([^/]+)/.*$", "$1");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenant_discovery_endpoint", server.uri() + "/" + tenant + "/v2.0/.well-known/openid-configuration");
        body.put("api-version", "1.1");
        body.put("metadata", List.of(Map.of("preferred_network", host, "preferred_cache", host, "aliases", List.of(host))));
        return SimServer.Reply.json(200, body);
    }

    private SimServer.Reply openIdConfiguration(SimServer.Request request) {
        String tenant = request.group(1);
        if (!tenants.containsKey(tenant.toLowerCase(Locale.ROOT)) && !Set.of("common", "organizations").contains(tenant)) {
            return error(400, "invalid_tenant", 90002, "Tenant '" + tenant + "' not found.");
        }
        String base = server.uri() + "/" + tenant;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token_endpoint", base + "/oauth2/v2.0/token");
        body.put("token_endpoint_auth_methods_supported", List.of("client_secret_post", "private_key_jwt", "client_secret_basic"));
        body.put("jwks_uri", base + "/discovery/v2.0/keys");
        body.put("issuer", base + "/v2.0");
        body.put("authorization_endpoint", base + "/oauth2/v2.0/authorize");
        body.put("response_types_supported", List.of("code", "id_token", "code id_token", "id_token token"));
        body.put("tenant_region_scope", "EU");
        body.put("cloud_instance_name", "simulator");
        return SimServer.Reply.json(200, body);
    }

    private SimServer.Reply error(int status, String error, int code, String text) {
        String trace = UUID.randomUUID().toString();
        String correlation = UUID.randomUUID().toString();
        String timestamp = DateTimeFormatter.ISO_INSTANT.format(wallClock.get());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", "AADSTS" + code + ": " + text + "\r\nTrace ID: " + trace + "\r\nCorrelation ID: " + correlation
                + "\r\nTimestamp: " + timestamp);
        body.put("error_codes", List.of(code));
        body.put("timestamp", timestamp);
        body.put("trace_id", trace);
        body.put("correlation_id", correlation);
        body.put("error_uri", server.uri() + "/error?code=" + code);
        return SimServer.Reply.json(status, body);
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }
}
