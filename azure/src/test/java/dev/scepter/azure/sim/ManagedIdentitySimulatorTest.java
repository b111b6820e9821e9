package dev.scepter.azure.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.azure.signin.MovableClock;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ManagedIdentitySimulatorTest {

    private static final SimTls TLS = SimTls.generate();
    private static final String IDENTITY = "5a6b7c8d-1111-4222-8333-944455556666";

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T08:00:00Z"));
    private final SimTokens tokens = new SimTokens(clock::instant);
    private final SimServer server = SimServer.start("app-service", TLS);
    private final ManagedIdentitySimulator identity = new ManagedIdentitySimulator(server, tokens, IDENTITY);
    private final HttpClient http = HttpClient.newBuilder().sslContext(TLS.clientContext()).build();

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String query, String header) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(identity.endpoint() + "?" + query));
        if (header != null) {
            request.header("X-IDENTITY-HEADER", header);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theRightHeaderGetsATokenForTheResourceWithItsExpiryInUnixSeconds() throws Exception {
        String resource = "https://graph.microsoft.com/";
        HttpResponse<String> ok = get("resource=" + URLEncoder.encode(resource, StandardCharsets.UTF_8) + "&api-version=2019-08-01", identity.header());
        assertThat(ok.statusCode()).isEqualTo(200);
        JsonNode body = SimServer.JSON.readTree(ok.body());
        assertThat(body.path("resource").asString()).isEqualTo(resource);
        assertThat(body.path("token_type").asString()).isEqualTo("Bearer");
        assertThat(body.path("client_id").asString()).isEqualTo(IDENTITY);
        assertThat(body.path("expires_on").isString()).as("a string of Unix seconds, as App Service answers").isTrue();
        assertThat(Long.parseLong(body.path("expires_on").asString())).isEqualTo(clock.instant().plus(Duration.ofHours(24)).getEpochSecond());
        String token = body.path("access_token").asString();
        com.sun.net.httpserver.Headers headers = new com.sun.net.httpserver.Headers();
        headers.add("Authorization", "Bearer " + token);
        SimServer.Request call = new SimServer.Request("GET", "/", Map.of(), headers, new byte[0], null);
        assertThat(tokens.refuse(call, "https://graph.microsoft.com")).isEmpty();
        assertThat(tokens.refuse(call, "https://api.manage.microsoft.com")).isPresent();
        assertThat(tokens.grantOf(token).orElseThrow().clientId()).isEqualTo(IDENTITY);
    }

    @Test
    void aMissingOrWrongHeaderIs401AndAMissingResourceOrOtherApiVersionIs400() throws Exception {
        String query = "resource=https%3A%2F%2Fgraph.microsoft.com&api-version=2019-08-01";
        HttpResponse<String> missing = get(query, null);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(SimServer.JSON.readTree(missing.body()).path("statusCode").asInt()).isEqualTo(401);
        assertThat(get(query, "not-" + identity.header()).statusCode()).isEqualTo(401);
        assertThat(get("api-version=2019-08-01", identity.header()).statusCode()).isEqualTo(400);
        assertThat(get("resource=https%3A%2F%2Fgraph.microsoft.com&api-version=2017-09-01", identity.header()).statusCode()).isEqualTo(400);
        assertThat(identity.tokenRequests()).hasSize(4);
    }
}
