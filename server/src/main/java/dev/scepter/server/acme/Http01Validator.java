package dev.scepter.server.acme;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import dev.scepter.protocol.acme.AcmeError;
import dev.scepter.protocol.acme.AcmeProblem;

/**
 * HTTP-01 validation (RFC 8555 section 8.3): fetches
 * {@code http://NAME:PORT/.well-known/acme-challenge/TOKEN} (port 80 unless
 * {@code AppConfig:Acme:Http01Port} says otherwise) without following redirects, reads at most a
 * few hundred bytes, all within one deadline (10 seconds, connection to last byte), and compares the body, trimmed of white space, with the key authorization.
 * {@code localhost} and names under {@code .localhost} are fetched from 127.0.0.1 (RFC 6761).
 */
final class Http01Validator {

    private static final int MAX_BODY = 512;
    /** The whole fetch, connection to last byte: a server trickling its answer holds a request thread (and the challenge) no longer. */
    static final Duration DEADLINE = Duration.ofSeconds(10);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final int port;
    private final Duration deadline;

    Http01Validator(int port) {
        this(port, DEADLINE);
    }

    Http01Validator(int port, Duration deadline) {
        this.port = port;
        this.deadline = deadline;
    }

    /** Why validation failed, or empty when the name served the key authorization. */
    Optional<AcmeProblem> validate(String host, String token, String keyAuthorization) {
        // RFC 6761 section 6.3: localhost and names under .localhost are the loopback address,
        // whatever the resolver says (glibc knows only "localhost" itself).
        boolean loopback = host.equals("localhost") || host.endsWith(".localhost");
        String literal = loopback ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
        URI uri = URI.create("http://" + literal + ":" + port + "/.well-known/acme-challenge/" + token);
        CompletableFuture<HttpResponse<byte[]>> fetch = http.sendAsync(HttpRequest.newBuilder(uri).timeout(deadline).GET().build(),
                info -> new FirstBytes(MAX_BODY));
        try {
            HttpResponse<byte[]> response = fetch.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            String body = new String(response.body(), StandardCharsets.US_ASCII);
            if (response.statusCode() != 200) {
                return Optional.of(new AcmeProblem(AcmeError.INCORRECT_RESPONSE, uri + " answered HTTP " + response.statusCode()));
            }
            if (!body.strip().equals(keyAuthorization)) {
                return Optional.of(new AcmeProblem(AcmeError.INCORRECT_RESPONSE, uri + " did not serve the key authorization"));
            }
            return Optional.empty();
        } catch (TimeoutException e) {
            fetch.cancel(true);
            return Optional.of(new AcmeProblem(AcmeError.CONNECTION, "no complete answer from " + uri + " within " + deadline.toSeconds() + " s"));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return Optional.of(new AcmeProblem(AcmeError.CONNECTION, "cannot fetch " + uri + ": " + cause.getClass().getSimpleName()));
        } catch (InterruptedException e) {
            fetch.cancel(true);
            Thread.currentThread().interrupt();
            return Optional.of(new AcmeProblem(AcmeError.CONNECTION, "interrupted while fetching " + uri));
        }
    }

    /** The first {@code limit} bytes of a body; the rest is not read (the subscription is cancelled). */
    private static final class FirstBytes implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final int limit;
        private Flow.Subscription subscription;

        FirstBytes(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription given) {
            subscription = given;
            given.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                int n = Math.min(item.remaining(), limit - bytes.size());
                byte[] chunk = new byte[n];
                item.get(chunk);
                bytes.write(chunk, 0, n);
            }
            if (bytes.size() >= limit) {
                subscription.cancel();
                result.complete(bytes.toByteArray());
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable failure) {
            result.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }
    }
}
