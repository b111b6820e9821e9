package dev.scepter.certmaster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The core's HTTP API as Certificate Master calls it, on loopback: answers as the real one does
 * (problem+json for a refusal), and records what it was asked, with which bearer token.
 */
final class CoreSimulator implements AutoCloseable {

    record Call(String method, String pathAndQuery, String authorization, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    static final String SERIAL = "5CE97E";

    final List<Call> calls = new CopyOnWriteArrayList<>();
    volatile String csrProblem;
    volatile boolean revoked;
    private final HttpServer server;

    CoreSimulator() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    List<Call> calls(String method, String pathPrefix) {
        return calls.stream().filter(c -> c.method().equals(method) && c.pathAndQuery().startsWith(pathPrefix)).toList();
    }

    static byte[] resource(String name) {
        try (InputStream in = CoreSimulator.class.getResourceAsStream("/core/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String path = exchange.getRequestURI().getRawPath() + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
        calls.add(new Call(exchange.getRequestMethod(), path, exchange.getRequestHeaders().getFirst("Authorization"), body));
        String route = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
        if (route.equals("GET /ca")) {
            send(exchange, 200, "application/pkix-cert", resource("ca.cer"));
        } else if (route.equals("POST /api/csr")) {
            if (csrProblem != null) {
                problem(exchange, 400, csrProblem);
            } else {
                send(exchange, 200, "application/pkix-cert", resource("leaf.cer"));
            }
        } else if (route.equals("POST /api/manage/audit/sign-in")) {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        } else if (route.equals("GET /api/manage/audit")) {
            String events = "[{\"at\":\"2026-06-01T00:00:00Z\",\"actor\":\"admin through API user certmaster\",\"action\":\"certificate.revoke\","
                    + "\"target\":\"" + SERIAL + " reason 1\",\"outcome\":\"revoked\"},"
                    + "{\"at\":\"2026-05-01T00:00:00Z\",\"actor\":\"endpoint static (token x)\",\"action\":\"certificate.issue\","
                    + "\"target\":\"0B subject \\\"CN=<b>device</b>\\\"\",\"outcome\":\"success\"}]";
            send(exchange, 200, "application/json", events.getBytes(StandardCharsets.UTF_8));
        } else if (route.equals("GET /api/manage/search")) {
            String item = "{\"serialNumber\":\"" + SERIAL + "\",\"subject\":\"CN=www.example.test\",\"sans\":[\"dns:www.example.test\"],"
                    + "\"issuanceDate\":\"2026-01-01T00:00:00Z\",\"expirationDate\":\"2099-01-01T00:00:00Z\","
                    + (revoked ? "\"revocationDate\":\"2026-06-01T00:00:00Z\",\"revocationReason\":1,\"revokedBy\":\"admin through API user certmaster\","
                            : "\"revocationDate\":null,\"revocationReason\":null,\"revokedBy\":null,")
                    + "\"requester\":\"certmaster\",\"source\":\"api\",\"certificateType\":\"Static\"}";
            send(exchange, 200, "application/json", ("{\"items\":[" + item + "],\"continuationToken\":null}").getBytes(StandardCharsets.UTF_8));
        } else if (route.equals("PATCH /api/manage/revoke/" + SERIAL)) {
            if (revoked) {
                problem(exchange, 409, "The certificate is already revoked.");
            } else {
                revoked = true;
                send(exchange, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
            }
        } else {
            problem(exchange, 404, "Not found.");
        }
    }

    private static void problem(HttpExchange exchange, int status, String detail) throws IOException {
        send(exchange, status, "application/problem+json",
                ("{\"status\":" + status + ",\"detail\":\"" + detail + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
