package dev.scepter.azure.intune;

import dev.scepter.azure.http.JsonHttp;
import dev.scepter.azure.http.ServiceUnavailableException;
import dev.scepter.azure.signin.AccessTokens;
import dev.scepter.azure.signin.SignInException;
import dev.scepter.settings.AzureCloudSettings;
import java.net.URI;
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

    private final JsonHttp http;
    private final AccessTokens tokens;
    private final URI graph;
    private final URI intuneAudience;
    private final String intuneAppId;
    private volatile Map<String, URI> services;
    private volatile Optional<String> lastFailure = Optional.empty();

    public IntuneClient(JsonHttp http, AccessTokens tokens, AzureCloudSettings cloud) {
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
     * discovery, the call and any second attempt share that time.
     *
     * @param deadline when the caller stops waiting (a SCEP enrollment's Intune budget), or null for none
     */
    public JsonNode post(String service, String action, String apiVersion, JsonNode body, Instant deadline) {
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
            throw failure(call + " answered " + response.errorCode() + (response.status() == 401 || response.status() == 403
                    ? ": this instance's identity needs the Intune application permission scep_challenge_provider, with admin consent"
                    : ""), null);
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
        JsonHttp.Response response = http.call("POST", uri, token(intuneAudience, "Intune"), Map.of("api-version", apiVersion), body,
                deadline);
        if (response.status() == 401) {
            // A token Intune no longer takes (expired early, revoked): once more with a fresh one,
            // before a missing permission is concluded.
            tokens.invalidate(intuneAudience);
            response = http.call("POST", uri, token(intuneAudience, "Intune"), Map.of("api-version", apiVersion), body, deadline);
        }
        return response;
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
                    + "consent, and check that the tenant has Intune", null);
        }
        return uri;
    }

    private Map<String, URI> discover(Instant deadline) {
        String token = token(graph, "Microsoft Graph");
        boolean freshToken = false;
        URI next = URI.create(graph + "/v1.0/servicePrincipals(appId='" + intuneAppId + "')/endpoints");
        Map<String, URI> found = new HashMap<>();
        // Graph pages long lists (@odata.nextLink); a few pages at most.
        for (int page = 0; next != null && page < 10; page++) {
            JsonHttp.Response response;
            try {
                response = http.call("GET", next, token, Map.of(), null, deadline);
                if (response.status() == 401 && !freshToken) {
                    tokens.invalidate(graph);
                    token = token(graph, "Microsoft Graph");
                    freshToken = true;
                    response = http.call("GET", next, token, Map.of(), null, deadline);
                }
            } catch (ServiceUnavailableException e) {
                throw failure("Intune's service discovery on Microsoft Graph: no answer (" + e.getMessage() + ")", e);
            }
            if (!response.ok()) {
                throw failure("Intune's service discovery on Microsoft Graph answered " + response.errorCode()
                        + (response.status() == 401 || response.status() == 403
                                ? ": this instance's identity needs the Graph application permission Application.Read.All, with admin consent"
                                : ""), null);
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
        try {
            return tokens.token(audience);
        } catch (SignInException e) {
            throw failure("no token for " + service + ": " + e.getMessage(), e);
        }
    }

    private IntuneUnavailableException failure(String message, Throwable cause) {
        lastFailure = Optional.of(message);
        return new IntuneUnavailableException(message, cause);
    }

    private static URI withoutTrailingSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }
}
