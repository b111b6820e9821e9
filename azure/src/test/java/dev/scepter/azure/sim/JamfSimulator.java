package dev.scepter.azure.sim;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jamf Pro as its API documents it, stateful: computers, mobile devices and users, each numbered by
 * Jamf Pro from 1 up and never reused; API clients (OAuth 2.0 client credentials at
 * {@code POST /api/oauth/token}, answering {@code access_token} and {@code expires_in}) and user
 * accounts (HTTP Basic at {@code POST /api/v1/auth/token}, answering {@code token} and an ISO-8601
 * {@code expires}); tokens that expire; privileges per principal (Read Computers, Read Mobile
 * Devices, Read Users: 403 without). The inventory:
 * {@code GET /api/v1/computers-inventory[/{id}]}, {@code GET /api/v2/mobile-devices/{id}},
 * {@code GET /api/v2/mobile-devices/detail} (RSQL {@code filter=udid=="..."}, {@code page},
 * {@code page-size}, {@code totalCount} and {@code results}), and the Classic API's
 * {@code GET /JSSResource/users/id/{id}} and {@code /JSSResource/users/email/{email}} (JSON).
 * Faults through {@link #server()}: down, silence, throttling.
 */
public final class JamfSimulator implements AutoCloseable {

    public static final String READ_COMPUTERS = "Read Computers";
    public static final String READ_MOBILE_DEVICES = "Read Mobile Devices";
    public static final String READ_USERS = "Read Users";
    public static final Set<String> ALL_READ = Set.of(READ_COMPUTERS, READ_MOBILE_DEVICES, READ_USERS);

    public record Computer(long id, String udid, String name) {
    }

    public record MobileDevice(long id, String udid, String name) {
    }

    public record User(long id, String name, String email) {
    }

    private record Principal(String secret, Duration lifetime, Set<String> privileges) {
    }

    private record Issued(String principal, Instant expiresAt, Set<String> privileges) {
    }

    private static final Pattern UDID_FILTER = Pattern.compile("udid==\"?([^\"]*)\"?");

    private final SimServer server;
    private final Supplier<Instant> clock;
    private final Map<String, Principal> clients = new ConcurrentHashMap<>();
    private final Map<String, Principal> accounts = new ConcurrentHashMap<>();
    private final Map<String, Issued> tokens = new ConcurrentHashMap<>();
    private final Map<Long, Computer> computers = new ConcurrentSkipListMap<>();
    private final Map<Long, MobileDevice> mobileDevices = new ConcurrentSkipListMap<>();
    private final Map<Long, User> users = new ConcurrentSkipListMap<>();
    private final AtomicLong computerIds = new AtomicLong();
    private final AtomicLong mobileDeviceIds = new AtomicLong();
    private final AtomicLong userIds = new AtomicLong();
    private final AtomicLong tokensIssued = new AtomicLong();

    private JamfSimulator(SimServer server, Supplier<Instant> clock) {
        this.server = server;
        this.clock = clock;
    }

    public static JamfSimulator start(SimTls tls, Supplier<Instant> clock) {
        JamfSimulator jamf = new JamfSimulator(SimServer.start("jamf", tls), clock);
        jamf.server
                .route("POST", "/api/oauth/token", jamf::clientCredentials)
                .route("POST", "/api/v1/auth/token", jamf::basicToken)
                .route("GET", "/api/v1/computers-inventory/(\\d+)", r -> jamf.authorised(r, READ_COMPUTERS, () -> jamf.computer(r)))
                .route("GET", "/api/v1/computers-inventory", r -> jamf.authorised(r, READ_COMPUTERS, () -> jamf.computers(r)))
                .route("GET", "/api/v2/mobile-devices/detail", r -> jamf.authorised(r, READ_MOBILE_DEVICES, () -> jamf.mobileDevices(r)))
                .route("GET", "/api/v2/mobile-devices/(\\d+)", r -> jamf.authorised(r, READ_MOBILE_DEVICES, () -> jamf.mobileDevice(r)))
                .route("GET", "/JSSResource/users/id/(\\d+)", r -> jamf.authorised(r, READ_USERS, () -> jamf.userById(r)))
                .route("GET", "/JSSResource/users/email/(.+)", r -> jamf.authorised(r, READ_USERS, () -> jamf.usersByEmail(r)));
        return jamf;
    }

    public URI uri() {
        return server.uri();
    }

    /** The HTTPS server: its request log and its faults (down, silence, throttling). */
    public SimServer server() {
        return server;
    }

    /** An API client whose tokens live {@code lifetime}, with these privileges (its API roles'). */
    public void addApiClient(String clientId, String secret, Duration lifetime, Set<String> privileges) {
        clients.put(clientId, new Principal(secret, lifetime, Set.copyOf(privileges)));
    }

    /** A Jamf Pro user account for the legacy Basic-to-token exchange. */
    public void addAccount(String username, String password, Duration lifetime, Set<String> privileges) {
        accounts.put(username, new Principal(password, lifetime, Set.copyOf(privileges)));
    }

    /** How many tokens both flows have issued. */
    public long tokensIssued() {
        return tokensIssued.get();
    }

    /** Invalidates every token issued so far (a rotated client secret, an admin's sign-out). */
    public void invalidateTokens() {
        tokens.clear();
    }

    public Computer addComputer(String udid, String name) {
        Computer computer = new Computer(computerIds.incrementAndGet(), udid, name);
        computers.put(computer.id(), computer);
        return computer;
    }

    public MobileDevice addMobileDevice(String udid, String name) {
        MobileDevice device = new MobileDevice(mobileDeviceIds.incrementAndGet(), udid, name);
        mobileDevices.put(device.id(), device);
        return device;
    }

    public User addUser(String name, String email) {
        User user = new User(userIds.incrementAndGet(), name, email);
        users.put(user.id(), user);
        return user;
    }

    public void deleteComputer(long id) {
        computers.remove(id);
    }

    public void deleteMobileDevice(long id) {
        mobileDevices.remove(id);
    }

    public void deleteUser(long id) {
        users.remove(id);
    }

    private SimServer.Reply clientCredentials(SimServer.Request request) {
        Map<String, String> form = form(request.bodyText());
        Principal client = clients.get(form.getOrDefault("client_id", ""));
        if (!"client_credentials".equals(form.get("grant_type"))) {
            return SimServer.Reply.json(400, Map.of("error", "unsupported_grant_type"));
        }
        if (client == null || !client.secret().equals(form.get("client_secret"))) {
            return SimServer.Reply.json(401, Map.of("error", "invalid_client"));
        }
        String token = issue(form.get("client_id"), client);
        return SimServer.Reply.json(200, Map.of("access_token", token, "scope", "api-role:1", "token_type", "Bearer",
                "expires_in", client.lifetime().toSeconds()));
    }

    private SimServer.Reply basicToken(SimServer.Request request) {
        String authorization = Optional.ofNullable(request.header("Authorization")).orElse("");
        if (authorization.startsWith("Basic ")) {
            String pair = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            Principal account = colon < 0 ? null : accounts.get(pair.substring(0, colon));
            if (account != null && account.secret().equals(pair.substring(colon + 1))) {
                String token = issue(pair.substring(0, colon), account);
                return SimServer.Reply.json(200, Map.of("token", token, "expires", clock.get().plus(account.lifetime()).toString()));
            }
        }
        return jamfError(401, "INVALID_CREDENTIALS", "Unauthorized");
    }

    private String issue(String principal, Principal grant) {
        String token = "jamf-" + UUID.randomUUID();
        tokens.put(token, new Issued(principal, clock.get().plus(grant.lifetime()), grant.privileges()));
        tokensIssued.incrementAndGet();
        return token;
    }

    private SimServer.Reply authorised(SimServer.Request request, String privilege, Supplier<SimServer.Reply> answer) {
        String authorization = Optional.ofNullable(request.header("Authorization")).orElse("");
        Issued issued = authorization.startsWith("Bearer ") ? tokens.get(authorization.substring(7)) : null;
        if (issued == null || !clock.get().isBefore(issued.expiresAt())) {
            return jamfError(401, "INVALID_TOKEN", "Unauthorized");
        }
        if (!issued.privileges().contains(privilege)) {
            return jamfError(403, "INVALID_PRIVILEGE", "Forbidden");
        }
        return answer.get();
    }

    private SimServer.Reply computer(SimServer.Request request) {
        Computer computer = computers.get(Long.parseLong(request.group(1)));
        return computer == null
                ? jamfError(404, "INVALID_ID", "Computer with id " + request.group(1) + " not found")
                : SimServer.Reply.json(200, computerJson(computer));
    }

    private SimServer.Reply computers(SimServer.Request request) {
        Optional<SimServer.Reply> bad = badFilter(request);
        if (bad.isPresent()) {
            return bad.get();
        }
        Optional<String> udid = udid(request);
        List<Object> matching = new ArrayList<>();
        computers.values().stream().filter(c -> udid.isEmpty() || c.udid().equalsIgnoreCase(udid.get()))
                .forEach(c -> matching.add(computerJson(c)));
        return page(request, matching);
    }

    private SimServer.Reply mobileDevice(SimServer.Request request) {
        MobileDevice device = mobileDevices.get(Long.parseLong(request.group(1)));
        return device == null
                ? jamfError(404, "INVALID_ID", "Mobile device with id " + request.group(1) + " not found")
                : SimServer.Reply.json(200, Map.of("id", Long.toString(device.id()), "name", device.name(), "udid", device.udid(),
                        "type", "ios", "managed", true));
    }

    private SimServer.Reply mobileDevices(SimServer.Request request) {
        Optional<SimServer.Reply> bad = badFilter(request);
        if (bad.isPresent()) {
            return bad.get();
        }
        Optional<String> udid = udid(request);
        List<Object> matching = new ArrayList<>();
        mobileDevices.values().stream().filter(d -> udid.isEmpty() || d.udid().equalsIgnoreCase(udid.get()))
                .forEach(d -> matching.add(Map.of("mobileDeviceId", Long.toString(d.id()), "deviceType", "iOS",
                        "general", Map.of("displayName", d.name(), "udid", d.udid(), "managed", true))));
        return page(request, matching);
    }

    private SimServer.Reply userById(SimServer.Request request) {
        User user = users.get(Long.parseLong(request.group(1)));
        return user == null ? classicNotFound() : SimServer.Reply.json(200, Map.of("user", userJson(user)));
    }

    private SimServer.Reply usersByEmail(SimServer.Request request) {
        String email = request.group(1);
        List<Object> matching = new ArrayList<>();
        users.values().stream().filter(u -> u.email().equalsIgnoreCase(email)).forEach(u -> matching.add(userJson(u)));
        return matching.isEmpty() ? classicNotFound() : SimServer.Reply.json(200, Map.of("users", matching));
    }

    private static Map<String, Object> computerJson(Computer computer) {
        Map<String, Object> general = new LinkedHashMap<>();
        general.put("name", computer.name());
        general.put("platform", "Mac");
        general.put("remoteManagement", Map.of("managed", true));
        return Map.of("id", Long.toString(computer.id()), "udid", computer.udid(), "general", general);
    }

    private static Map<String, Object> userJson(User user) {
        return Map.of("id", user.id(), "name", user.name(), "full_name", user.name(), "email", user.email(),
                "email_address", user.email());
    }

    /** Jamf Pro pages from 0, {@code page-size} 100 by default. */
    private static SimServer.Reply page(SimServer.Request request, List<Object> all) {
        int page = Integer.parseInt(request.query().getOrDefault("page", "0"));
        int size = Integer.parseInt(request.query().getOrDefault("page-size", "100"));
        int from = Math.min(all.size(), page * size);
        int to = Math.min(all.size(), from + size);
        return SimServer.Reply.json(200, Map.of("totalCount", all.size(), "results", all.subList(from, to)));
    }

    private static Optional<String> udid(SimServer.Request request) {
        String filter = request.query().get("filter");
        if (filter == null || filter.isEmpty()) {
            return Optional.empty();
        }
        Matcher match = UDID_FILTER.matcher(filter);
        return match.matches() ? Optional.of(match.group(1)) : Optional.empty();
    }

    /** This simulator filters by UDID only; any other RSQL is refused as Jamf Pro refuses a field it does not filter on. */
    private static Optional<SimServer.Reply> badFilter(SimServer.Request request) {
        String filter = request.query().get("filter");
        if (filter != null && !filter.isEmpty() && !UDID_FILTER.matcher(filter).matches()) {
            return Optional.of(jamfError(400, "INVALID_FIELD", "Invalid filter: " + filter));
        }
        return Optional.empty();
    }

    /** The Jamf Pro API's error shape. */
    private static SimServer.Reply jamfError(int status, String code, String description) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("description", description);
        error.put("id", "0");
        error.put("field", null);
        return SimServer.Reply.json(status, Map.of("httpStatus", status, "errors", List.of(error)));
    }

    /** The Classic API answers a missing object with an HTML page. */
    private static SimServer.Reply classicNotFound() {
        return new SimServer.Reply(404, Map.of("Content-Type", "text/html;charset=UTF-8"),
                "<html><head><title>Status page</title></head><body><p>Not Found</p><p>The server has not found anything matching the request URI</p></body></html>");
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    @Override
    public void close() {
        server.close();
    }
}
