package dev.scepter.azure.sim;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Microsoft Graph v1.0 as the OCSP directory reads it (ms_contracts.md 2.x): Entra ID devices by
 * device id, Intune managed devices by Intune id or by {@code $filter=azureADDeviceId eq '...'}
 * (paged with {@code @odata.nextLink}), users by object id or userPrincipalName, and JSON
 * {@code $batch} (at most 20 requests, each answered as the single call would be). Each call checks
 * the token's audience and the app roles Graph demands for it, through {@link SimTokens}. Faults:
 * the {@link SimServer}'s (throttling, down, silence), and 429s and 401s inside a batch.
 */
public final class GraphSimulator {

    /** Graph's limit of requests in one {@code $batch}. */
    public static final int BATCH_LIMIT = 20;
    static final Set<String> DEVICE_ROLES = Set.of("Device.Read.All", "Directory.Read.All");
    static final Set<String> MANAGED_DEVICE_ROLES = Set.of("DeviceManagementManagedDevices.Read.All",
            "DeviceManagementManagedDevices.ReadWrite.All");
    static final Set<String> USER_ROLES = Set.of("User.Read.All", "Directory.Read.All");
    /** What Graph returns for a user without {@code $select}: accountEnabled is not among them. */
    private static final List<String> USER_DEFAULT_PROPERTIES = List.of("id", "displayName", "userPrincipalName", "mail");

    /** An Entra ID device. */
    public static final class Device {
        public final UUID objectId = UUID.randomUUID();
        public final UUID deviceId;
        public volatile boolean accountEnabled = true;
        public volatile Boolean isCompliant;
        public volatile Instant registrationDateTime;
        public volatile String onPremisesSecurityIdentifier;
        /** Its registered owners' object ids: the users who registered or joined it (Graph's registeredOwners). */
        public final Set<UUID> registeredOwners = ConcurrentHashMap.newKeySet();

        Device(UUID deviceId, Instant registered) {
            this.deviceId = deviceId;
            this.registrationDateTime = registered;
        }

        Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", objectId.toString());
            json.put("deviceId", deviceId.toString());
            json.put("accountEnabled", accountEnabled);
            json.put("isCompliant", isCompliant);
            json.put("registrationDateTime", registrationDateTime == null ? null : registrationDateTime.toString());
            json.put("onPremisesSecurityIdentifier", onPremisesSecurityIdentifier);
            json.put("displayName", "DESKTOP-" + deviceId.toString().substring(0, 6).toUpperCase(Locale.ROOT));
            json.put("operatingSystem", "Windows");
            return json;
        }
    }

    /** An Intune managed device. */
    public static final class ManagedDevice {
        public final UUID id;
        public volatile UUID azureADDeviceId;
        public volatile String managementState = "managed";
        public volatile String complianceState = "compliant";
        public volatile Instant enrolledDateTime;
        /** Its primary user's object id; null for none, which Intune answers as an empty {@code userId}. */
        public volatile UUID userId;

        ManagedDevice(UUID id, UUID azureADDeviceId, Instant enrolled) {
            this.id = id;
            this.azureADDeviceId = azureADDeviceId;
            this.enrolledDateTime = enrolled;
        }

        Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", id.toString());
            json.put("azureADDeviceId", azureADDeviceId == null ? "00000000-0000-0000-0000-000000000000" : azureADDeviceId.toString());
            json.put("managementState", managementState);
            json.put("complianceState", complianceState);
            json.put("enrolledDateTime", enrolledDateTime == null ? null : enrolledDateTime.toString());
            json.put("userId", userId == null ? "" : userId.toString());
            json.put("deviceName", "device-" + id.toString().substring(0, 6));
            json.put("operatingSystem", "Windows");
            return json;
        }
    }

    /** An Entra ID user. */
    public static final class User {
        public final UUID id;
        public final String userPrincipalName;
        public volatile boolean accountEnabled = true;
        public volatile String onPremisesSecurityIdentifier;

        User(UUID id, String userPrincipalName) {
            this.id = id;
            this.userPrincipalName = userPrincipalName;
        }

        Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", id.toString());
            json.put("userPrincipalName", userPrincipalName);
            json.put("displayName", userPrincipalName);
            json.put("mail", userPrincipalName);
            json.put("accountEnabled", accountEnabled);
            json.put("onPremisesSecurityIdentifier", onPremisesSecurityIdentifier);
            return json;
        }
    }

    private static final Pattern USER = Pattern.compile("/v1\\.0/users/([^/()]+)");
    private static final Pattern DEVICE = Pattern.compile("/v1\\.0/devices\\(deviceId='([^']*)'\\)");
    private static final Pattern DEVICE_OWNERS = Pattern.compile("/v1\\.0/devices\\(deviceId='([^']*)'\\)/registeredOwners");
    private static final Pattern MANAGED_DEVICE = Pattern.compile("/v1\\.0/deviceManagement/managedDevices/([^/]+)");
    private static final Pattern MANAGED_DEVICES = Pattern.compile("/v1\\.0/deviceManagement/managedDevices");
    private static final Pattern FILTER = Pattern.compile("azureADDeviceId eq '([0-9a-fA-F-]{36})'");

    private final SimServer server;
    private final SimTokens tokens;
    private final String audience;
    private final java.util.function.Supplier<Instant> clock;
    private final Map<UUID, Device> devices = new ConcurrentHashMap<>();
    private final Map<UUID, ManagedDevice> managedDevices = new ConcurrentHashMap<>();
    private final Map<UUID, User> users = new ConcurrentHashMap<>();
    private final AtomicInteger throttleInnerNext = new AtomicInteger();
    private final AtomicInteger refuseInnerNext = new AtomicInteger();
    private final AtomicInteger batches = new AtomicInteger();
    private final AtomicInteger innerRequests = new AtomicInteger();
    private volatile long innerRetryAfterSeconds = 1;
    private volatile int pageSize = 100;
    private volatile Set<String> leftOut = Set.of();

    /**
     * Attaches Graph's routes to {@code server} (the Intune helper's service discovery may share the
     * host). The audience Graph's tokens must carry is the server's own URI, as a national cloud's
     * Graph endpoint is its tokens' audience.
     */
    public GraphSimulator(SimServer server, SimTokens tokens, java.util.function.Supplier<Instant> clock) {
        this.server = Objects.requireNonNull(server, "server");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.audience = server.uri().toString();
        server.route("POST", "/v1\\.0/\\$batch", this::batch);
        server.route("GET", "/v1\\.0/(users/.*|devices\\(.*|deviceManagement/managedDevices.*)",
                request -> answer("GET", request.path(), request.query(), request.header("Authorization")));
    }

    /** Graph's base, the msGraphEndpoint setting and its tokens' audience. */
    public String audience() {
        return audience;
    }

    public SimServer server() {
        return server;
    }

    // --- state -------------------------------------------------------------------------------

    public Device addDevice(UUID deviceId) {
        Device device = new Device(deviceId, clock.get());
        devices.put(deviceId, device);
        return device;
    }

    public ManagedDevice addManagedDevice(UUID intuneId, UUID azureADDeviceId) {
        ManagedDevice device = new ManagedDevice(intuneId, azureADDeviceId, clock.get());
        managedDevices.put(intuneId, device);
        return device;
    }

    public User addUser(UUID id, String userPrincipalName) {
        User user = new User(id, userPrincipalName);
        users.put(id, user);
        return user;
    }

    public Device device(UUID deviceId) {
        return Objects.requireNonNull(devices.get(deviceId), "no such device");
    }

    public ManagedDevice managedDevice(UUID intuneId) {
        return Objects.requireNonNull(managedDevices.get(intuneId), "no such managed device");
    }

    public User user(UUID id) {
        return Objects.requireNonNull(users.get(id), "no such user");
    }

    public void disableDevice(UUID deviceId) {
        device(deviceId).accountEnabled = false;
    }

    public void enableDevice(UUID deviceId) {
        device(deviceId).accountEnabled = true;
    }

    public void deleteDevice(UUID deviceId) {
        devices.remove(deviceId);
    }

    public void deleteManagedDevice(UUID intuneId) {
        managedDevices.remove(intuneId);
    }

    public void deleteUser(UUID id) {
        users.remove(id);
    }

    /** Intune's complianceState: compliant, noncompliant, inGracePeriod, unknown... */
    public void setCompliance(UUID intuneId, String complianceState) {
        managedDevice(intuneId).complianceState = complianceState;
    }

    /** Intune's managementState: managed, retirePending, wipeIssued... */
    public void setManagementState(UUID intuneId, String managementState) {
        managedDevice(intuneId).managementState = managementState;
    }

    // --- faults and counters -------------------------------------------------------------------

    /** The next {@code count} requests inside batches are answered 429 with {@code Retry-After: seconds}. */
    public void throttleInnerNext(int count, long retryAfterSeconds) {
        innerRetryAfterSeconds = retryAfterSeconds;
        throttleInnerNext.set(count);
    }

    /**
     * The next {@code count} requests inside batches are answered 401 {@code InvalidAuthenticationToken},
     * as a workload behind Graph answers a token it no longer accepts while the batch endpoint took it.
     */
    public void refuseInnerNext(int count) {
        refuseInnerNext.set(count);
    }

    /** Objects are answered without these properties, asked for or not (as an API version that does not have them). */
    public void leaveOut(String... properties) {
        leftOut = Set.of(properties);
    }

    /** Managed devices per page of a {@code $filter} answer. */
    public void pageSize(int pageSize) {
        this.pageSize = pageSize;
    }

    /** {@code $batch} calls so far. */
    public int batches() {
        return batches.get();
    }

    /** Requests answered inside batches so far. */
    public int innerRequests() {
        return innerRequests.get();
    }

    /** HTTP requests Graph received (batches count once), as the server recorded them. */
    public long calls() {
        return server.requests().stream().filter(r -> r.path().startsWith("/v1.0/")).count();
    }

    // --- the API -------------------------------------------------------------------------------

    private SimServer.Reply batch(SimServer.Request request) {
        batches.incrementAndGet();
        Optional<SimServer.Reply> refused = tokens.refuse(request, audience);
        if (refused.isPresent()) {
            return refused.get();
        }
        JsonNode requests = request.json().path("requests");
        if (!requests.isArray() || requests.isEmpty()) {
            return SimServer.Reply.error(400, "BadRequest", "Invalid batch payload format.");
        }
        if (requests.size() > BATCH_LIMIT) {
            return SimServer.Reply.error(400, "BadRequest", "The number of batch requests exceeds " + BATCH_LIMIT + ".");
        }
        List<Map<String, Object>> responses = new ArrayList<>();
        for (JsonNode inner : requests) {
            innerRequests.incrementAndGet();
            String id = inner.path("id").asString("");
            String method = inner.path("method").asString("");
            String url = inner.path("url").asString("");
            SimServer.Reply reply;
            if (id.isEmpty() || method.isEmpty() || !url.startsWith("/")) {
                reply = SimServer.Reply.error(400, "BadRequest", "Each batch request needs id, method and a relative url.");
            } else if (refuseInnerNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                reply = SimServer.Reply.error(401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.");
            } else if (throttleInnerNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                reply = SimServer.Reply.error(429, "TooManyRequests", "simulated throttling")
                        .withHeader("Retry-After", Long.toString(innerRetryAfterSeconds));
            } else {
                int q = url.indexOf('?');
                String path = "/v1.0" + (q < 0 ? url : url.substring(0, q));
                reply = answer(method, path, query(q < 0 ? null : url.substring(q + 1)), request.header("Authorization"));
            }
            Map<String, Object> response = new LinkedHashMap<>();
            response.put("id", id);
            response.put("status", reply.status());
            response.put("headers", reply.headers());
            response.put("body", reply.body().isEmpty() ? null : SimServer.JSON.readTree(reply.body()));
            responses.add(response);
        }
        // Graph does not promise the order of a batch's responses.
        java.util.Collections.reverse(responses);
        return SimServer.Reply.json(200, Map.of("responses", responses));
    }

    /** One call, as Graph answers it on its own or inside a batch. */
    private SimServer.Reply answer(String method, String rawPath, Map<String, String> query, String authorization) {
        String path = URLDecoder.decode(rawPath, StandardCharsets.UTF_8);
        if (!"GET".equals(method)) {
            return SimServer.Reply.error(405, "Request_BadRequest", "The simulator reads only.");
        }
        Matcher match;
        if ((match = DEVICE_OWNERS.matcher(path)).matches()) {
            return authorized(authorization, DEVICE_ROLES).orElseGet(() -> {
                Device device = guid(DEVICE_OWNERS.matcher(path)).map(devices::get).orElse(null);
                return device == null ? notFound(path) : owners(path, device, query);
            });
        }
        if ((match = DEVICE.matcher(path)).matches()) {
            return authorized(authorization, DEVICE_ROLES).orElseGet(() -> {
                Device device = guid(DEVICE.matcher(path)).map(devices::get).orElse(null);
                return device == null ? notFound(path) : SimServer.Reply.json(200, select(device.json(), query, null));
            });
        }
        if ((match = MANAGED_DEVICE.matcher(path)).matches()) {
            return authorized(authorization, MANAGED_DEVICE_ROLES).orElseGet(() -> {
                ManagedDevice device = guid(MANAGED_DEVICE.matcher(path)).map(managedDevices::get).orElse(null);
                // Intune's workloads behind Graph name a missing object with their own code, not the directory's.
                return device == null ? SimServer.Reply.error(404, "ResourceNotFound", "{\"_version\": 3, \"Message\": \"Resource not found\"}")
                        : SimServer.Reply.json(200, select(device.json(), query, null));
            });
        }
        if (MANAGED_DEVICES.matcher(path).matches()) {
            return authorized(authorization, MANAGED_DEVICE_ROLES).orElseGet(() -> filtered(query));
        }
        if ((match = USER.matcher(path)).matches()) {
            String key = match.group(1);
            return authorized(authorization, USER_ROLES).orElseGet(() -> {
                User user = users.values().stream().filter(u -> u.id.toString().equalsIgnoreCase(key)
                        || u.userPrincipalName.equalsIgnoreCase(key)).findFirst().orElse(null);
                return user == null ? notFound(path) : SimServer.Reply.json(200, select(user.json(), query, USER_DEFAULT_PROPERTIES));
            });
        }
        return SimServer.Reply.error(400, "BadRequest", "Resource not found for the segment '" + path + "'.");
    }

    /**
     * A device's registeredOwners, a page of directoryObjects at a time: users that exist (a deleted
     * user is no longer among them), each with its {@code @odata.type}, {@code $select} applied.
     */
    private SimServer.Reply owners(String path, Device device, Map<String, String> query) {
        List<User> all = device.registeredOwners.stream().map(users::get).filter(Objects::nonNull)
                .sorted(java.util.Comparator.comparing(u -> u.id)).toList();
        int skip = Integer.parseInt(query.getOrDefault("$skiptoken", "0"));
        List<User> page = all.subList(Math.min(skip, all.size()), Math.min(skip + pageSize, all.size()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("@odata.context", audience + "/v1.0/$metadata#directoryObjects");
        body.put("value", page.stream().map(u -> {
            Map<String, Object> owner = new LinkedHashMap<>();
            owner.put("@odata.type", "#microsoft.graph.user");
            owner.putAll(select(u.json(), query, USER_DEFAULT_PROPERTIES));
            return owner;
        }).toList());
        if (skip + pageSize < all.size()) {
            body.put("@odata.nextLink", audience + path.replace("'", "%27")
                    + (query.containsKey("$select") ? "?$select=" + query.get("$select") + "&" : "?") + "$skiptoken=" + (skip + pageSize));
        }
        return SimServer.Reply.json(200, body);
    }

    private SimServer.Reply filtered(Map<String, String> query) {
        String filter = query.get("$filter");
        Matcher match = filter == null ? null : FILTER.matcher(filter);
        if (match == null || !match.matches()) {
            return SimServer.Reply.error(400, "BadRequest", "The simulator filters managed devices by azureADDeviceId eq '<guid>' only.");
        }
        UUID entraId = UUID.fromString(match.group(1));
        List<ManagedDevice> all = managedDevices.values().stream().filter(d -> entraId.equals(d.azureADDeviceId))
                .sorted(java.util.Comparator.comparing(d -> d.id)).toList();
        int skip = Integer.parseInt(query.getOrDefault("$skiptoken", "0"));
        List<ManagedDevice> page = all.subList(Math.min(skip, all.size()), Math.min(skip + pageSize, all.size()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("@odata.context", audience + "/v1.0/$metadata#deviceManagement/managedDevices");
        body.put("value", page.stream().map(d -> select(d.json(), query, null)).toList());
        if (skip + pageSize < all.size()) {
            body.put("@odata.nextLink", audience + "/v1.0/deviceManagement/managedDevices?$filter="
                    + java.net.URLEncoder.encode(filter, StandardCharsets.UTF_8).replace("+", "%20")
                    + (query.containsKey("$select") ? "&$select=" + query.get("$select") : "") + "&$skiptoken=" + (skip + pageSize));
        }
        return SimServer.Reply.json(200, body);
    }

    private Optional<SimServer.Reply> authorized(String authorization, Set<String> roles) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (authorization != null) {
            headers.put("Authorization", authorization);
        }
        com.sun.net.httpserver.Headers all = new com.sun.net.httpserver.Headers();
        headers.forEach(all::add);
        SimServer.Request asked = new SimServer.Request("GET", "", Map.of(), all, new byte[0], null);
        return tokens.refuse(asked, audience, roles.toArray(String[]::new));
    }

    private static Optional<UUID> guid(Matcher match) {
        if (!match.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(match.group(1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static SimServer.Reply notFound(String path) {
        return SimServer.Reply.error(404, "Request_ResourceNotFound",
                "Resource '" + path.substring(path.lastIndexOf('/') + 1) + "' does not exist or one of its queried reference-property objects are not present.");
    }

    /** {@code $select}: only the properties named (Graph adds none); without it, the default set when there is one. */
    private Map<String, Object> select(Map<String, Object> json, Map<String, String> query, List<String> defaults) {
        json.keySet().removeAll(leftOut);
        String select = query.get("$select");
        List<String> names = select != null ? Arrays.stream(select.split(",")).map(String::trim).toList() : defaults;
        if (names == null) {
            return json;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String name : names) {
            if (json.containsKey(name)) {
                out.put(name, json.get(name));
            }
        }
        return out;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            query.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }

    @Override
    public String toString() {
        return "GraphSimulator[" + devices.size() + " devices, " + managedDevices.size() + " managed devices, " + users.size() + " users: "
                + users.values().stream().map(u -> u.userPrincipalName).collect(Collectors.joining(",")) + "]";
    }
}
