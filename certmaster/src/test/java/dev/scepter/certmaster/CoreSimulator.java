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
    /** The continuation token of a search with {@code endpoint=paged}, whose second page is hostile to spreadsheets. */
    static final String SECOND_PAGE = "page-2";

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
        } else if (route.equals("GET /api/manage/search") && path.contains("continuationToken=" + SECOND_PAGE)) {
            // The second page of a paged search: fields a spreadsheet would run as formulas.
            String hostile = "{\"serialNumber\":\"ABC123\",\"subject\":\"=HYPERLINK(\\\"http://evil.example\\\")\",\"sans\":[\"dns:-x.example\"],"
                    + "\"issuanceDate\":\"2026-01-01T00:00:00Z\",\"expirationDate\":\"2026-02-01T00:00:00Z\",\"revocationDate\":null,"
                    + "\"revocationReason\":null,\"revokedBy\":null,\"requester\":\"@SUM(1+1)\",\"source\":\"+paged\","
                    + "\"certificateType\":\"Device\",\"boundObject\":{\"type\":\"DEVICE\",\"id\":\"d6b58414-60ed-426b-b382-276a3e8d626d\"}}";
            send(exchange, 200, "application/json", ("{\"items\":[" + hostile + "],\"continuationToken\":null}").getBytes(StandardCharsets.UTF_8));
        } else if (route.equals("GET /api/manage/search")) {
            String next = path.contains("endpoint=paged") ? "\"" + SECOND_PAGE + "\"" : "null";
            send(exchange, 200, "application/json", ("{\"items\":[" + item() + "],\"continuationToken\":" + next + "}")
                    .getBytes(StandardCharsets.UTF_8));
        } else if (route.equals("GET /api/manage/certificates/" + SERIAL)) {
            String status = revoked
                    ? "{\"ocspStatus\":\"revoked\",\"source\":\"MANUAL\",\"reasonCode\":1,\"reason\":\"keyCompromise\","
                            + "\"revokedBy\":\"admin through API user certmaster\",\"expired\":false,\"explanation\":\"Revoked by hand on"
                            + " 2026-06-01T00:00:00Z by admin through API user certmaster, reason keyCompromise. A manual revocation is final.\"}"
                    : "{\"ocspStatus\":\"good\",\"source\":\"UNBOUND\",\"expired\":false,\"explanation\":\"Good: bound to no device"
                            + " or user, so it stays good until it is revoked by hand or expires.\"}";
            String history = "[" + item().replace("}", ",\"replaces\":null,\"replacedBy\":null,\"renewalMissed\":false}") + "]";
            send(exchange, 200, "application/json", ("{\"certificate\":" + item() + ",\"status\":" + status + ",\"history\":" + history
                    + ",\"historyComplete\":true}").getBytes(StandardCharsets.UTF_8));
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

    private String item() {
        return "{\"serialNumber\":\"" + SERIAL + "\",\"subject\":\"CN=www.example.test\",\"sans\":[\"dns:www.example.test\"],"
                + "\"issuanceDate\":\"2026-01-01T00:00:00Z\",\"expirationDate\":\"2099-01-01T00:00:00Z\","
                + (revoked ? "\"revocationDate\":\"2026-06-01T00:00:00Z\",\"revocationReason\":1,\"revokedBy\":\"admin through API user certmaster\","
                        : "\"revocationDate\":null,\"revocationReason\":null,\"revokedBy\":null,")
                + "\"requester\":\"certmaster\",\"source\":\"api\",\"certificateType\":\"Static\",\"boundObject\":null}";
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
