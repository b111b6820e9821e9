package dev.scepter.azure.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.azure.signin.MovableClock;
import dev.scepter.azure.signin.TestCertificates;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class EntraIdSimulatorTest {

    private static final String TENANT = "6f1c5b1e-8a4e-4c1a-9d61-0c1e2b3a4d5f";
    private static final String APP = "0b5d7a9e-1c33-4f43-9b6e-1f6f3b7c8a11";
    private static final SimTls TLS = SimTls.generate();

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T08:00:00Z"));
    private final SimTokens tokens = new SimTokens(clock::instant);
    private final SimServer server = SimServer.start("entra", TLS);
    private final EntraIdSimulator entra = new EntraIdSimulator(server, tokens);
    private final TestCertificates certificate = TestCertificates.rsa();
    private final HttpClient http = HttpClient.newBuilder().sslContext(TLS.clientContext()).build();

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> post(String tenant, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return http.send(HttpRequest.newBuilder(entra.tokenEndpoint(tenant)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> form(String... pairs) {
        Map<String, String> form = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            form.put(pairs[i], pairs[i + 1]);
        }
        return form;
    }

    private SimServer.Request bearer(String token) {
        com.sun.net.httpserver.Headers headers = new com.sun.net.httpserver.Headers();
        headers.add("Authorization", "Bearer " + token);
        return new SimServer.Request("GET", "/", Map.of(), headers, new byte[0], null);
    }

    @Test
    void aSecretGetsATokenForTheScopesResourceForItsLifetimeAndAWrongOneIsInvalidClient() throws Exception {
        entra.addSecret(TENANT, APP, "right-secret");
        HttpResponse<String> ok = post(TENANT, form("grant_type", "client_credentials", "client_id", APP, "client_secret", "right-secret",
                "scope", "https://graph.microsoft.com/.default"));
        assertThat(ok.statusCode()).isEqualTo(200);
        JsonNode body = SimServer.JSON.readTree(ok.body());
        assertThat(body.path("token_type").asString()).isEqualTo("Bearer");
        assertThat(body.path("expires_in").asLong()).isEqualTo(3600);
        String token = body.path("access_token").asString();
        assertThat(tokens.refuse(bearer(token), "https://graph.microsoft.com/")).isEmpty();
        assertThat(tokens.refuse(bearer(token), "https://api.manage.microsoft.com")).get().extracting(SimServer.Reply::status).isEqualTo(401);
        clock.advance(Duration.ofMinutes(60));
        assertThat(tokens.refuse(bearer(token), "https://graph.microsoft.com")).get().extracting(SimServer.Reply::body).asString().contains("expired");

        HttpResponse<String> wrong = post(TENANT, form("grant_type", "client_credentials", "client_id", APP, "client_secret", "wrong-secret",
                "scope", "https://graph.microsoft.com/.default"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        JsonNode error = SimServer.JSON.readTree(wrong.body());
        assertThat(error.path("error").asString()).isEqualTo("invalid_client");
        assertThat(error.path("error_description").asString()).startsWith("AADSTS7000215: Invalid client secret provided.");
        assertThat(error.path("error_codes").get(0).asInt()).isEqualTo(7000215);
        assertThat(wrong.body()).doesNotContain("wrong-secret");
    }

    @Test
    void anUnknownTenantIs400AnUnknownAppIsUnauthorizedClientAndAScopeWithoutDefaultIsRefused() throws Exception {
        entra.addSecret(TENANT, APP, "right-secret");
        HttpResponse<String> tenant = post(UUID.randomUUID().toString(), form("grant_type", "client_credentials", "client_id", APP,
                "client_secret", "right-secret", "scope", "https://graph.microsoft.com/.default"));
        assertThat(tenant.statusCode()).isEqualTo(400);
        assertThat(tenant.body()).contains("AADSTS90002");
        HttpResponse<String> app = post(TENANT, form("grant_type", "client_credentials", "client_id", UUID.randomUUID().toString(),
                "client_secret", "right-secret", "scope", "https://graph.microsoft.com/.default"));
        assertThat(app.statusCode()).isEqualTo(400);
        assertThat(app.body()).contains("unauthorized_client", "AADSTS700016");
        HttpResponse<String> scope = post(TENANT, form("grant_type", "client_credentials", "client_id", APP, "client_secret", "right-secret",
                "scope", "https://graph.microsoft.com/User.Read"));
        assertThat(scope.statusCode()).isEqualTo(400);
        assertThat(scope.body()).contains("invalid_scope");
    }

    @Test
    void aClientAssertionIsCheckedForItsSignatureCertificateAudienceAndTime() throws Exception {
        entra.addCertificate(TENANT, APP, certificate.certificate());
        long now = Instant.now().getEpochSecond();
        String audience = entra.tokenEndpoint(TENANT).toString();
        String x5t = EntraIdSimulator.thumbprint(certificate.certificate(), "SHA-1");

        assertThat(withAssertion(assertion(certificate, x5t, audience, now, now + 600)).statusCode()).isEqualTo(200);
        // Signed by another key that claims the registered certificate's thumbprint.
        HttpResponse<String> forged = withAssertion(assertion(TestCertificates.rsa(), x5t, audience, now, now + 600));
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.body()).contains("AADSTS700027", "signature validation");
        HttpResponse<String> unregistered = withAssertion(assertion(certificate, "AAAA", audience, now, now + 600));
        assertThat(unregistered.body()).contains("AADSTS700027", "not registered");
        HttpResponse<String> otherAudience = withAssertion(assertion(certificate, x5t, server.uri() + "/common/oauth2/v2.0/token", now, now + 600));
        assertThat(otherAudience.statusCode()).isEqualTo(401);
        assertThat(otherAudience.body()).contains("audience");
        HttpResponse<String> expired = withAssertion(assertion(certificate, x5t, audience, now - 3600, now - 1200));
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(expired.body()).contains("AADSTS700024");
    }

    @Test
    void instanceDiscoveryAndOpenIdMetadataAnswerAsEntraIdDoes() throws Exception {
        entra.addSecret(TENANT, APP, "right-secret");
        HttpResponse<String> discovery = http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/common/discovery/instance?api-version=1.1"
                + "&authorization_endpoint=" + URLEncoder.encode(server.uri() + "/" + TENANT + "/oauth2/v2.0/authorize", StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonNode metadata = SimServer.JSON.readTree(discovery.body());
        assertThat(metadata.path("tenant_discovery_endpoint").asString()).isEqualTo(server.uri() + "/" + TENANT + "/v2.0/.well-known/openid-configuration");
        assertThat(metadata.path("metadata").get(0).path("aliases").get(0).asString()).isEqualTo(server.uri().getAuthority());
        HttpResponse<String> openId = http.send(HttpRequest.newBuilder(URI.create(metadata.path("tenant_discovery_endpoint").asString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(SimServer.JSON.readTree(openId.body()).path("token_endpoint").asString()).isEqualTo(entra.tokenEndpoint(TENANT).toString());
    }

    private HttpResponse<String> withAssertion(String assertion) throws Exception {
        return post(TENANT, form("grant_type", "client_credentials", "client_id", APP, "client_assertion_type", EntraIdSimulator.ASSERTION_TYPE,
                "client_assertion", assertion, "scope", "https://graph.microsoft.com/.default"));
    }

    /** An RFC 7523 client assertion as MSAL4J makes one (RS256, x5t). */
    private static String assertion(TestCertificates signer, String x5t, String audience, long nbf, long exp) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString(SimServer.JSON.writeValueAsBytes(Map.of("alg", "RS256", "typ", "JWT", "x5t", x5t)));
        String claims = b64.encodeToString(SimServer.JSON.writeValueAsBytes(Map.of("aud", audience, "iss", APP, "sub", APP,
                "jti", UUID.randomUUID().toString(), "nbf", nbf, "exp", exp)));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(signer.keyPair().getPrivate());
        rsa.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
        return header + "." + claims + "." + b64.encodeToString(rsa.sign());
    }
}
