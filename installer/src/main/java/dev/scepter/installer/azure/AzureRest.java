package dev.scepter.installer.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON over HTTPS to Azure Resource Manager and Microsoft Graph, with a bearer token per API from
 * the credential. Retries what Azure documents as transient (429, 5xx) and, where the caller says
 * so, waits for a principal that Entra ID has created but not yet replicated.
 */
public final class AzureRest {

    /** The two APIs; each has its own base URI and token audience. */
    public enum Api { ARM, GRAPH }

    static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Set<Integer> TRANSIENT = Set.of(429, 500, 502, 503, 504);
    private static final int TRANSIENT_RETRIES = 4;
    /** New principals take seconds to minutes to reach every replica (SCEPman's module retries 10 times). */
    private static final int REPLICATION_RETRIES = 10;
    private static final int POLLS = 60;
    private static final int MAX_PAGES = 1000;
    /** Answers that say the request was not processed; only these are safe to repeat for a POST, which creates. */
    private static final Set<Integer> NOT_PROCESSED = Set.of(429, 503);

    private final URI arm;
    private final URI graph;
    private final TokenCredential credential;
    private final HttpClient http;
    private final Duration retryDelay;
    private final PrintStream verbose;
    private final Map<Api, AccessToken> tokens = new HashMap<>();

    /**
     * @param retryDelay the first wait before a retry; later waits grow linearly
     * @param verbose where every call is reported, or null
     */
    public AzureRest(URI arm, URI graph, TokenCredential credential, HttpClient http, Duration retryDelay, PrintStream verbose) {
        this.arm = withoutTrailingSlash(arm);
        this.graph = withoutTrailingSlash(graph);
        this.credential = Objects.requireNonNull(credential, "credential");
        this.http = Objects.requireNonNull(http, "http");
        this.retryDelay = Objects.requireNonNull(retryDelay, "retryDelay");
        this.verbose = verbose;
    }

    public URI base(Api api) {
        return api == Api.ARM ? arm : graph;
    }

    public JsonNode get(Api api, String path) throws AzureCallException {
        return call(api, "GET", path, null, false);
    }

    /**
     * A list, whole: ARM ({@code nextLink}) and Graph ({@code @odata.nextLink}) answer large lists
     * a page at a time.
     */
    public List<JsonNode> list(Api api, String path) throws AzureCallException {
        List<JsonNode> items = new ArrayList<>();
        JsonNode page = get(api, path);
        for (int pages = 1; ; pages++) {
            page.path("value").forEach(items::add);
            String next = page.path(api == Api.ARM ? "nextLink" : "@odata.nextLink").asString("");
            if (next.isEmpty()) {
                return items;
            }
            URI nextUri = URI.create(next);
            boolean sameApi = nextUri.getHost() != null && nextUri.getHost().equalsIgnoreCase(base(api).getHost())
                    && nextUri.getRawPath().startsWith(base(api).getRawPath());
            if (!sameApi || pages >= MAX_PAGES) {
                throw new AzureCallException("GET", path, 200, "UnexpectedNextLink", "the next page is outside this API, or there are over " + MAX_PAGES + " pages");
            }
            String relative = nextUri.getRawPath().substring(base(api).getRawPath().length())
                    + (nextUri.getRawQuery() == null ? "" : "?" + nextUri.getRawQuery());
            page = get(api, relative);
        }
    }

    public JsonNode post(Api api, String path, JsonNode body) throws AzureCallException {
        return call(api, "POST", path, body, false);
    }

    public JsonNode put(Api api, String path, JsonNode body) throws AzureCallException {
        return call(api, "PUT", path, body, false);
    }

    public JsonNode patch(Api api, String path, JsonNode body) throws AzureCallException {
        return call(api, "PATCH", path, body, false);
    }

    /** A write that names a principal Entra ID may not have replicated yet: retried while it is unknown. */
    public JsonNode writeForNewPrincipal(Api api, String method, String path, JsonNode body) throws AzureCallException {
        return call(api, method, path, body, true);
    }

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** Encodes a query parameter's value ({@code $filter} expressions have spaces and quotes). */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode call(Api api, String method, String path, JsonNode body, boolean awaitPrincipal) throws AzureCallException {
        URI uri = URI.create(base(api) + path);
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response = send(api, method, uri, body);
            int status = response.statusCode();
            if (status == 202 && response.headers().firstValue("Location").isPresent()) {
                return awaitOperation(api, URI.create(response.headers().firstValue("Location").get()));
            }
            if (status < 300) {
                return parse(response.body());
            }
            AzureCallException error = error(method, uri, response);
            boolean repeatable = method.equals("POST") ? NOT_PROCESSED.contains(status) : TRANSIENT.contains(status);
            boolean transientError = repeatable && attempt <= TRANSIENT_RETRIES;
            boolean notReplicated = awaitPrincipal && isPrincipalNotReplicated(error) && attempt <= REPLICATION_RETRIES;
            if (!transientError && !notReplicated) {
                throw error;
            }
            if (notReplicated) {
                report("  waiting for Entra ID to replicate a new principal (" + error.code() + "), attempt " + attempt);
            }
            pause(retryAfter(response).orElse(retryDelay.multipliedBy(attempt)));
        }
    }

    /** Azure's long-running operations: poll the Location until it stops answering 202. */
    private JsonNode awaitOperation(Api api, URI location) throws AzureCallException {
        if (!location.getHost().equalsIgnoreCase(base(api).getHost())) {
            // The token must not go anywhere but the API it was issued for.
            throw new AzureCallException("GET", location.toString(), 202, "UnexpectedLocation", "operation status is on another host");
        }
        for (int poll = 1; poll <= POLLS; poll++) {
            HttpResponse<String> response = send(api, "GET", location, null);
            if (response.statusCode() == 202) {
                pause(retryAfter(response).orElse(retryDelay));
                continue;
            }
            if (response.statusCode() < 300) {
                return parse(response.body());
            }
            throw error("GET", location, response);
        }
        throw new AzureCallException("GET", location.toString(), 202, "Timeout", "the operation did not finish after " + POLLS + " polls");
    }

    private HttpResponse<String> send(Api api, String method, URI uri, JsonNode body) throws AzureCallException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(100))
                .header("Authorization", "Bearer " + token(api))
                .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        } else if (method.equals("POST")) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            // Only the method, path and status: bodies carry settings, which may be secrets.
            report("  " + method + " " + uri.getPath() + " -> " + response.statusCode());
            return response;
        } catch (IOException e) {
            throw new AzureCallException(method, uri.toString(), 0, "ConnectionFailed", String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AzureCallException(method, uri.toString(), 0, "Interrupted", "interrupted");
        }
    }

    private synchronized String token(Api api) throws AzureCallException {
        AccessToken token = tokens.get(api);
        if (token == null || token.getExpiresAt().isBefore(OffsetDateTime.now().plusMinutes(5))) {
            String scope = base(api) + "/.default";
            try {
                token = credential.getTokenSync(new TokenRequestContext().addScopes(scope));
            } catch (RuntimeException e) {
                throw new AzureCallException("TOKEN", scope, 0, "SignInFailed",
                        "could not get a token for " + scope + " (sign in with 'az login' or run in Cloud Shell): " + e.getMessage());
            }
            if (token == null) {
                throw new AzureCallException("TOKEN", scope, 0, "SignInFailed", "no token for " + scope + " (sign in with 'az login')");
            }
            tokens.put(api, token);
        }
        return token.getToken();
    }

    private static boolean isPrincipalNotReplicated(AzureCallException error) {
        return error.code().equals("PrincipalNotFound")
                || (error.code().equals("Request_ResourceNotFound") && error.detail().contains("does not exist"))
                // A service principal for an application created a moment ago (NoBackingApplicationObject).
                || (error.code().equals("Request_BadRequest") && error.detail().contains("valid application object"));
    }

    private static AzureCallException error(String method, URI uri, HttpResponse<String> response) {
        String code = "";
        String message = response.body();
        try {
            JsonNode error = JSON.readTree(response.body()).path("error");
            if (error.isObject()) {
                code = error.path("code").asString("");
                message = error.path("message").asString("");
            }
        } catch (JacksonException | IllegalArgumentException notJson) {
            // The body is kept as the message.
        }
        return new AzureCallException(method, uri.getPath(), response.statusCode(), code, message);
    }

    private static JsonNode parse(String body) throws AzureCallException {
        if (body == null || body.isBlank()) {
            return object();
        }
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            throw new AzureCallException("?", "?", 200, "NotJson", "the answer is not JSON");
        }
    }

    private static java.util.Optional<Duration> retryAfter(HttpResponse<String> response) {
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                return java.util.Optional.of(Duration.ofSeconds(Math.min(60, Long.parseLong(value.strip()))));
            } catch (NumberFormatException e) {
                return java.util.Optional.empty();
            }
        });
    }

    private void report(String line) {
        if (verbose != null) {
            verbose.println(line);
        }
    }

    private static void pause(Duration duration) throws AzureCallException {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AzureCallException("WAIT", "", 0, "Interrupted", "interrupted");
        }
    }

    private static URI withoutTrailingSlash(URI uri) {
        String s = uri.toString();
        return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    }
}
