package dev.scepter.azure.signin;

import dev.scepter.settings.AppServiceSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * The App Service app's managed identity, through App Service's local token endpoint (API version
 * 2019-08-01): {@code GET {IDENTITY_ENDPOINT}?resource=..&api-version=2019-08-01} with the header
 * {@code X-IDENTITY-HEADER: {IDENTITY_HEADER}}, answered with {@code access_token},
 * {@code expires_on} (Unix seconds), {@code resource} and {@code token_type}.
 *
 * <p>Why not azure-identity's {@code ManagedIdentityCredential}: since 1.13 it hands every managed
 * identity to MSAL4J, which reads {@code IDENTITY_ENDPOINT} from the process environment only
 * (its override is package-private) and, where that variable is missing, asks the instance
 * metadata service at 169.254.169.254 instead; it also keeps one token cache for the whole JVM.
 * This client reads the endpoint from the settings, so a test points it at a simulator, and it is
 * only ever built where App Service gave the endpoint: it never asks anything else.
 */
final class AppServiceManagedIdentity implements TokenSource {

    static final String API_VERSION = "2019-08-01";
    static final String HEADER = "X-IDENTITY-HEADER";

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final AppServiceSettings.Identity identity;
    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;
    private final Secrets secrets;

    AppServiceManagedIdentity(AppServiceSettings.Identity identity, HttpClient http, Duration timeout, Clock clock, Secrets secrets) {
        this.identity = identity;
        this.http = http;
        this.timeout = timeout;
        this.clock = clock;
        this.secrets = secrets;
    }

    /**
     * The resource as its service principal names it, with the trailing slash: a managed identity
     * asks for {@code https://api.manage.microsoft.com/} (ms_contracts.md 1.2), and Entra ID
     * accepts Graph's and Key Vault's names with the slash too.
     */
    static String resourceName(URI resource) {
        String name = resource.toString();
        return name.endsWith("/") ? name : name + "/";
    }

    @Override
    public Token fetch(URI resource) {
        URI endpoint = identity.endpoint();
        String query = "resource=" + URLEncoder.encode(resourceName(resource), StandardCharsets.UTF_8) + "&api-version=" + API_VERSION;
        URI uri = URI.create(endpoint + (endpoint.getRawQuery() == null ? "?" : "&") + query);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header(HEADER, identity.header())
                .header("Accept", "application/json").GET().build();
        Instant asked = clock.instant();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw failure("App Service's managed identity endpoint " + withoutQuery(endpoint) + " did not answer ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while asking App Service's managed identity endpoint", e);
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() != 200) {
            String said = body.path("message").asString(body.path("error_description").asString(body.path("error").asString("")));
            throw failure("App Service's managed identity endpoint refused a token for " + resource + ": HTTP " + response.statusCode()
                    + (said.isBlank() ? "" : " (" + said + ")"), null);
        }
        String value = body.path("access_token").asString("");
        if (value.isBlank()) {
            throw failure("App Service's managed identity endpoint answered without an access_token for " + resource, null);
        }
        return new Token(value, asked, expiresOn(body, asked, resource));
    }

    /** {@code expires_on} is Unix seconds, as a string (2019-08-01) or a number; {@code expires_in} (seconds from now) if that is all there is. */
    private Instant expiresOn(JsonNode body, Instant asked, URI resource) {
        JsonNode on = body.path("expires_on");
        try {
            if (!on.isMissingNode() && !on.isNull()) {
                return Instant.ofEpochSecond(Long.parseLong(on.asString().trim()));
            }
            JsonNode in = body.path("expires_in");
            if (!in.isMissingNode() && !in.isNull()) {
                return asked.plusSeconds(Long.parseLong(in.asString().trim()));
            }
        } catch (NumberFormatException e) {
            // falls through to the failure below
        }
        throw failure("App Service's managed identity endpoint answered a token for " + resource + " without a readable expires_on", null);
    }

    private SignInException failure(String message, Throwable cause) {
        return new SignInException(secrets.redact(message), cause == null ? null : new SignInException(secrets.redact(cause.toString()), null));
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? MissingNode.getInstance() : JSON.readTree(body);
        } catch (JacksonException e) {
            return MissingNode.getInstance();
        }
    }

    private static String withoutQuery(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }
}
