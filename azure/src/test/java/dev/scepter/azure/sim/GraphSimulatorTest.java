package dev.scepter.azure.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The Graph simulator follows Graph's documented contract: roles per call, $select, $filter paging, $batch. */
class GraphSimulatorTest {

    private final SimTls tls = SimTls.generate();
    private final SimServer server = SimServer.start("graph", tls);
    private final SimTokens tokens = new SimTokens(Instant::now);
    private final GraphSimulator graph = new GraphSimulator(server, tokens, Instant::now);
    private final HttpClient http = HttpClient.newBuilder().sslContext(tls.clientContext()).connectTimeout(Duration.ofSeconds(2)).build();
    private final String token = tokens.mint("app", graph.audience(), Duration.ofMinutes(10));

    @AfterEach
    void close() {
        server.close();
    }

    private JsonNode get(String pathAndQuery, int status) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(graph.audience() + pathAndQuery))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(pathAndQuery + ": " + response.body()).isEqualTo(status);
        return SimServer.JSON.readTree(response.body());
    }

    private JsonNode post(String path, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(graph.audience() + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return ((tools.jackson.databind.node.ObjectNode) SimServer.JSON.readTree(response.body())).put("status", response.statusCode());
    }

    @Test
    void eachCallNeedsItsOwnRoleAndAUserShowsAccountEnabledOnlyWhenSelected() throws Exception {
        UUID user = UUID.randomUUID();
        graph.addUser(user, "ada@contoso.example");
        assertThat(get("/v1.0/users/" + user, 403).path("error").path("code").asString()).isEqualTo("Authorization_RequestDenied");
        tokens.grant("app", graph.audience(), "User.Read.All");
        assertThat(get("/v1.0/users/" + user, 200).has("accountEnabled")).as("not in the default set").isFalse();
        assertThat(get("/v1.0/users/" + user + "?$select=id,accountEnabled", 200).path("accountEnabled").asBoolean()).isTrue();
        get("/v1.0/devices(deviceId='" + UUID.randomUUID() + "')", 403);
        tokens.grant("app", graph.audience(), "Device.Read.All");
        assertThat(get("/v1.0/devices(deviceId='" + UUID.randomUUID() + "')", 404).path("error").path("code").asString())
                .isEqualTo("Request_ResourceNotFound");
        get("/v1.0/deviceManagement/managedDevices/" + UUID.randomUUID(), 403);
    }

    @Test
    void aFilterOnAzureAdDeviceIdIsPagedWithNextLinks() throws Exception {
        tokens.grant("app", graph.audience(), "DeviceManagementManagedDevices.Read.All");
        UUID entra = UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            graph.addManagedDevice(UUID.randomUUID(), entra);
        }
        graph.addManagedDevice(UUID.randomUUID(), UUID.randomUUID());
        graph.pageSize(2);
        int seen = 0;
        JsonNode page = get("/v1.0/deviceManagement/managedDevices?$filter=azureADDeviceId%20eq%20'" + entra + "'&$select=id", 200);
        while (true) {
            seen += page.path("value").size();
            String next = page.path("@odata.nextLink").asString("");
            if (next.isEmpty()) {
                break;
            }
            page = get(next.substring(graph.audience().length()), 200);
        }
        assertThat(seen).isEqualTo(5);
        get("/v1.0/deviceManagement/managedDevices?$filter=deviceName%20eq%20'x'", 400);
    }

    @Test
    void aBatchAnswersEachRequestAsTheSingleCallWouldAndTakesAtMostTwenty() throws Exception {
        tokens.grant("app", graph.audience(), "Device.Read.All");
        UUID device = UUID.randomUUID();
        graph.addDevice(device).accountEnabled = false;
        graph.throttleInnerNext(1, 7);
        JsonNode answer = post("/v1.0/$batch", "{\"requests\":["
                + "{\"id\":\"a\",\"method\":\"GET\",\"url\":\"/users/" + UUID.randomUUID() + "\"},"
                + "{\"id\":\"b\",\"method\":\"GET\",\"url\":\"/devices(deviceId='" + device + "')?$select=accountEnabled\"},"
                + "{\"id\":\"c\",\"method\":\"GET\",\"url\":\"/users/" + UUID.randomUUID() + "\"}]}");
        assertThat(answer.path("status").asInt()).isEqualTo(200);
        for (JsonNode inner : answer.path("responses")) {
            switch (inner.path("id").asString()) {
                case "a" -> {
                    assertThat(inner.path("status").asInt()).isEqualTo(429);
                    assertThat(inner.path("headers").path("Retry-After").asString()).isEqualTo("7");
                }
                case "b" -> assertThat(inner.path("body").path("accountEnabled").asBoolean(true)).isFalse();
                case "c" -> assertThat(inner.path("status").asInt()).as("no User.Read.All").isEqualTo(403);
                default -> throw new AssertionError(inner);
            }
        }
        StringBuilder many = new StringBuilder("{\"requests\":[");
        for (int i = 0; i < 21; i++) {
            many.append(i == 0 ? "" : ",").append("{\"id\":\"").append(i).append("\",\"method\":\"GET\",\"url\":\"/users/x\"}");
        }
        assertThat(post("/v1.0/$batch", many.append("]}").toString()).path("status").asInt()).isEqualTo(400);
        assertThat(graph.batches()).isEqualTo(2);
    }
}
