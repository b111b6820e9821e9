package dev.scepter.azure.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The Jamf Pro simulator keeps Jamf Pro's contract: its token flows, privileges, paths, shapes and paging. */
class JamfSimulatorTest {

    private static final SimTls TLS = SimTls.generate();
    private static final AtomicReference<Instant> NOW = new AtomicReference<>(Instant.parse("2026-09-01T10:00:00Z"));
    private static JamfSimulator jamf;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        jamf = JamfSimulator.start(TLS, NOW::get);
        jamf.addApiClient("client", "secret", Duration.ofMinutes(1), JamfSimulator.ALL_READ);
        jamf.addApiClient("computers-only", "secret", Duration.ofMinutes(1), Set.of(JamfSimulator.READ_COMPUTERS));
        jamf.addAccount("api", "password", Duration.ofMinutes(30), JamfSimulator.ALL_READ);
        http = HttpClient.newBuilder().sslContext(TLS.clientContext()).connectTimeout(Duration.ofSeconds(2)).build();
    }

    @AfterAll
    static void stop() {
        jamf.close();
    }

    @Test
    void clientCredentialsGiveATokenThatExpires() throws Exception {
        JsonNode token = json(post("/api/oauth/token", "grant_type=client_credentials&client_id=client&client_secret=secret", null));
        assertThat(token.path("token_type").asString()).isEqualTo("Bearer");
        assertThat(token.path("expires_in").asLong()).isEqualTo(60);
        JamfSimulator.Computer mac = jamf.addComputer("11111111-2222-3333-4444-555555555555", "Mac");
        String bearer = token.path("access_token").asString();
        assertThat(get("/api/v1/computers-inventory/" + mac.id(), bearer).statusCode()).isEqualTo(200);
        NOW.set(NOW.get().plusSeconds(61));
        assertThat(get("/api/v1/computers-inventory/" + mac.id(), bearer).statusCode()).isEqualTo(401);
    }

    @Test
    void wrongCredentialsAre401() throws Exception {
        assertThat(post("/api/oauth/token", "grant_type=client_credentials&client_id=client&client_secret=wrong", null).statusCode())
                .isEqualTo(401);
        assertThat(post("/api/v1/auth/token", "", basic("api", "wrong")).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/computers-inventory/1", "made-up").statusCode()).isEqualTo(401);
    }

    @Test
    void basicGivesATokenWithAnIsoExpiry() throws Exception {
        JsonNode token = json(post("/api/v1/auth/token", "", basic("api", "password")));
        assertThat(Instant.parse(token.path("expires").asString())).isEqualTo(NOW.get().plus(Duration.ofMinutes(30)));
        JamfSimulator.User user = jamf.addUser("jdoe", "jdoe@example.com");
        HttpResponse<String> found = get("/JSSResource/users/email/" + URLEncoder.encode("jdoe@example.com", StandardCharsets.UTF_8),
                token.path("token").asString());
        assertThat(json(found).path("users").get(0).path("id").asLong()).isEqualTo(user.id());
        jamf.deleteUser(user.id());
        assertThat(get("/JSSResource/users/id/" + user.id(), token.path("token").asString()).statusCode()).isEqualTo(404);
    }

    @Test
    void aMissingPrivilegeIs403() throws Exception {
        String bearer = json(post("/api/oauth/token", "grant_type=client_credentials&client_id=computers-only&client_secret=secret", null))
                .path("access_token").asString();
        assertThat(get("/api/v2/mobile-devices/1", bearer).statusCode()).isEqualTo(403);
        assertThat(SimServer.JSON.readTree(get("/api/v2/mobile-devices/1", bearer).body()).path("errors").get(0).path("code").asString())
                .isEqualTo("INVALID_PRIVILEGE");
    }

    @Test
    void inventoriesFilterByUdidAndPage() throws Exception {
        String bearer = json(post("/api/oauth/token", "grant_type=client_credentials&client_id=client&client_secret=secret", null))
                .path("access_token").asString();
        JamfSimulator.MobileDevice phone = jamf.addMobileDevice("00008030-001A35E40C38802E", "iPhone");
        jamf.addMobileDevice("0123456789abcdef0123456789abcdef01234567", "old iPad");
        JsonNode filtered = json(get("/api/v2/mobile-devices/detail?section=GENERAL&filter="
                + URLEncoder.encode("udid==\"00008030-001A35E40C38802E\"", StandardCharsets.UTF_8), bearer));
        assertThat(filtered.path("totalCount").asInt()).isEqualTo(1);
        assertThat(filtered.path("results").get(0).path("mobileDeviceId").asString()).isEqualTo(Long.toString(phone.id()));
        JsonNode secondPage = json(get("/api/v2/mobile-devices/detail?page=1&page-size=1", bearer));
        assertThat(secondPage.path("totalCount").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(secondPage.path("results").size()).isEqualTo(1);
        assertThat(get("/api/v1/computers-inventory?filter=" + URLEncoder.encode("general.name==\"x\"", StandardCharsets.UTF_8), bearer)
                .statusCode()).isEqualTo(400);
        jamf.deleteMobileDevice(phone.id());
        assertThat(get("/api/v2/mobile-devices/" + phone.id(), bearer).statusCode()).isEqualTo(404);
    }

    @Test
    void downClosesTheConnection() {
        jamf.server().down(true);
        try {
            assertThatThrownBy(() -> get("/api/v1/computers-inventory/1", "x")).isInstanceOf(IOException.class);
        } finally {
            jamf.server().down(false);
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> post(String path, String form, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(jamf.uri() + path))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path, String bearer) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(jamf.uri() + path)).header("Authorization", "Bearer " + bearer)
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return SimServer.JSON.readTree(response.body());
    }
}
