package dev.scepter.installer.azure.sim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A stateful HTTPS simulator of Azure Resource Manager and Microsoft Graph, for the calls the
 * installer's azure target makes, on 127.0.0.1 only. Tests seed it (subscriptions, sites, users
 * and their rights), point the client under test at {@link #armBaseUri()} and
 * {@link #graphBaseUri()} with {@link #sslContext()}, inject faults, and assert on its state and
 * its request log.
 *
 * <p>Every request is served under one lock, in this order: authentication (401), api-version
 * (ARM, 400), injected failures, then the API's own checks (403, 404, 400, 409) before any
 * change of state. A 500 is always a bug of the simulator.
 */
public final class AzureSimulator implements AutoCloseable {

    static {
        // The JDK server writes headers and body apart; with Nagle's algorithm each answer waits
        // for the client's delayed ACK (about 40 ms). Read once, when the server classes load.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    public static final String MICROSOFT_GRAPH_APP_ID = GraphApi.MICROSOFT_GRAPH_APP_ID;
    public static final String INTUNE_APP_ID = GraphApi.INTUNE_APP_ID;

    /** One call served by ARM or Graph; {@code path} includes {@code /arm} or {@code /graph}. */
    public record Call(String method, String path, String query, int status, String user) {

        /** Whether the call may have changed something (the settings list is a POST that reads). */
        public boolean write() {
            return !method.equals("GET") && !(method.equals("POST") && path.endsWith("/config/appsettings/list"));
        }
    }

    /** A failure injected with {@link #failNext}, served while {@code remaining} lasts. */
    private static final class Failure {
        final String method;
        final Pattern path;
        final SimError error;
        int remaining;

        Failure(String method, Pattern path, SimError error, int remaining) {
            this.method = method;
            this.path = path;
            this.error = error;
            this.remaining = remaining;
        }
    }

    /** A token, valid for one API only. */
    private record Session(SimUser user, Api api) {
    }

    private static final String TOKEN_PATH = "/sim/token";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Object lock = new Object();
    private final Directory directory = new Directory();
    private final ArmApi arm = new ArmApi(lock, directory);
    private final GraphApi graph = new GraphApi(directory);
    private final Map<String, Session> sessions = new HashMap<>();
    private final List<Call> calls = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();
    private final SimTls tls = SimTls.generate();
    private final ExecutorService executor;
    private final HttpsServer server;
    private final URI baseUri;

    /** Starts the simulator on a free port of 127.0.0.1. */
    public AzureSimulator() {
        try {
            server = HttpsServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the simulator", e);
        }
        server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
        server.createContext("/", this::serve);
        executor = Executors.newFixedThreadPool(8, runnable -> {
            Thread thread = new Thread(runnable, "azure-simulator");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.start();
        baseUri = URI.create("https://127.0.0.1:" + server.getAddress().getPort());
        arm.baseUri(armBaseUri().toString());
    }

    // ---- where it is ----

    /** {@code https://127.0.0.1:PORT}, where {@code /sim/token} is. */
    public URI baseUri() {
        return baseUri;
    }

    public URI armBaseUri() {
        return URI.create(baseUri + Api.ARM.prefix());
    }

    public URI graphBaseUri() {
        return URI.create(baseUri + Api.GRAPH.prefix());
    }

    /** Trusts the simulator's self-signed certificate (and nothing else). */
    public SSLContext sslContext() {
        return tls.clientContext();
    }

    public String tenantId() {
        return directory.tenantId();
    }

    // ---- identities and tokens ----

    public SimUser addUser(String upn) {
        synchronized (lock) {
            SimUser user = new SimUser(lock, arm, upn);
            directory.addUser(user);
            return user;
        }
    }

    /**
     * A token for the user, valid for the API of {@code scope}: {@code {armBaseUri}/.default} or
     * {@code {graphBaseUri}/.default}. Throws IllegalArgumentException for an unknown user or scope.
     */
    public String token(String upn, String scope) {
        synchronized (lock) {
            SimUser user = directory.user(upn);
            if (user == null) {
                throw new IllegalArgumentException("unknown user: " + upn);
            }
            Api api = apiOfScope(scope);
            if (api == null) {
                throw new IllegalArgumentException("not a scope of the simulator: " + scope);
            }
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            sessions.put(token, new Session(user, api));
            return token;
        }
    }

    /** A credential that signs the user in through the simulator's token endpoint. */
    public SimulatorCredential credential(String upn) {
        return new SimulatorCredential(baseUri, sslContext(), upn);
    }

    // ---- request log and fault injection ----

    public List<Call> requests() {
        synchronized (lock) {
            return List.copyOf(calls);
        }
    }

    /** The calls that may have changed state: not GETs, and not the app settings list. */
    public List<Call> writes() {
        synchronized (lock) {
            return calls.stream().filter(Call::write).toList();
        }
    }

    public void clearRequests() {
        synchronized (lock) {
            calls.clear();
        }
    }

    /**
     * Makes the next {@code times} calls with this method (any method when null) whose whole path,
     * including {@code /arm} or {@code /graph}, matches {@code pathRegex} fail with the given error,
     * before they change anything. A 429 or 503 comes with {@code Retry-After: 0}.
     */
    public void failNext(String method, String pathRegex, int status, String code, String message, int times) {
        Map<String, String> headers = status == 429 || status == 503 ? Map.of("Retry-After", "0") : Map.of();
        synchronized (lock) {
            failures.add(new Failure(method, Pattern.compile(pathRegex), new SimError(status, code, message, headers),
                    times));
        }
    }

    public void clearFailures() {
        synchronized (lock) {
            failures.clear();
        }
    }

    /**
     * Every service principal created from now on (an application's or a managed identity's) is
     * not found by the first {@code calls} requests that name it as the principal of a role
     * assignment (ARM) or app role assignment (Graph), as when the directory has not replicated it.
     */
    public void replicationDelay(int calls) {
        synchronized (lock) {
            directory.replicationDelay(calls);
        }
    }

    // ---- seeding ----

    public void addSubscription(String id, String displayName) {
        synchronized (lock) {
            arm.addSubscription(id, displayName);
        }
    }

    /** A site on a plan of its own ({@code {name}-plan}). The subscription must have been added. */
    public SimSite addWebApp(String subscriptionId, String resourceGroup, String name, String location, boolean linux) {
        synchronized (lock) {
            return arm.addWebApp(subscriptionId, resourceGroup, name, location, linux);
        }
    }

    public SimKeyVault addKeyVault(String subscriptionId, String resourceGroup, String name, boolean rbac) {
        synchronized (lock) {
            return arm.addKeyVault(subscriptionId, resourceGroup, name, rbac);
        }
    }

    public SimStorageAccount addStorageAccount(String subscriptionId, String resourceGroup, String name) {
        synchronized (lock) {
            return arm.addStorageAccount(subscriptionId, resourceGroup, name);
        }
    }

    /** Whether the tenant has the Intune API's service principal (it has by default). */
    public AzureSimulator withIntune(boolean present) {
        synchronized (lock) {
            graph.intune(present);
        }
        return this;
    }

    // ---- state, for assertions ----

    /** The site; null when there is none. */
    public SimSite site(String subscriptionId, String resourceGroup, String name) {
        synchronized (lock) {
            return arm.site(subscriptionId, resourceGroup, name);
        }
    }

    /** The slot; null when the site or the slot does not exist. */
    public SimSite slot(String subscriptionId, String resourceGroup, String name, String slot) {
        SimSite site = site(subscriptionId, resourceGroup, name);
        return site == null ? null : site.slot(slot);
    }

    /** The vault; null when there is none. */
    public SimKeyVault keyVault(String name) {
        synchronized (lock) {
            return arm.keyVault(name);
        }
    }

    public List<SimStorageAccount> storageAccounts() {
        synchronized (lock) {
            return arm.storageAccounts();
        }
    }

    /** The role assignments made through ARM (the rights given with grantArmRole are not listed). */
    public List<RoleAssignment> roleAssignments() {
        synchronized (lock) {
            return arm.roleAssignments();
        }
    }

    /** Copies of the applications, as Graph shows them. */
    public List<JsonNode> applications() {
        synchronized (lock) {
            return graph.applications();
        }
    }

    /** The service principal as Graph shows it; null when there is none. */
    public JsonNode servicePrincipalByAppId(String appId) {
        synchronized (lock) {
            return graph.servicePrincipalByAppId(appId);
        }
    }

    /** The appRoleIds assigned to the principal. */
    public List<String> appRoleAssignments(String principalId) {
        synchronized (lock) {
            return graph.appRoleAssignments(principalId);
        }
    }

    /** A consent for all users that an admin gave earlier, to a client for a resource's scopes. */
    public void addPermissionGrant(String clientId, String resourceId, String scope) {
        synchronized (lock) {
            graph.seedPermissionGrant(clientId, resourceId, scope);
        }
    }

    public List<PermissionGrant> oauth2PermissionGrants() {
        synchronized (lock) {
            return graph.permissionGrants();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- serving ----

    private void serve(HttpExchange exchange) throws IOException {
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String path = exchange.getRequestURI().getPath();
            Map<String, String> query = parseQuery(exchange.getRequestURI().getRawQuery());
            SimResponse response;
            if (path.equals(TOKEN_PATH)) {
                response = tokenEndpoint(method, body);
            } else {
                response = serveApi(method, path, exchange.getRequestURI().getQuery(), query, body,
                        exchange.getRequestHeaders().getFirst("Authorization"));
            }
            send(exchange, response);
        } catch (RuntimeException bug) {
            send(exchange, new SimResponse(500, Json.error("InternalServerError",
                    "Simulator bug: " + bug), Map.of()));
        } finally {
            exchange.close();
        }
    }

    private SimResponse serveApi(String method, String path, String decodedQuery, Map<String, String> query,
            byte[] body, String authorization) {
        Api api = Api.of(path);
        synchronized (lock) {
            SimUser caller = null;
            SimResponse response;
            try {
                if (api == null) {
                    throw new SimError(404, "NotFound", "Nothing of the simulator is at " + path + ".");
                }
                caller = authenticate(api, authorization);
                if (api == Api.ARM && query.get("api-version") == null) {
                    throw new SimError(400, "MissingApiVersionParameter",
                            "The api-version query parameter (?api-version=) is required for all requests.");
                }
                injectedFailure(method, path);
                SimRequest request = new SimRequest(api, method, path.substring(api.prefix().length()), query, body,
                        caller);
                response = api == Api.ARM ? arm.handle(request) : graph.handle(request);
            } catch (SimError error) {
                response = error.toResponse();
            } catch (InvalidBody invalid) {
                response = new SimError(400, api.invalidContentCode(), invalid.getMessage()).toResponse();
            }
            calls.add(new Call(method, path, decodedQuery, response.status(), caller == null ? null : caller.upn()));
            return response;
        }
    }

    private SimUser authenticate(Api api, String authorization) {
        String token = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null;
        Session session = token == null ? null : sessions.get(token);
        if (session != null && session.api() == api) {
            return session.user();
        }
        String message;
        if (api == Api.ARM) {
            message = "The access token is invalid.";
        } else if (token == null) {
            message = "Access token is empty.";
        } else if (session != null) {
            message = "Access token validation failure. Invalid audience.";
        } else {
            message = "Access token validation failure.";
        }
        throw new SimError(401, "InvalidAuthenticationToken", message);
    }

    private void injectedFailure(String method, String path) {
        for (Failure failure : failures) {
            if (failure.remaining > 0 && (failure.method == null || failure.method.equalsIgnoreCase(method))
                    && failure.path.matcher(path).matches()) {
                failure.remaining--;
                throw failure.error;
            }
        }
    }

    /**
     * The simulator's sign-in: a form with {@code username} and {@code scope}. Errors are in the
     * OAuth 2.0 shape of Entra's token endpoint, not ARM's or Graph's.
     */
    private SimResponse tokenEndpoint(String method, byte[] body) {
        if (!method.equals("POST")) {
            return new SimResponse(405, oauthError("invalid_request", "The token endpoint takes POST."), Map.of());
        }
        Map<String, String> form = parseQuery(new String(body, StandardCharsets.UTF_8));
        String upn = form.get("username");
        String scope = form.get("scope");
        synchronized (lock) {
            if (directory.user(upn) == null) {
                return new SimResponse(400, oauthError("invalid_grant", "The user account " + upn
                        + " does not exist in the " + tenantId() + " directory."), Map.of());
            }
            if (apiOfScope(scope) == null) {
                return new SimResponse(400, oauthError("invalid_scope",
                        "The provided value for the input parameter 'scope' is not valid: " + scope), Map.of());
            }
            ObjectNode json = Json.object();
            json.put("access_token", token(upn, scope));
            json.put("token_type", "Bearer");
            json.put("expires_in", 3600);
            return SimResponse.ok(json);
        }
    }

    private Api apiOfScope(String scope) {
        if ((armBaseUri() + "/.default").equals(scope)) {
            return Api.ARM;
        }
        if ((graphBaseUri() + "/.default").equals(scope)) {
            return Api.GRAPH;
        }
        return null;
    }

    private static ObjectNode oauthError(String error, String description) {
        ObjectNode json = Json.object();
        json.put("error", error);
        json.put("error_description", description);
        return json;
    }

    /** Splits before decoding, so that an encoded '&' or '=' inside a value stays in it. */
    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> parameters = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return parameters;
        }
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            try {
                parameters.put(URLDecoder.decode(name, StandardCharsets.UTF_8),
                        URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException badEscape) {
                parameters.put(name, value);
            }
        }
        return parameters;
    }

    private static void send(HttpExchange exchange, SimResponse response) throws IOException {
        response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        if (response.body() == null) {
            exchange.sendResponseHeaders(response.status(), -1);
            return;
        }
        byte[] bytes = Json.MAPPER.writeValueAsBytes(response.body());
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(response.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
