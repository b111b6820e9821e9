package dev.scepter.server.acme;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import dev.scepter.protocol.acme.AcmeError;
import dev.scepter.protocol.acme.AcmeProblem;

/**
 * HTTP-01 validation (RFC 8555 section 8.3): fetches
 * {@code http://NAME:PORT/.well-known/acme-challenge/TOKEN} (port 80 unless
 * {@code AppConfig:Acme:Http01Port} says otherwise) without following redirects, reads at most a
 * few hundred bytes, and compares the body, trimmed of white space, with the key authorization.
 * {@code localhost} and names under {@code .localhost} are fetched from 127.0.0.1 (RFC 6761).
 */
final class Http01Validator {

    private static final int MAX_BODY = 512;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final int port;

    Http01Validator(int port) {
        this.port = port;
    }

    /** Why validation failed, or empty when the name served the key authorization. */
    Optional<AcmeProblem> validate(String host, String token, String keyAuthorization) {
        // RFC 6761 section 6.3: localhost and names under .localhost are the loopback address,
        // whatever the resolver says (glibc knows only "localhost" itself).
        boolean loopback = host.equals("localhost") || host.endsWith(".localhost");
        String literal = loopback ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
        URI uri = URI.create("http://" + literal + ":" + port + "/.well-known/acme-challenge/" + token);
        try {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readNBytes(MAX_BODY), StandardCharsets.US_ASCII);
            }
            if (response.statusCode() != 200) {
                return Optional.of(new AcmeProblem(AcmeError.INCORRECT_RESPONSE, uri + " answered HTTP " + response.statusCode()));
            }
            if (!body.strip().equals(keyAuthorization)) {
                return Optional.of(new AcmeProblem(AcmeError.INCORRECT_RESPONSE, uri + " did not serve the key authorization"));
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(new AcmeProblem(AcmeError.CONNECTION, "cannot fetch " + uri + ": " + e.getClass().getSimpleName()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(new AcmeProblem(AcmeError.CONNECTION, "interrupted while fetching " + uri));
        }
    }
}
