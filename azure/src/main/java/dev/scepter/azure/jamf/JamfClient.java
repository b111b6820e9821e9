package dev.scepter.azure.jamf;

import dev.scepter.azure.connection.Connection;
import dev.scepter.azure.connection.ConnectionStatus;
import dev.scepter.azure.connection.Outcomes;
import dev.scepter.azure.http.JsonHttp;
import dev.scepter.azure.http.ServiceUnavailableException;
import dev.scepter.settings.JamfSettings;
import dev.scepter.settings.Setting;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Jamf Pro's API (base {@code AppConfig:JamfValidation:URL}), read-only: whether a computer, a
 * mobile device or a user exists, by Jamf Pro id, UDID or email address.
 *
 * <p>It signs in as an API client ({@code ClientID}/{@code ClientSecret}, Jamf Pro 10.49+: OAuth 2.0
 * client credentials at {@code POST /api/oauth/token}) or, legacy, as a user
 * ({@code APIUsername}/{@code APIPassword}: HTTP Basic at {@code POST /api/v1/auth/token}). The
 * bearer token is kept and renewed before it expires (a fifth of its lifetime ahead, at most five
 * minutes), and once more when Jamf Pro answers 401 to it. One sign-in is out at a time: threads
 * that need a token meanwhile wait for its result, at most one call's timeout; after a failed
 * sign-in, calls fail at once for {@link #RETRY_AFTER_FAILURE} (as the Microsoft sign-in does), so
 * an outage does not hold every OCSP request thread in turn. No token, secret or password is ever
 * part of a message.
 *
 * <p>Calls: {@code GET /api/v1/computers-inventory/{id}} and {@code /api/v1/computers-inventory}
 * with the RSQL filter {@code udid=="..."}; {@code GET /api/v2/mobile-devices/{id}} and
 * {@code /api/v2/mobile-devices/detail} with the same filter; the Classic API's
 * {@code GET /JSSResource/users/id/{id}} and {@code /JSSResource/users/email/{email}} (the Jamf Pro
 * API has no users). Privileges: Read Computers, Read Mobile Devices, Read Users.
 */
public final class JamfClient {

    /** How this instance signs in to Jamf Pro. */
    public sealed interface Credentials {
    }

    /** An API client (Jamf Pro 10.49+), the preferred way. */
    public record ApiClient(String clientId, String clientSecret) implements Credentials {
        public ApiClient {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientSecret, "clientSecret");
        }

        @Override
        public String toString() {
            return "ApiClient[clientId=" + clientId + "]";
        }
    }

    /** A Jamf Pro user account, exchanged for a bearer token with HTTP Basic (legacy). */
    public record UserAccount(String username, String password) implements Credentials {
        public UserAccount {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "UserAccount[username=" + username + "]";
        }
    }

    private record Token(String value, Instant renewAt, Instant expires) {
    }

    /** How long calls fail at once after a failed sign-in, before one is tried again. */
    static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);

    /** The longest a token is renewed ahead of its expiry. */
    static final Duration MOST_AHEAD = Duration.ofMinutes(5);
    /** What a UDID may hold (a Mac's hardware UUID, an iPhone's 40 hex digits or {@code 00008030-...}): nothing RSQL reads. */
    private static final Pattern UDID = Pattern.compile("[0-9A-Za-z-]{8,64}");
    /** An email address as a path segment takes it: no quote, slash or space. */
    private static final Pattern EMAIL = Pattern.compile("[^\\s/\\\\\"'<>]{1,254}@[^\\s/\\\\\"'<>@]{1,253}");

    private final URI base;
    private final Credentials credentials;
    private final JsonHttp http;
    private final Duration timeout;
    private final Clock clock;
    private final Object tokenLock = new Object();
    /** Guarded by {@link #tokenLock}, as are the three below. */
    private Token token;
    private CompletableFuture<Token> signingIn;
    private Instant nextAttempt = Instant.MIN;
    private JamfUnavailableException lastFailure;
    /** Each privilege's latest read. */
    private final Outcomes<String> reads;

    /**
     * @param base    the Jamf Pro URL ({@code https://example.jamfcloud.com}), with or without a trailing slash
     * @param timeout each call's limit (token requests included)
     */
    public JamfClient(URI base, Credentials credentials, JsonHttp http, Duration timeout, Clock clock) {
        String text = Objects.requireNonNull(base, "base").toString();
        this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.http = Objects.requireNonNull(http, "http");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.reads = new Outcomes<>(clock);
    }

    /**
     * The client the settings describe; empty without {@code AppConfig:JamfValidation:URL}. An API
     * client is preferred when both kinds of credentials are set (the settings refuse a URL with
     * neither).
     */
    public static Optional<JamfClient> fromSettings(JamfSettings settings, JsonHttp http, Duration timeout, Clock clock) {
        if (settings.url().isEmpty()) {
            return Optional.empty();
        }
        Credentials credentials = settings.clientId().isPresent() && settings.clientSecret().isPresent()
                ? new ApiClient(settings.clientId().get(), settings.clientSecret().get())
                : new UserAccount(settings.apiUsername().orElseThrow(), settings.apiPassword().orElseThrow());
        return Optional.of(new JamfClient(settings.url().get(), credentials, http, timeout, clock));
    }

    /** For the homepage and messages: the instance, never a credential. */
    public String describe() {
        return "Jamf Pro " + base;
    }

    /** The homepage's row. */
    static final String CONNECTION = "Jamf Pro";
    /** A UDID and an address no device or user has: reading them shows sign-in and privilege work, and finds nothing. */
    private static final String NO_UDID = "00000000-0000-0000-0000-000000000000";
    private static final String NO_EMAIL = "nobody@scepter.invalid";

    /**
     * Jamf Pro's connection, for the homepage and the probe: signed in, and each read privilege
     * (Read Computers, Read Mobile Devices, Read Users) working. A privilege read in the last
     * {@link Connection#RECENT} stands as read; the others are read once, looking for an object
     * that is not there.
     */
    public ConnectionStatus check() {
        java.util.List<ConnectionStatus> failing = new java.util.ArrayList<>();
        for (String privilege : java.util.List.of("Read Computers", "Read Mobile Devices", "Read Users")) {
            if (reads.recent(privilege).isEmpty()) {
                try {
                    switch (privilege) {
                        case "Read Computers" -> computerByUdid(NO_UDID);
                        case "Read Mobile Devices" -> mobileDeviceByUdid(NO_UDID);
                        default -> userByEmail(NO_EMAIL);
                    }
                } catch (AmbiguousException e) {
                    // An answer all the same.
                } catch (JamfUnavailableException e) {
                    if (e.missingPrivilege().isEmpty()) {
                        // Not signed in, or no answer: the other reads would only say it again.
                        failing.add(ConnectionStatus.notConnected(CONNECTION, e.getMessage(), Optional.empty()));
                        break;
                    }
                }
            }
            reads.latest(privilege).map(Outcomes.Seen::status).filter(status -> !status.ok()).ifPresent(failing::add);
        }
        if (failing.isEmpty()) {
            return ConnectionStatus.connected(CONNECTION, describe() + " answers: signed in, reads computers, mobile devices and users");
        }
        String missing = String.join(", ", failing.stream().flatMap(status -> status.missingPermission().stream()).toList());
        return ConnectionStatus.notConnected(CONNECTION, String.join("; ", failing.stream().map(ConnectionStatus::reason).distinct().toList()),
                missing.isEmpty() ? Optional.empty() : Optional.of(missing));
    }

    /** Whether the computer with this Jamf Pro id exists. */
    public boolean computerExists(long id) {
        return exists(get("/api/v1/computers-inventory/" + id + "?section=GENERAL", "Read Computers"));
    }

    /** The Jamf Pro id of the computer with this UDID. */
    public OptionalLong computerByUdid(String udid) {
        JsonNode page = get("/api/v1/computers-inventory?section=GENERAL&page=0&page-size=2&filter=" + udidFilter(udid), "Read Computers")
                .orElseThrow(() -> unavailable("GET /api/v1/computers-inventory answered 404"));
        return single(page.path("results"), "id", "computers with UDID " + udid);
    }

    /** Whether the mobile device with this Jamf Pro id exists. */
    public boolean mobileDeviceExists(long id) {
        return exists(get("/api/v2/mobile-devices/" + id, "Read Mobile Devices"));
    }

    /** The Jamf Pro id of the mobile device with this UDID. */
    public OptionalLong mobileDeviceByUdid(String udid) {
        JsonNode page = get("/api/v2/mobile-devices/detail?section=GENERAL&page=0&page-size=2&filter=" + udidFilter(udid),
                "Read Mobile Devices").orElseThrow(() -> unavailable("GET /api/v2/mobile-devices/detail answered 404"));
        return single(page.path("results"), "mobileDeviceId", "mobile devices with UDID " + udid);
    }

    /** Whether the user with this Jamf Pro id exists. */
    public boolean userExists(long id) {
        return exists(get("/JSSResource/users/id/" + id, "Read Users"));
    }

    /** The Jamf Pro id of the user with this email address (SCEPman's key for users: {@code $EMAIL}). */
    public OptionalLong userByEmail(String email) {
        if (!EMAIL.matcher(email).matches()) {
            throw new IllegalArgumentException("not an email address Jamf Pro can be asked about: " + email);
        }
        Optional<JsonNode> users = get("/JSSResource/users/email/" + URLEncoder.encode(email, StandardCharsets.UTF_8).replace("+", "%20"),
                "Read Users");
        return users.isEmpty() ? OptionalLong.empty() : single(users.get().path("users"), "id", "users with email " + email);
    }

    private static boolean exists(Optional<JsonNode> found) {
        return found.isPresent();
    }

    private static String udidFilter(String udid) {
        if (!UDID.matcher(udid).matches()) {
            throw new IllegalArgumentException("not a UDID: " + udid);
        }
        return URLEncoder.encode("udid==\"" + udid + "\"", StandardCharsets.UTF_8);
    }

    private OptionalLong single(JsonNode results, String idField, String what) {
        if (!results.isArray() || results.isEmpty()) {
            return OptionalLong.empty();
        }
        if (results.size() > 1) {
            throw new AmbiguousException("Jamf Pro has " + results.size() + " " + what);
        }
        String id = results.get(0).path(idField).asString("");
        try {
            return OptionalLong.of(Long.parseLong(id));
        } catch (NumberFormatException e) {
            throw unavailable("Jamf Pro answered an id that is not a number for " + what);
        }
    }

    /** More than one Jamf Pro object answers to what a request names. */
    public static final class AmbiguousException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AmbiguousException(String message) {
            super(message);
        }
    }

    /** {@link #read}, its outcome kept for {@link #check()}. */
    private Optional<JsonNode> get(String pathAndQuery, String privilege) {
        try {
            Optional<JsonNode> found = read(pathAndQuery, privilege);
            reads.record(privilege, ConnectionStatus.connected(CONNECTION, describe() + " answers"));
            return found;
        } catch (JamfUnavailableException e) {
            reads.record(privilege, ConnectionStatus.notConnected(CONNECTION, e.getMessage(), e.missingPrivilege()));
            throw e;
        }
    }

    /** The body of a 200; empty for a 404 (no such object); anything else is Jamf Pro being unavailable. */
    private Optional<JsonNode> read(String pathAndQuery, String privilege) {
        URI uri = URI.create(base + pathAndQuery);
        String call = "GET " + pathAndQuery.replaceFirst("\\?.*", "");
        String bearer = bearer(null);
        JsonHttp.Response response = send(uri, bearer, call);
        if (response.status() == 401) {
            // Revoked, or expired early: one fresh token, then Jamf Pro is taken at its word.
            response = send(uri, bearer(bearer), call);
        }
        return switch (response.status()) {
            case 200 -> Optional.of(response.body());
            case 404 -> {
                // Only Jamf Pro's own word is "no such object": its API's error body. A proxy's or a
                // maintenance page's 404 would otherwise revoke every Jamf certificate for good. The
                // Classic API (users) answers its 404 with a page of its own, so a path there is taken as is.
                if (pathAndQuery.startsWith("/api/") && response.body().path("httpStatus").asInt(0) != 404) {
                    throw unavailable(call + " answered 404 without Jamf Pro's error body: check " + Setting.JAMF_URL.key());
                }
                yield Optional.empty();
            }
            case 401 -> throw unavailable(call + " answered 401 with a fresh token: check " + credentialSettings());
            case 403 -> throw new JamfUnavailableException(describe() + ": " + call + " answered 403: the API role needs the privilege \""
                    + privilege + "\"", null, privilege);
            default -> throw unavailable(call + " answered HTTP " + response.status());
        };
    }

    private JsonHttp.Response send(URI uri, String bearer, String call) {
        try {
            return http.call("GET", uri, bearer, Map.of(), null);
        } catch (ServiceUnavailableException e) {
            throw unavailable(call + ": no answer (" + why(e) + ")", e);
        }
    }

    /**
     * A token to call with: the kept one, or one from a sign-in, this thread's or another's.
     *
     * @param refused a token Jamf Pro just answered 401 to, or null: a token other than it will do
     */
    private String bearer(String refused) {
        CompletableFuture<Token> flight;
        boolean mine = false;
        Instant now = clock.instant();
        synchronized (tokenLock) {
            boolean kept = token != null && (refused == null ? now.isBefore(token.renewAt()) : !token.value().equals(refused));
            if (kept) {
                return token.value();
            }
            if (signingIn == null && now.isBefore(nextAttempt)) {
                // Jamf Pro refused or did not answer moments ago: a token still good serves; else fail at once.
                if (refused == null && token != null && now.isBefore(token.expires())) {
                    return token.value();
                }
                throw new JamfUnavailableException(lastFailure.getMessage() + " (tried again from " + nextAttempt + ")", null);
            }
            if (signingIn == null) {
                signingIn = new CompletableFuture<>();
                mine = true;
            }
            flight = signingIn;
        }
        return mine ? signInFor(flight) : await(flight);
    }

    private String signInFor(CompletableFuture<Token> flight) {
        try {
            Token fresh = signIn();
            synchronized (tokenLock) {
                token = fresh;
                signingIn = null;
                nextAttempt = Instant.MIN;
                lastFailure = null;
            }
            flight.complete(fresh);
            return fresh.value();
        } catch (RuntimeException e) {
            JamfUnavailableException failure = e instanceof JamfUnavailableException j ? j
                    : unavailable("signing in failed: " + e.getClass().getSimpleName(), e);
            synchronized (tokenLock) {
                signingIn = null;
                nextAttempt = clock.instant().plus(RETRY_AFTER_FAILURE);
                lastFailure = failure;
            }
            flight.completeExceptionally(failure);
            throw failure;
        }
    }

    /** Another thread's sign-in: its result, waited for no longer than one call may take. */
    private String await(CompletableFuture<Token> flight) {
        try {
            return flight.get(timeout.toNanos(), TimeUnit.NANOSECONDS).value();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof JamfUnavailableException j ? j : unavailable("signing in failed", e.getCause());
        } catch (TimeoutException e) {
            throw unavailable("signing in takes longer than " + timeout.toMillis() + " ms", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while waiting for a token", e);
        }
    }

    private Token signIn() {
        Instant now = clock.instant();
        HttpRequest.Builder request = HttpRequest.newBuilder().timeout(timeout).header("Accept", "application/json");
        String call;
        if (credentials instanceof ApiClient client) {
            call = "POST /api/oauth/token";
            String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(client.clientId(), StandardCharsets.UTF_8)
                    + "&client_secret=" + URLEncoder.encode(client.clientSecret(), StandardCharsets.UTF_8);
            request.uri(URI.create(base + "/api/oauth/token")).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8));
        } else {
            UserAccount account = (UserAccount) credentials;
            call = "POST /api/v1/auth/token";
            String basic = Base64.getEncoder().encodeToString((account.username() + ":" + account.password()).getBytes(StandardCharsets.UTF_8));
            request.uri(URI.create(base + "/api/v1/auth/token")).header("Authorization", "Basic " + basic)
                    .POST(HttpRequest.BodyPublishers.noBody());
        }
        JsonHttp.Response response;
        try {
            response = http.send(request.build());
        } catch (ServiceUnavailableException e) {
            throw unavailable(call + ": no answer (" + why(e) + ")", e);
        }
        if (response.status() == 400 || response.status() == 401) {
            throw unavailable(call + " refused the credentials (HTTP " + response.status() + "): check " + credentialSettings());
        }
        if (!response.ok()) {
            throw unavailable(call + " answered HTTP " + response.status());
        }
        JsonNode body = response.body();
        String value;
        Instant expires;
        if (credentials instanceof ApiClient) {
            value = body.path("access_token").asString("");
            expires = now.plusSeconds(Math.max(0, body.path("expires_in").asLong(0)));
        } else {
            value = body.path("token").asString("");
            try {
                expires = Instant.parse(body.path("expires").asString(""));
            } catch (DateTimeParseException e) {
                expires = now;
            }
        }
        if (value.isEmpty()) {
            throw unavailable(call + " answered without a token");
        }
        Duration lifetime = expires.isAfter(now) ? Duration.between(now, expires) : Duration.ZERO;
        Duration ahead = lifetime.dividedBy(5);
        return new Token(value, expires.minus(ahead.compareTo(MOST_AHEAD) > 0 ? MOST_AHEAD : ahead), expires);
    }

    private String credentialSettings() {
        return credentials instanceof ApiClient
                ? "AppConfig:JamfValidation:ClientID and ClientSecret"
                : "AppConfig:JamfValidation:APIUsername and APIPassword";
    }

    private JamfUnavailableException unavailable(String message) {
        return unavailable(message, null);
    }

    private JamfUnavailableException unavailable(String message, Throwable cause) {
        return new JamfUnavailableException(describe() + ": " + message, cause);
    }

    /** What JsonHttp saw, without repeating the call it names. */
    private static String why(ServiceUnavailableException e) {
        Throwable cause = e.getCause();
        return cause == null ? e.getMessage()
                : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
