package dev.scepter.installer.azure.sim;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.exception.ClientAuthenticationException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * A {@link TokenCredential} that signs one user of an {@link AzureSimulator} in, through the
 * simulator's {@code /sim/token}: what azure-identity's credentials do against Entra, without a
 * directory off the machine.
 */
public final class SimulatorCredential implements TokenCredential {

    private final URI tokenUri;
    private final String upn;
    private final HttpClient http;
    private final AtomicInteger tokensIssued = new AtomicInteger();

    /** {@code simulatorBaseUri} is {@link AzureSimulator#baseUri()}. */
    public SimulatorCredential(URI simulatorBaseUri, SSLContext sslContext, String upn) {
        this.tokenUri = simulatorBaseUri.resolve("/sim/token");
        this.upn = upn;
        this.http = HttpClient.newBuilder().sslContext(sslContext).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Errors, such as an unknown user, arrive as the Mono's error, as with azure-identity. */
    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
        return Mono.fromCallable(() -> getTokenSync(request));
    }

    /** A token for the first scope of the request. */
    @Override
    public AccessToken getTokenSync(TokenRequestContext request) {
        if (request.getScopes().isEmpty()) {
            throw new IllegalArgumentException("a token request needs a scope");
        }
        String form = "username=" + URLEncoder.encode(upn, StandardCharsets.UTF_8)
                + "&scope=" + URLEncoder.encode(request.getScopes().get(0), StandardCharsets.UTF_8);
        HttpResponse<byte[]> response;
        try {
            response = http.send(HttpRequest.newBuilder(tokenUri)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ClientAuthenticationException("the simulator's token endpoint is unreachable: " + e, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientAuthenticationException("interrupted while signing in", null, e);
        }
        JsonNode body = Json.MAPPER.readTree(response.body());
        if (response.statusCode() != 200) {
            throw new ClientAuthenticationException("sign-in of " + upn + " refused: "
                    + body.path("error_description").asString(""), null);
        }
        tokensIssued.incrementAndGet();
        return new AccessToken(body.get("access_token").asString(), OffsetDateTime.now().plusHours(1));
    }

    /** How many tokens this credential has obtained. */
    public int tokensIssued() {
        return tokensIssued.get();
    }
}
