package dev.scepter.server.ocsp;

import dev.scepter.protocol.ocsp.MalformedOcspRequestException;
import dev.scepter.protocol.ocsp.OcspGetPath;
import dev.scepter.protocol.ocsp.OcspResponseEncoder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * OCSP over HTTP (RFC 6960 appendix A, RFC 5019): POST with the DER request, or GET with it in
 * base64 in the path. Plain HTTP, never redirected. Every OCSP answer, including a malformed
 * request's, is an HTTP 200 carrying an OCSPResponse.
 */
@RestController
public final class OcspController {

    static final MediaType OCSP_RESPONSE = MediaType.parseMediaType("application/ocsp-response");
    /** Even a request for 32 certificates with SHA-512 CertIDs is a few KiB. */
    static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final OcspResponder responder;
    private final MeterRegistry meters;
    private final Clock clock;

    public OcspController(OcspResponder responder, MeterRegistry meters, Clock clock) {
        this.responder = responder;
        this.meters = meters;
        this.clock = clock;
    }

    @PostMapping("/ocsp")
    public ResponseEntity<byte[]> post(HttpServletRequest request) {
        Timer.Sample sample = Timer.start(meters);
        byte[] body;
        try {
            body = request.getInputStream().readNBytes(MAX_REQUEST_BYTES + 1);
        } catch (IOException e) {
            // The body did not arrive whole (the client went away, or was too slow): not an OCSP request.
            sample.stop(timer("POST", "malformed"));
            return ResponseEntity.ok().contentType(OCSP_RESPONSE).body(OcspResponseEncoder.malformedRequest());
        }
        if (body.length > MAX_REQUEST_BYTES) {
            sample.stop(timer("POST", "too-large"));
            return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).contentType(MediaType.TEXT_PLAIN)
                    .body("An OCSP request is far smaller than this.".getBytes());
        }
        OcspResponder.Answer answer = responder.respond(body, new OcspResponder.Asker("POST /ocsp", request.getRemoteAddr()));
        sample.stop(timer("POST", answer.outcome()));
        return ResponseEntity.ok().contentType(OCSP_RESPONSE).body(answer.response());
    }

    @GetMapping({"/ocsp/**"})
    public ResponseEntity<byte[]> get(HttpServletRequest request) {
        Timer.Sample sample = Timer.start(meters);
        // The raw URI: base64's '+', '/' and '=' must reach the decoder as the client sent them.
        String raw = request.getRequestURI().substring(request.getContextPath().length());
        String encoded = raw.length() > "/ocsp/".length() ? raw.substring("/ocsp/".length()) : "";
        byte[] der;
        try {
            if (encoded.length() > MAX_REQUEST_BYTES * 2) {
                throw new MalformedOcspRequestException("too long");
            }
            der = OcspGetPath.decode(encoded);
        } catch (MalformedOcspRequestException e) {
            sample.stop(timer("GET", "malformed"));
            return ResponseEntity.ok().contentType(OCSP_RESPONSE).body(OcspResponseEncoder.malformedRequest());
        }
        OcspResponder.Answer answer = responder.respond(der, new OcspResponder.Asker("GET /ocsp", request.getRemoteAddr()));
        sample.stop(timer("GET", answer.outcome()));
        ResponseEntity.BodyBuilder response = ResponseEntity.ok().contentType(OCSP_RESPONSE);
        if (answer.thisUpdate().isPresent() && answer.nextUpdate().isPresent() && !answer.hasNonce()) {
            // RFC 5019 section 6: caches may keep the answer until its nextUpdate.
            Instant now = clock.instant();
            long maxAge = Math.max(0, Duration.between(now, answer.nextUpdate().get()).getSeconds());
            response.cacheControl(CacheControl.maxAge(Duration.ofSeconds(maxAge)).cachePublic().noTransform().mustRevalidate())
                    .lastModified(answer.thisUpdate().get())
                    .header(HttpHeaders.EXPIRES, DateTimeFormatter.RFC_1123_DATE_TIME.format(answer.nextUpdate().get().atZone(ZoneOffset.UTC)))
                    .eTag("\"" + sha1(answer.response()) + "\"");
        } else {
            response.cacheControl(CacheControl.noStore());
        }
        return response.body(answer.response());
    }

    private Timer timer(String method, String outcome) {
        return Timer.builder("ocsp.requests").description("OCSP requests (RFC 6960) by HTTP method and outcome, and how long each took")
                .tag("method", method).tag("outcome", outcome).register(meters);
    }

    private static String sha1(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
