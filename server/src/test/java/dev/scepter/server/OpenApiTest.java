package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.token.ApiRole;
import dev.scepter.server.security.ApiRoute;
import dev.scepter.server.security.ApiRoutes;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The OpenAPI document at /openapi.json: served without a token, and it names every API route with the roles the route table gives it. */
class OpenApiTest {

    private static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyApiRouteIsInTheDocumentWithItsRolesAndNothingElseIs() throws Exception {
        HttpResponse<byte[]> response = server.get("/openapi.json");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode document = JsonMapper.builder().build().readTree(response.body());
        assertThat(document.path("openapi").asString()).startsWith("3.");
        JsonNode paths = document.path("paths");

        for (ApiRoute route : ApiRoutes.all()) {
            JsonNode operation = paths.path(route.pattern()).path(route.method().name().toLowerCase(Locale.ROOT));
            assertThat(operation.isObject()).as("%s %s is in the OpenAPI document", route.method(), route.pattern()).isTrue();
            String roles = route.roles().stream().map(ApiRole::value).sorted().collect(Collectors.joining(", "));
            assertThat(operation.path("description").asString()).as("roles of %s %s", route.method(), route.pattern())
                    .contains("Roles (any of): " + roles + ".");
            assertThat(operation.path("security").toString()).contains("bearer");
        }
        paths.propertyNames().forEach(path -> assertThat(path).as("only /api routes are documented").startsWith("/api/"));
        long documented = paths.valueStream().mapToLong(item -> item.propertyNames().stream().filter(m -> !m.equals("parameters")).count()).sum();
        assertThat(documented).as("one operation per route of the route table").isEqualTo(ApiRoutes.all().size());
        assertThat(document.path("components").path("securitySchemes").path("bearer").path("scheme").asString()).isEqualTo("bearer");
        // The answers the API really gives (ApiTest, ServerOptionsTest), not springdoc's guess of 200 for all.
        assertThat(paths.path("/api/challenges").path("post").path("responses").propertyNames()).contains("201", "409").doesNotContain("200");
        assertThat(paths.path("/api/csr").path("post").path("responses").path("200").path("content").has("application/pkix-cert")).isTrue();
        assertThat(paths.path("/api/manage/search").path("get").path("responses").path("401").path("content").has("application/problem+json"))
                .isTrue();
    }

    @Test
    void theHomepageLinksIt() throws Exception {
        assertThat(server.text("/")).contains("href=\"/openapi.json\"");
    }
}
