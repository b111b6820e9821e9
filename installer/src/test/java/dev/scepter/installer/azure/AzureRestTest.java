package dev.scepter.installer.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/** AzureRest's own rules, against a plain loopback server that answers what each test scripts. */
class AzureRestTest {

    private HttpServer server;
    private final List<String> seen = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private AzureRest rest(Consumer<HttpExchange> answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            answer.accept(exchange);
            exchange.close();
        });
        server.start();
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/arm");
        return new AzureRest(base, URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/graph"),
                request -> Mono.just(new AccessToken("test-token", OffsetDateTime.now().plusHours(1))),
                HttpClient.newHttpClient(), Duration.ofMillis(1), null);
    }

    private static void send(HttpExchange exchange, int status, String body, String... headers) {
        try {
            for (int i = 0; i < headers.length; i += 2) {
                exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anOperationWhoseStatusIsOnAnotherHostIsNotFollowedWithTheToken() throws Exception {
        AzureRest rest = rest(exchange -> send(exchange, 202, "", "Location", "https://elsewhere.example/status?op=1"));
        assertThatThrownBy(() -> rest.put(AzureRest.Api.ARM, "/subscriptions/s/x?api-version=1", AzureRest.object()))
                .isInstanceOf(AzureCallException.class).hasMessageContaining("another host");
        assertThat(seen).hasSize(1);
    }

    @Test
    void aListIsReadPageByPageButNeverFromAnotherHost() throws Exception {
        AzureRest rest = rest(exchange -> {
            String uri = exchange.getRequestURI().toString();
            int port = server.getAddress().getPort();
            if (uri.contains("page=2")) {
                send(exchange, 200, "{\"value\":[{\"n\":2}],\"nextLink\":\"https://elsewhere.example/arm/x?page=3\"}");
            } else {
                send(exchange, 200, "{\"value\":[{\"n\":1}],\"nextLink\":\"http://127.0.0.1:" + port + "/arm/x?api-version=1&page=2\"}");
            }
        });
        assertThatThrownBy(() -> rest.list(AzureRest.Api.ARM, "/x?api-version=1")).hasMessageContaining("outside this API");
        assertThat(seen).containsExactly("GET /arm/x?api-version=1", "GET /arm/x?api-version=1&page=2");
    }

    @Test
    void aListOfSeveralPagesIsReadWhole() throws Exception {
        AzureRest rest = rest(exchange -> {
            int port = server.getAddress().getPort();
            if (exchange.getRequestURI().toString().contains("skiptoken")) {
                send(exchange, 200, "{\"value\":[{\"n\":2},{\"n\":3}]}");
            } else {
                send(exchange, 200, "{\"value\":[{\"n\":1}],\"@odata.nextLink\":\"http://127.0.0.1:" + port + "/graph/v1.0/x?$skiptoken=abc\"}");
            }
        });
        List<JsonNode> items = rest.list(AzureRest.Api.GRAPH, "/v1.0/x");
        assertThat(items).extracting(n -> n.path("n").asInt()).containsExactly(1, 2, 3);
    }

    @Test
    void aPostIsRepeatedOnlyWhenItWasNotProcessed() throws Exception {
        AzureRest rest = rest(exchange -> send(exchange, 502, "{\"error\":{\"code\":\"BadGateway\",\"message\":\"upstream\"}}"));
        assertThatThrownBy(() -> rest.post(AzureRest.Api.GRAPH, "/v1.0/applications", AzureRest.object()))
                .isInstanceOf(AzureCallException.class).hasMessageContaining("BadGateway");
        assertThat(seen).as("a 502 may come after Graph created the app: no second POST").hasSize(1);

        seen.clear();
        assertThatThrownBy(() -> rest.get(AzureRest.Api.ARM, "/x?api-version=1")).hasMessageContaining("BadGateway");
        assertThat(seen).as("a GET is retried four times, then the error stands").hasSize(5);
    }
}
