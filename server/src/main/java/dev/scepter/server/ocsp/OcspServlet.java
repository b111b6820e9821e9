package dev.scepter.server.ocsp;

import dev.scepter.protocol.ocsp.MalformedOcspRequestException;
import dev.scepter.protocol.ocsp.OcspGetPath;
import dev.scepter.protocol.ocsp.OcspResponseEncoder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OCSP over HTTP (RFC 6960 appendix A, RFC 5019): POST {@code /ocsp} with the DER request, or GET
 * {@code /ocsp/{base64}}. Plain HTTP, never redirected. Every OCSP answer, including a malformed
 * request's, is an HTTP 200 carrying an OCSPResponse.
 *
 * <p>A servlet of its own rather than a Spring MVC controller: OCSP is the busiest endpoint
 * (every TLS handshake of every device may ask), and handler mapping, argument resolution and
 * return-value handling cost more CPU than the answer itself when it comes from the response
 * cache (docs/performance.md). Nor do Spring's request filters see its requests (Spring
 * Security's among them, which guards the API): they are mapped to the dispatcher servlet
 * ({@code DispatcherServletFilters}); the device body filter, mapped to {@code /ocsp}, does.
 */
public final class OcspServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final String PATH = "/ocsp";
    /** Even a request for 32 certificates with SHA-512 CertIDs is a few KiB. */
    static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final transient OcspResponder responder;
    private final transient MeterRegistry meters;
    private final transient Clock clock;
    /** One timer per method and outcome, looked up without building a meter id per request. */
    private final transient Map<String, Timer> timers = new ConcurrentHashMap<>();

    public OcspServlet(OcspResponder responder, MeterRegistry meters, Clock clock) {
        this.responder = responder;
        this.meters = meters;
        this.clock = clock;
    }

    /**
     * GET, HEAD, POST and OPTIONS go to their handlers; any other method, PUT or PROPFIND alike, is
     * a 405 naming the allowed ones, as it was under Spring MVC (the error page then answers in
     * OCSP's words, see RequestRefusalTest), never HttpServlet's 501 for a method it does not know.
     */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws jakarta.servlet.ServletException, IOException {
        switch (request.getMethod()) {
            case "GET", "HEAD", "POST", "OPTIONS" -> super.service(request, response);
            default -> notAllowed(response, allowed(request));
        }
    }

    @Override
    protected void doOptions(HttpServletRequest request, HttpServletResponse response) {
        response.setHeader("Allow", allowed(request) + ", OPTIONS");
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getPathInfo() != null) {
            // Only GET carries the request in the path.
            notAllowed(response, "GET, HEAD");
            return;
        }
        Timer.Sample sample = Timer.start(meters);
        byte[] body;
        try {
            body = request.getInputStream().readNBytes(MAX_REQUEST_BYTES + 1);
        } catch (IOException e) {
            // The body did not arrive whole (the client went away, or was too slow): not an OCSP request.
            sample.stop(timer("POST", "malformed"));
            send(response, OcspResponseEncoder.malformedRequest());
            return;
        }
        if (body.length > MAX_REQUEST_BYTES) {
            sample.stop(timer("POST", "too-large"));
            byte[] text = "An OCSP request is far smaller than this.".getBytes(StandardCharsets.UTF_8);
            response.setStatus(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
            response.setContentType("text/plain;charset=UTF-8");
            response.setContentLength(text.length);
            response.getOutputStream().write(text);
            return;
        }
        OcspResponder.Answer answer = responder.respond(body, new OcspResponder.Asker("POST /ocsp", request.getRemoteAddr()));
        sample.stop(timer("POST", answer.outcome()));
        send(response, answer.response());
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Timer.Sample sample = Timer.start(meters);
        // The raw URI: base64's '+', '/' and '=' must reach the decoder as the client sent them.
        String raw = request.getRequestURI().substring(request.getContextPath().length());
        String encoded = raw.length() > (PATH + "/").length() ? raw.substring((PATH + "/").length()) : "";
        byte[] der;
        try {
            if (encoded.length() > MAX_REQUEST_BYTES * 2) {
                throw new MalformedOcspRequestException("too long");
            }
            der = OcspGetPath.decode(encoded);
        } catch (MalformedOcspRequestException e) {
            sample.stop(timer("GET", "malformed"));
            send(response, OcspResponseEncoder.malformedRequest());
            return;
        }
        OcspResponder.Answer answer = responder.respond(der, new OcspResponder.Asker("GET /ocsp", request.getRemoteAddr()));
        sample.stop(timer("GET", answer.outcome()));
        if (answer.etag().isEmpty() || answer.thisUpdate().isEmpty() || answer.nextUpdate().isEmpty()) {
            response.setHeader("Cache-Control", "no-store");
            send(response, answer.response());
            return;
        }
        // RFC 5019 section 6: caches may keep the answer until its nextUpdate.
        Instant thisUpdate = answer.thisUpdate().get();
        Instant nextUpdate = answer.nextUpdate().get();
        long maxAge = Math.max(0, Duration.between(clock.instant(), nextUpdate).getSeconds());
        String etag = answer.etag().get();
        response.setHeader("Cache-Control", "max-age=" + maxAge + ", must-revalidate, no-transform, public");
        response.setHeader("ETag", etag);
        response.setDateHeader("Last-Modified", thisUpdate.toEpochMilli());
        response.setDateHeader("Expires", nextUpdate.toEpochMilli());
        if (notModified(request, etag)) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        send(response, answer.response());
    }

    /**
     * A conditional GET (RFC 9110 section 13.1.2) that the cache already answers: an If-None-Match
     * naming this answer's entity tag (weak comparison), or {@code *}. If-Modified-Since is not
     * honoured (RFC 9110 lets a server ignore it): Last-Modified is thisUpdate to the second, and
     * an answer that changed within that second (a revocation) would then be taken for the one the
     * cache holds, which would keep the old bytes under the new answer's freshness.
     */
    static boolean notModified(HttpServletRequest request, String etag) {
        String opaque = etag.startsWith("W/") ? etag.substring(2) : etag;
        java.util.Enumeration<String> lines = request.getHeaders("If-None-Match");
        while (lines != null && lines.hasMoreElements()) {
            for (String tag : lines.nextElement().split(",")) {
                String candidate = tag.trim();
                if (candidate.startsWith("W/")) {
                    candidate = candidate.substring(2);
                }
                if (candidate.equals("*") || candidate.equals(opaque)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String allowed(HttpServletRequest request) {
        return request.getPathInfo() == null ? "GET, HEAD, POST" : "GET, HEAD";
    }

    private static void notAllowed(HttpServletResponse response, String allow) throws IOException {
        response.setHeader("Allow", allow);
        response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
    }

    private static void send(HttpServletResponse response, byte[] ocspResponse) throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(OcspResponseEncoder.CONTENT_TYPE);
        response.setContentLength(ocspResponse.length);
        response.getOutputStream().write(ocspResponse);
    }

    private Timer timer(String method, String outcome) {
        return timers.computeIfAbsent(method + ' ' + outcome, name -> Timer.builder("ocsp.requests")
                .description("OCSP requests (RFC 6960) by HTTP method and outcome, and how long each took")
                .tag("method", method).tag("outcome", outcome).register(meters));
    }
}
