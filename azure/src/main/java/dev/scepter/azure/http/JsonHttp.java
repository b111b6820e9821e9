package dev.scepter.azure.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * JSON over HTTPS to Microsoft Graph, Intune and Jamf Pro, as their clients here share it: a
 * timeout on every call, a {@code client-request-id} for Microsoft's logs, and throttling
 * honoured. Graph and Intune answer 429 or 503 with {@code Retry-After} when an app or tenant asks
 * too much; the call is sent again after that wait, a few times, but never after a wait longer
 * than the caller can afford: an OCSP request must not hold its thread for a minute, so the
 * throttled answer is returned to the caller instead, who treats it as unavailable.
 */
public final class JsonHttp {

    public static final ObjectMapper JSON = JsonMapper.builder().build();

    /** How the caller waits; tests pass one that only records. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /**
     * An answer, any status.
     *
     * @param body the JSON body; {@link MissingNode} when it was empty or not JSON
     */
    public record Response(int status, HttpHeaders headers, JsonNode body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** Graph's and Intune's error code ({@code error.code}), or the status. */
        public String errorCode() {
            String code = body.path("error").path("code").asString("");
            return code.isEmpty() ? "HTTP " + status : code;
        }
    }

    private static final int THROTTLED = 429;
    private static final int UNAVAILABLE = 503;

    private final HttpClient http;
    private final Duration timeout;
    private final int attempts;
    private final Duration longestWait;
    private final Sleeper sleeper;
    private final Clock clock;

    /**
     * @param timeout     each call's limit, from sending to the whole answer
     * @param attempts    how many times a throttled call is sent in all (1: never again)
     * @param longestWait the longest wait before sending again; a longer {@code Retry-After} returns the throttled answer
     */
    public JsonHttp(HttpClient http, Duration timeout, int attempts, Duration longestWait, Sleeper sleeper, Clock clock) {
        this.http = Objects.requireNonNull(http, "http");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
        this.attempts = attempts;
        this.longestWait = Objects.requireNonNull(longestWait, "longestWait");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** An HTTP client for these calls: HTTP/1.1 or 2, no redirects followed (a redirect of a token-bearing call is not followed blindly). */
    public static HttpClient client(SSLContext tls, Duration connectTimeout) {
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * Sends a JSON call.
     *
     * @param bearer  the access token, or null for an anonymous call
     * @param headers more headers (Intune's {@code api-version})
     * @param body    the body, or null for none
     * @throws ServiceUnavailableException when no answer came (refused, reset, timed out)
     */
    public Response call(String method, URI uri, String bearer, Map<String, String> headers, JsonNode body) {
        return call(method, uri, bearer, headers, body, null);
    }

    /**
     * Sends a JSON call that must be answered by {@code deadline}: its timeout and any wait before
     * sending it again end there (a SCEP request waits for Intune no longer than its enrollment may).
     *
     * @param deadline when the caller stops waiting, or null for no limit but the call's timeout
     * @throws ServiceUnavailableException when no answer came by then
     */
    public Response call(String method, URI uri, String bearer, Map<String, String> headers, JsonNode body, Instant deadline) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeLeft(method, uri, deadline))
                .header("Accept", "application/json")
                .header("client-request-id", UUID.randomUUID().toString());
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        headers.forEach(request::header);
        if (body != null) {
            request.header("Content-Type", "application/json");
            request.method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body), StandardCharsets.UTF_8));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return send(request.build(), deadline);
    }

    /** Sends a prepared request (a form post, for example), with the same retries. */
    public Response send(HttpRequest request) {
        return send(request, null);
    }

    private Response send(HttpRequest request, Instant deadline) {
        for (int attempt = 1; ; attempt++) {
            if (attempt > 1 && deadline != null) {
                // Sent again: only for what is left of the caller's time.
                request = HttpRequest.newBuilder(request, (name, value) -> true)
                        .timeout(timeLeft(request.method(), request.uri(), deadline)).build();
            }
            Response response = once(request);
            if (response.status() != THROTTLED && response.status() != UNAVAILABLE || attempt >= attempts) {
                return response;
            }
            Duration wait = retryAfter(response.headers(), clock.instant()).orElse(Duration.ofMillis(200L * attempt));
            if (wait.compareTo(longestWait) > 0 || deadline != null && !clock.instant().plus(wait).isBefore(deadline)) {
                return response;
            }
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return response;
            }
        }
    }

    /** This call's timeout, shortened to what is left before the deadline. */
    private Duration timeLeft(String method, URI uri, Instant deadline) {
        if (deadline == null) {
            return timeout;
        }
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.compareTo(Duration.ofMillis(1)) < 0) {
            throw new ServiceUnavailableException(method + " " + withoutQuery(uri) + ": not sent, the caller's time is up", null);
        }
        return left.compareTo(timeout) < 0 ? left : timeout;
    }

    private Response once(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ServiceUnavailableException(request.method() + " " + withoutQuery(request.uri()) + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceUnavailableException(request.method() + " " + withoutQuery(request.uri()) + ": interrupted", e);
        }
        return new Response(response.statusCode(), response.headers(), parse(response.body()));
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            return MissingNode.getInstance();
        }
    }

    /** {@code Retry-After} in seconds or as an HTTP date (RFC 9110 section 10.2.3). */
    static Optional<Duration> retryAfter(HttpHeaders headers, Instant now) {
        Optional<String> value = headers.firstValue("Retry-After").map(String::trim);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.get()))));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    /** For messages: a query may carry an id worth keeping out of logs, and never a secret worth showing. */
    static String withoutQuery(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
    }
}
