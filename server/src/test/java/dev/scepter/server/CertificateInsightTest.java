package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.issuance.SerialNumbers;
import dev.scepter.authority.store.DirectoryBinding;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.token.ApiRole;
import dev.scepter.authority.token.ApiTokens;
import dev.scepter.authority.validity.IssuedSerialIndex;
import dev.scepter.server.metrics.ExpiryGauges;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The management API's answers to "why is this certificate not good" and "what is about to
 * expire": the search's filters, a certificate's live status in words with its device's history,
 * and the expiry gauges on {@code /metrics}.
 */
class CertificateInsightTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static RunningServer server;
    private static String manage;
    private static String directory;
    private static String issuer;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(Map.of());
        ApiTokens tokens = new ApiTokens(server.core.storage().apiTokenStore(), server.core.storage().auditLog(), Clock.systemUTC(),
                new SecureRandom());
        manage = tokens.create("test", "manage", Set.of(ApiRole.MANAGE_ALL), Optional.empty()).value();
        directory = tokens.create("test", "directory", Set.of(ApiRole.DIRECTORY_MANAGE), Optional.empty()).value();
        issuer = server.context.getBean("issuerName", String.class);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theDetailSaysWhyADevicesCertificateIsOnHoldOrRevokedForGoodAndShowsItsHistory() throws Exception {
        UUID device = UUID.randomUUID();
        put("/api/directory/devices/" + device, "{\"enabled\": true, \"name\": \"laptop-7\"}");
        Instant now = Instant.now();
        IssuedCertificate first = record(bound(device), "CN=laptop-7", now.minus(Duration.ofDays(700)), now.minus(Duration.ofDays(335)));
        IssuedCertificate second = record(bound(device), "CN=laptop-7", now.minus(Duration.ofDays(340)), now.plus(Duration.ofDays(10)));

        JsonNode good = get("/api/manage/certificates/" + second.serialHex());
        assertThat(good.path("status").path("ocspStatus").asString()).isEqualTo("good");
        assertThat(good.path("status").path("explanation").asString()).contains("device " + device, "exists and is enabled");
        JsonNode history = good.path("history");
        assertThat(history).hasSize(2);
        assertThat(history.get(0).path("serialNumber").asString()).isEqualTo(first.serialHex());
        assertThat(history.get(0).path("replacedBy").asString()).isEqualTo(second.serialHex());
        assertThat(history.get(0).path("renewalMissed").asBoolean()).isFalse();
        assertThat(history.get(1).path("replaces").asString()).isEqualTo(first.serialHex());
        // Expires in 10 days and nothing replaced it.
        assertThat(history.get(1).path("renewalMissed").asBoolean()).isTrue();

        put("/api/directory/devices/" + device, "{\"enabled\": false, \"name\": \"laptop-7\"}");
        JsonNode held = get("/api/manage/certificates/" + second.serialHex());
        assertThat(held.path("status").path("ocspStatus").asString()).isEqualTo("onHold");
        assertThat(held.path("status").path("reason").asString()).isEqualTo("certificateHold");
        assertThat(held.path("status").path("explanation").asString()).contains("is disabled in the directory", "good again");

        delete("/api/directory/devices/" + device);
        JsonNode gone = get("/api/manage/certificates/" + second.serialHex());
        assertThat(gone.path("status").path("ocspStatus").asString()).isEqualTo("revoked");
        assertThat(gone.path("status").path("reason").asString()).isEqualTo("cessationOfOperation");
        assertThat(gone.path("status").path("explanation").asString()).contains("Revoked for good", "no longer exists");

        JsonNode expired = get("/api/manage/certificates/" + first.serialHex());
        assertThat(expired.path("status").path("expired").asBoolean()).isTrue();
        assertThat(expired.path("status").path("explanation").asString()).startsWith("Expired on ");
    }

    @Test
    void theDetailNamesWhoRevokedByHandAndWhy() throws Exception {
        IssuedCertificate server1 = record(new SerialNumbers(new SecureRandom()).unbound(SerialNumbers.TYPE_STATIC), "CN=www.example",
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(300)));
        HttpResponse<String> revoked = send("PATCH", "/api/manage/revoke/" + server1.serialHex(), manage,
                "{\"revocationReason\": 1, \"revoker\": \"alice@example.com\"}");
        assertThat(revoked.statusCode()).isEqualTo(200);

        JsonNode detail = get("/api/manage/certificates/" + server1.serialHex());

        assertThat(detail.path("status").path("ocspStatus").asString()).isEqualTo("revoked");
        assertThat(detail.path("status").path("source").asString()).isEqualTo("MANUAL");
        assertThat(detail.path("certificate").path("thumbprint").asString()).isEqualTo(server1.thumbprint());
        assertThat(serials("/api/manage/search?searchText=" + server1.thumbprint().substring(0, 20).toLowerCase(java.util.Locale.ROOT)))
                .containsExactly(server1.serialHex());
        assertThat(detail.path("status").path("revokedBy").asString()).contains("alice@example.com");
        assertThat(detail.path("status").path("explanation").asString()).contains("Revoked by hand", "alice@example.com", "keyCompromise");
        assertThat(send("GET", "/api/manage/certificates/50ABCDEF0123", manage, null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/api/manage/certificates/not-hex", manage, null).statusCode()).isEqualTo(400);
        assertThat(send("GET", "/api/manage/certificates/" + server1.serialHex(), directory, null).statusCode()).isEqualTo(403);
    }

    @Test
    void theSearchFiltersByTypeEndpointExpiryObjectAndSuccessorAndRefusesBadValues() throws Exception {
        UUID user = UUID.randomUUID();
        Instant now = Instant.now();
        IssuedCertificate usersOld = record(new SerialNumbers(new SecureRandom()).bound(0x60, user), "CN=carol-filter", now.minus(Duration.ofDays(300)),
                now.plus(Duration.ofDays(3)), new DirectoryBinding(DirectoryObjectType.USER, user), "intune");
        IssuedCertificate lonely = record(new SerialNumbers(new SecureRandom()).unbound(SerialNumbers.TYPE_STATIC), "CN=lonely-filter",
                now.minus(Duration.ofDays(300)), now.plus(Duration.ofDays(20)));

        assertThat(serials("/api/manage/search?searchText=filter&certType=User")).containsExactly(usersOld.serialHex());
        assertThat(serials("/api/manage/search?searchText=filter&certType=Static&certType=DC")).containsExactly(lonely.serialHex());
        assertThat(serials("/api/manage/search?searchText=filter&endpoint=intune")).containsExactly(usersOld.serialHex());
        assertThat(serials("/api/manage/search?searchText=filter&expiresWithinDays=7")).containsExactly(usersOld.serialHex());
        assertThat(serials("/api/manage/search?boundObject=" + user)).containsExactly(usersOld.serialHex());
        assertThat(serials("/api/manage/search?searchText=" + user)).containsExactly(usersOld.serialHex());
        assertThat(serials("/api/manage/search?searchText=filter&certValidity=Active&expiresWithinDays=30&withoutSuccessor=true"))
                .containsExactlyInAnyOrder(usersOld.serialHex(), lonely.serialHex());
        record(new SerialNumbers(new SecureRandom()).bound(0x60, user), "CN=carol-filter", now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(365)), new DirectoryBinding(DirectoryObjectType.USER, user), "intune");
        assertThat(serials("/api/manage/search?searchText=filter&certValidity=Active&expiresWithinDays=30&withoutSuccessor=true"))
                .containsExactly(lonely.serialHex());

        for (String bad : List.of("certType=Printer", "expiresWithinDays=-1", "expiresWithinDays=3651", "boundObject=nope",
                "withoutSuccessor=maybe", "endpoint=" + "x".repeat(201))) {
            HttpResponse<String> response = send("GET", "/api/manage/search?" + bad, manage, null);
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).as(bad).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        }
    }

    @Test
    void metricsCountTheCertificatesThatExpireWithoutSuccessorByEndpoint() throws Exception {
        Instant now = Instant.now();
        for (int days : List.of(2, 5, 20)) {
            record(new SerialNumbers(new SecureRandom()).unbound(SerialNumbers.TYPE_STATIC), "CN=gauge-" + days, now.minus(Duration.ofDays(300)),
                    now.plus(Duration.ofDays(days)), null, "gauge-endpoint");
        }
        // Renewed: not counted.
        record(new SerialNumbers(new SecureRandom()).unbound(SerialNumbers.TYPE_STATIC), "CN=gauge-renewed", now.minus(Duration.ofDays(300)),
                now.plus(Duration.ofDays(4)), null, "gauge-endpoint");
        record(new SerialNumbers(new SecureRandom()).unbound(SerialNumbers.TYPE_STATIC), "CN=gauge-renewed", now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(365)), null, "gauge-endpoint");

        server.context.getBean(ExpiryGauges.class).refresh();
        String metrics = http.send(HttpRequest.newBuilder(server.url("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();

        assertThat(metrics).contains("scepter_certificates_expiring{endpoint=\"gauge-endpoint\",within=\"7d\"} 2.0");
        assertThat(metrics).contains("scepter_certificates_expiring{endpoint=\"gauge-endpoint\",within=\"30d\"} 3.0");
        assertThat(metrics).containsPattern("scepter_certificates_expiring_refreshed_seconds \\d\\.\\d+E9");
    }

    private static BigInteger bound(UUID device) {
        return new SerialNumbers(new SecureRandom()).bound(0x40, device);
    }

    private static IssuedCertificate record(BigInteger serial, String subject, Instant notBefore, Instant notAfter) {
        return record(serial, subject, notBefore, notAfter, serial.shiftRight(152).intValue() == 0x40
                ? new DirectoryBinding(DirectoryObjectType.DEVICE, SerialNumbers.boundObject(serial)) : null, "api");
    }

    private static IssuedCertificate record(BigInteger serial, String subject, Instant notBefore, Instant notAfter, DirectoryBinding binding,
            String endpoint) {
        // Stand-in DER, different for each (the thumbprint is its SHA-1).
        byte[] der = new byte[100];
        new SecureRandom().nextBytes(der);
        der[0] = 0x30;
        IssuedCertificate certificate = new IssuedCertificate(serial, issuer, subject, List.of(), notBefore, notAfter, endpoint, "test",
                Optional.empty(), Optional.ofNullable(binding), Optional.empty(), der);
        server.core.storage().certificateStore().record(certificate);
        server.context.getBean(IssuedSerialIndex.class).refresh();
        return certificate;
    }

    private List<String> serials(String path) throws Exception {
        JsonNode page = get(path);
        List<String> serials = new java.util.ArrayList<>();
        page.path("items").forEach(item -> serials.add(item.path("serialNumber").asString()));
        return serials;
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = send("GET", path, manage, null);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private void put(String path, String json) throws Exception {
        assertThat(send("PUT", path, directory, json).statusCode()).isIn(200, 201);
    }

    private void delete(String path) throws Exception {
        assertThat(send("DELETE", path, directory, null).statusCode()).isIn(200, 204);
    }

    private HttpResponse<String> send(String method, String path, String token, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.url(path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .header("Authorization", "Bearer " + token);
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
