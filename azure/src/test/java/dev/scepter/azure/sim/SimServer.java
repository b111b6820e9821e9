package dev.scepter.azure.sim;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * The HTTPS server under every simulator here (Entra ID's token endpoint, Microsoft Graph, Intune,
 * Jamf Pro): listens on 127.0.0.1 only, routes by method and path, records what it was asked, and
 * takes faults: throttling (429 or 503 with {@code Retry-After}), silence (no answer until the
 * client gives up) and being down (the connection closed without an answer).
 */
public final class SimServer implements AutoCloseable {

    public static final ObjectMapper JSON = JsonMapper.builder().build();

    /** One request as it came. */
    public record Request(String method, String path, Map<String, String> query, Headers headers, byte[] body, Matcher match) {
        public String header(String name) {
            return headers.getFirst(name);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The body as JSON; {@link MissingNode} when it is not. */
        public JsonNode json() {
            try {
                return body.length == 0 ? MissingNode.getInstance() : JSON.readTree(body);
            } catch (RuntimeException e) {
                return MissingNode.getInstance();
            }
        }

        /** A path group of the route's pattern. */
        public String group(int index) {
            return match.group(index);
        }
    }

    /** An answer. */
    public record Reply(int status, Map<String, String> headers, String body) {
        public static Reply json(int status, Object body) {
            return new Reply(status, Map.of("Content-Type", "application/json"), JSON.writeValueAsString(body));
        }

        public static Reply empty(int status) {
            return new Reply(status, Map.of(), "");
        }

        /** Graph's and Intune's error shape. */
        public static Reply error(int status, String code, String message) {
            return json(status, Map.of("error", Map.of("code", code, "message", message)));
        }

        public Reply withHeader(String name, String value) {
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.put(name, value);
            return new Reply(status, all, body);
        }
    }

    @FunctionalInterface
    public interface Handler {
        Reply handle(Request request) throws Exception;
    }

    private record Route(String method, Pattern path, Handler handler) {
    }

    private final String name;
    private final HttpsServer server;
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger throttleNext = new AtomicInteger();
    private volatile Reply throttle;
    private volatile boolean down;
    private final Map<String, Long> arrivals = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Duration silence = Duration.ZERO;

    private SimServer(String name, HttpsServer server) {
        this.name = name;
        this.server = server;
    }

    /** Starts on a free port of 127.0.0.1 with the given TLS identity. */
    public static SimServer start(String name, SimTls tls) {
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
            server.setExecutor(Executors.newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, name + "-simulator");
                thread.setDaemon(true);
                return thread;
            }));
            SimServer simulator = new SimServer(name, server);
            server.createContext("/", simulator::exchange);
            server.start();
            return simulator;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the " + name + " simulator", e);
        }
    }

    /** Answers {@code method} requests whose whole path matches {@code pathRegex}; the first matching route wins. */
    public SimServer route(String method, String pathRegex, Handler handler) {
        routes.add(new Route(method, Pattern.compile(pathRegex), handler));
        return this;
    }

    /** {@code https://127.0.0.1:<port>} */
    public URI uri() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Every request so far, oldest first. */
    public List<Request> requests() {
        return Collections.unmodifiableList(new ArrayList<>(requests));
    }

    /** The next {@code count} requests get {@code status} (429 or 503) with {@code Retry-After: seconds}. */
    public void throttleNext(int count, int status, long retryAfterSeconds) {
        throttle = Reply.error(status, status == 429 ? "TooManyRequests" : "ServiceUnavailable", "simulated throttling")
                .withHeader("Retry-After", Long.toString(retryAfterSeconds));
        throttleNext.set(count);
    }

    /** While down, every connection is closed without an answer. */
    public void down(boolean down) {
        this.down = down;
    }

    /** Every answer waits this long first (a service that does not answer in time). */
    public void silence(Duration silence) {
        this.silence = silence;
    }

    /**
     * How many requests for this path arrived, answered or not: unlike {@link #requests()}, it
     * counts those a silent or down service never answers.
     */
    public long arrivals(String path) {
        return arrivals.getOrDefault(path, 0L);
    }

    private void exchange(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getRawPath();
            arrivals.merge(path, 1L, Long::sum);
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            if (down) {
                return; // closed without a status line
            }
            if (!silence.isZero()) {
                Thread.sleep(silence.toMillis());
            }
            Reply reply = null;
            Matcher matched = null;
            if (throttleNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                reply = throttle;
            }
            for (Route route : routes) {
                Matcher match = route.path().matcher(URLDecoder.decode(path, StandardCharsets.UTF_8));
                if (route.method().equals(exchange.getRequestMethod()) && match.matches()) {
                    matched = match;
                    requests.add(new Request(exchange.getRequestMethod(), path, query, exchange.getRequestHeaders(), body, match));
                    if (reply == null) {
                        reply = route.handler().handle(requests.get(requests.size() - 1));
                    }
                    break;
                }
            }
            if (matched == null) {
                requests.add(new Request(exchange.getRequestMethod(), path, query, exchange.getRequestHeaders(), body, null));
                if (reply == null) {
                    reply = Reply.error(404, "NotFound", name + " simulator has no " + exchange.getRequestMethod() + " " + path);
                }
            }
            byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
            reply.headers().forEach(exchange.getResponseHeaders()::set);
            exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream stream = exchange.getResponseBody()) {
                    stream.write(out);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // A simulator bug shows as a 500 naming it, never as a hang.
            byte[] out = ("{\"error\":{\"code\":\"SimulatorBug\",\"message\":\"" + e.toString().replace("\"", "'") + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(500, out.length);
            exchange.getResponseBody().write(out);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            query.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
