package dev.scepter.azure.intune;

import dev.scepter.azure.connection.Connection;
import dev.scepter.azure.connection.ConnectionStatus;
import dev.scepter.azure.connection.Outcomes;
import dev.scepter.azure.http.JsonHttp;
import dev.scepter.azure.http.ServiceUnavailableException;
import dev.scepter.azure.signin.AccessTokens;
import dev.scepter.azure.signin.SignInException;
import dev.scepter.settings.AzureCloudSettings;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Intune's third-party CA services as Microsoft's own clients call them (ms_contracts.md 1.3-1.5,
 * after microsoft/Intune-Resource-Access {@code IntuneClient}): the service's base URL found
 * through Graph's service discovery, then {@code POST {uri}/{action}} with an Intune token, a
 * {@code client-request-id} and the service's {@code api-version}.
 *
 * <p>Service discovery ({@code GET {MSGraphEndpoint}/v1.0/servicePrincipals(appId='{IntuneAppId}')/endpoints},
 * with a Graph token) maps each {@code providerName}, case-insensitively, to its {@code uri}. The
 * map is kept until a call fails to connect (Intune moves a tenant's services between hosts, as
 * Microsoft's library assumes when it clears its map on {@code UnknownHostException}); the call is
 * then sent once more to a freshly discovered URL.
 *
 * <p>A 401 from Intune or Graph means the token was not taken (expired early, revoked): it is
 * forgotten ({@link AccessTokens#invalidate}) and the call sent once more with a fresh one; a
 * second 401 is reported as the missing permission it then most likely is.
 */
public final class IntuneClient {

    /** The service that validates SCEP requests and takes their notifications (ms_contracts.md 1.4). */
    public static final String SCEP_VALIDATION_SERVICE = "ScepRequestValidationFEService";
    /** The service that hands out revocation requests (ms_contracts.md 1.5). */
    public static final String PKI_CONNECTOR_SERVICE = "PkiConnectorFEService";
    /** The Intune API's application permission both services demand. */
    static final String SCEP_PERMISSION = "scep_challenge_provider";
    /** The Graph application permission service discovery demands. */
    static final String DISCOVERY_PERMISSION = "Application.Read.All";
    /** Tries of one call that Intune throttles (429) or has unavailable (503): the first and two more. */
    public static final int ATTEMPTS = 3;
    /** The longest {@code Retry-After} waited for before a try again; a longer one fails the call. */
    public static final Duration LONGEST_WAIT = Duration.ofSeconds(2);

    private final JsonHttp http;
    private final AccessTokens tokens;
    private final URI graph;
    private final URI intuneAudience;
    private final String intuneAppId;
    private volatile Map<String, URI> services;
    private volatile Optional<String> lastFailure = Optional.empty();
    /** Each service's latest call, by lower-case provider name. */
    private final Outcomes<String> served;
    private final Clock clock;

    /**
     * Where a caller with a deadline has its token fetched: a sign-in may take far longer than an
     * enrollment's budget (the identity platform's retries; another caller's renewal is waited for up
     * to 90 s), and the caller stops waiting at its deadline while the sign-in goes on for the next.
     */
    private static final java.util.concurrent.ExecutorService SIGN_IN = java.util.concurrent.Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "intune-sign-in");
        thread.setDaemon(true);
        return thread;
    });

    public IntuneClient(JsonHttp http, AccessTokens tokens, AzureCloudSettings cloud) {
        this(http, tokens, cloud, Clock.systemUTC());
    }

    public IntuneClient(JsonHttp http, AccessTokens tokens, AzureCloudSettings cloud, Clock clock) {
        this.served = new Outcomes<>(clock);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = Objects.requireNonNull(http, "http");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.graph = withoutTrailingSlash(cloud.msGraphEndpoint());
        this.intuneAudience = cloud.managementEndpoint();
        this.intuneAppId = cloud.intuneAppId().toString();
    }

    /**
     * Posts {@code body} to {@code {service uri}/{action}} and returns the 2xx answer's JSON.
     *
     * @throws IntuneUnavailableException when no usable answer came: the service is not
     *                                    discovered, unreachable, the token cannot be had, or it
     *                                    answered an HTTP error or no JSON
     */
    public JsonNode post(String service, String action, String apiVersion, JsonNode body) {
        return post(service, action, apiVersion, body, null);
    }

    /**
     * {@link #post(String, String, String, JsonNode)}, answered by {@code deadline} or not at all:
     * discovery, the call and any second attempt share that time. Each outcome is remembered for
     * the homepage's and the probe's row of the service.
     *
     * @param deadline when the caller stops waiting (a SCEP enrollment's Intune budget), or null for none
     */
    public JsonNode post(String service, String action, String apiVersion, JsonNode body, Instant deadline) {
        String key = service.toLowerCase(Locale.ROOT);
        try {
            JsonNode answer = postOnce(service, action, apiVersion, body, deadline);
            served.record(key, ConnectionStatus.connected(service, service + " answered " + action));
            return answer;
        } catch (IntuneUnavailableException e) {
            served.record(key, ConnectionStatus.notConnected(service, e.getMessage(), e.missingPermission()));
            throw e;
        }
    }

    private JsonNode postOnce(String service, String action, String apiVersion, JsonNode body, Instant deadline) {
        String call = service + " " + action;
        URI base = service(service, deadline);
        JsonHttp.Response response;
        try {
            response = send(base, action, apiVersion, body, deadline);
        } catch (ServiceUnavailableException first) {
            // Intune may have moved: discover again, and send once more if the service now lives elsewhere.
            services = null;
            URI again = service(service, deadline);
            if (again.equals(base)) {
                throw failure(call + ": no answer (" + first.getMessage() + ")", first);
            }
            try {
                response = send(again, action, apiVersion, body, deadline);
            } catch (ServiceUnavailableException second) {
                throw failure(call + ": no answer (" + second.getMessage() + ")", second);
            }
        }
        if (!response.ok()) {
            boolean refused = response.status() == 401 || response.status() == 403;
            throw failure(call + " answered " + response.errorCode() + (refused
                    ? ": this instance's identity needs the Intune application permission scep_challenge_provider, with admin consent"
                    : ""), null, refused ? SCEP_PERMISSION : null);
        }
        if (!response.body().isObject()) {
            throw failure(call + " answered HTTP " + response.status() + " without a JSON object", null);
        }
        lastFailure = Optional.empty();
        return response.body();
    }

    /** The latest failure to reach Intune, for the homepage; empty once a call succeeded after it. */
    public Optional<String> lastFailure() {
        return lastFailure;
    }

    private JsonHttp.Response send(URI base, String action, String apiVersion, JsonNode body, Instant deadline) {
        URI uri = URI.create(withoutTrailingSlash(base) + "/" + action);
        // Microsoft's library names the Intune API by its resource URL; headers as in its PostRequest.
        String token = token(intuneAudience, "Intune", deadline);
        JsonHttp.Response response = http.call("POST", uri, token, Map.of("api-version", apiVersion), body, deadline);
        if (response.status() == 401) {
            // A token Intune no longer takes (expired early, revoked): once more with a fresh one,
            // before a missing permission is concluded.
            tokens.invalidate(intuneAudience, token);
            response = http.call("POST", uri, token(intuneAudience, "Intune", deadline), Map.of("api-version", apiVersion), body, deadline);
        }
        return response;
    }

    /**
     * A service's connection, for the homepage and the probe, under the row's name. Its latest call
     * within {@link Connection#RECENT} says it. Otherwise, nothing is sent to Intune (no call of
     * its services is harmless to make): a token for Intune's API and the service's discovery (from
     * what is known, else one Graph call) must work, and a refusal of the latest call (its
     * permission) stands until Intune accepts a call again, since nothing else would show it.
     */
    public ConnectionStatus check(String name, String service) {
        String key = service.toLowerCase(Locale.ROOT);
        Optional<Outcomes.Seen> recent = served.recent(key);
        if (recent.isPresent()) {
            return recent.get().status().named(name).withReason(recent.get().status().reason() + " (at " + recent.get().at() + ")");
        }
        Optional<Outcomes.Seen> latest = served.latest(key);
        // Both services demand scep_challenge_provider: either one's refusal stands for this one too,
        // unless this one answered since.
        Optional<Outcomes.Seen> refusal = java.util.stream.Stream.of(SCEP_VALIDATION_SERVICE, PKI_CONNECTOR_SERVICE)
                .flatMap(other -> served.latest(other.toLowerCase(Locale.ROOT)).stream())
                .filter(seen -> seen.status().missingPermission().filter(SCEP_PERMISSION::equals).isPresent())
                .filter(seen -> latest.isEmpty() || !latest.get().at().isAfter(seen.at()))
                .max(java.util.Comparator.comparing(Outcomes.Seen::at));
        if (refusal.isPresent()) {
            return refusal.get().status().named(name).withReason(refusal.get().status().reason() + " (at " + refusal.get().at()
                    + "; shown until Intune accepts a call again)");
        }
        URI base;
        try {
            // Discovery first: in a tenant without Intune, Entra ID refuses a token for Intune's API too (AADSTS500011),
            // and only discovery's 404 tells that the tenant has no Intune rather than that something is broken.
            base = service(service);
            token(intuneAudience, "Intune");
        } catch (IntuneUnavailableException e) {
            if (e.tenantWithoutIntune()) {
                // A tenant without Intune is a fact, not an outage: the probe must not fail (and an App Service health check
                // must not recycle the instance) for an endpoint nobody there can use.
                return new ConnectionStatus(name, ConnectionStatus.State.NOT_CONFIGURED, e.getMessage()
                        + "; every request on Intune's SCEP path gets a CertRep FAILURE", java.util.Optional.empty());
            }
            return ConnectionStatus.notConnected(name, e.getMessage(), e.missingPermission());
        }
        String reason = service + " found through service discovery at " + base.getHost() + ", and a token for Intune's API";
        return ConnectionStatus.connected(name, latest.map(seen -> reason + "; its latest call, at " + seen.at() + ": " + seen.status().reason())
                .orElse(reason));
    }

    /** The base URL of an Intune service, discovered through Graph when not known yet. */
    URI service(String providerName) {
        return service(providerName, null);
    }

    private URI service(String providerName, Instant deadline) {
        Map<String, URI> known = services;
        if (known == null) {
            known = discover(deadline);
            services = known;
        }
        URI uri = known.get(providerName.toLowerCase(Locale.ROOT));
        if (uri == null) {
            services = null; // a consent granted since shows on the next call
            throw failure("Intune's service discovery lists no " + providerName + ": grant this instance's identity the Graph "
                    + "application permission Application.Read.All and the Intune permission scep_challenge_provider, with admin "
                    + "consent, and check that the tenant has Intune", null, SCEP_PERMISSION + ", " + DISCOVERY_PERMISSION);
        }
        return uri;
    }

    private Map<String, URI> discover(Instant deadline) {
        String token = token(graph, "Microsoft Graph", deadline);
        boolean freshToken = false;
        URI next = URI.create(graph + "/v1.0/servicePrincipals(appId='" + intuneAppId + "')/endpoints");
        Map<String, URI> found = new HashMap<>();
        // Graph pages long lists (@odata.nextLink); a few pages at most.
        for (int page = 0; next != null && page < 10; page++) {
            JsonHttp.Response response;
            try {
                response = http.call("GET", next, token, Map.of(), null, deadline);
                if (response.status() == 401 && !freshToken) {
                    tokens.invalidate(graph, token);
                    token = token(graph, "Microsoft Graph", deadline);
                    freshToken = true;
                    response = http.call("GET", next, token, Map.of(), null, deadline);
                }
            } catch (ServiceUnavailableException e) {
                throw failure("Intune's service discovery on Microsoft Graph: no answer (" + e.getMessage() + ")", e);
            }
            if (response.status() == 404) {
                throw failure("this tenant has no Microsoft Intune: Microsoft Graph knows no service principal for Intune's API (appId "
                        + intuneAppId + ")", null).tenantWithoutIntune(true);
            }
            if (!response.ok()) {
                boolean refused = response.status() == 401 || response.status() == 403;
                throw failure("Intune's service discovery on Microsoft Graph answered " + response.errorCode()
                        + (refused ? ": this instance's identity needs the Graph application permission Application.Read.All, with admin consent"
                                : ""), null, refused ? DISCOVERY_PERMISSION : null);
            }
            for (JsonNode endpoint : response.body().path("value")) {
                String name = endpoint.path("providerName").asString("");
                String uri = endpoint.path("uri").asString("");
                if (!name.isEmpty() && !uri.isEmpty()) {
                    try {
                        found.put(name.toLowerCase(Locale.ROOT), URI.create(uri));
                    } catch (IllegalArgumentException notAUri) {
                        // One malformed entry does not hide the others.
                    }
                }
            }
            String link = response.body().path("@odata.nextLink").asString("");
            next = link.isEmpty() ? null : URI.create(link);
        }
        return Map.copyOf(found);
    }

    private String token(URI audience, String service) {
        return token(audience, service, null);
    }

    /** A token, had by {@code deadline} (when there is one) or not at all: signing in counts against the caller's budget too. */
    private String token(URI audience, String service, Instant deadline) {
        if (deadline == null) {
            try {
                return tokens.token(audience);
            } catch (SignInException e) {
                throw failure("no token for " + service + ": " + e.getMessage(), e);
            }
        }
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.isNegative() || left.isZero()) {
            throw failure("no token for " + service + ": the enrollment's time for Intune is spent", null);
        }
        java.util.concurrent.Future<String> token = SIGN_IN.submit(() -> tokens.token(audience));
        try {
            return token.get(left.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SignInException signIn) {
                throw failure("no token for " + service + ": " + signIn.getMessage(), signIn);
            }
            throw failure("no token for " + service + ": " + cause.getClass().getSimpleName(), cause);
        } catch (java.util.concurrent.TimeoutException e) {
            // Not cancelled: the sign-in goes on and keeps its token for the next caller.
            throw failure("no token for " + service + " within the enrollment's time for Intune (signing in takes longer than "
                    + Math.max(1, left.toSeconds()) + " s)", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while signing in for " + service, e);
        }
    }

    private IntuneUnavailableException failure(String message, Throwable cause) {
        return failure(message, cause, null);
    }

    private IntuneUnavailableException failure(String message, Throwable cause, String missingPermission) {
        lastFailure = Optional.of(message);
        return new IntuneUnavailableException(message, cause, missingPermission);
    }

    private static URI withoutTrailingSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }
}
