package dev.scepter.server.web;

import dev.scepter.protocol.ocsp.OcspResponseEncoder;
import dev.scepter.server.web.ApiProblems;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;

/**
 * The answer to a request refused before any controller ran (by Tomcat, or by Spring before it
 * found a handler), in the terms of the path it was sent to: problem+json under {@code /api};
 * an OCSPResponse under {@code /ocsp} ({@code malformedRequest} for the client's mistake,
 * RFC 6960 section 4.2.1; {@code tryLater} or {@code internalError} for ours), with HTTP 200 as
 * every OCSP answer; a short plain-text answer elsewhere. Never a stack trace or HTML.
 */
public final class Refusals {

    private Refusals() {
    }

    public static void write(String rawPath, int status, HttpServletResponse response) throws IOException {
        String path = rawPath == null ? "" : rawPath;
        if (path.equals("/api") || path.startsWith("/api/")) {
            HttpStatus resolved = HttpStatus.resolve(status);
            ApiProblems.write(path, response, resolved == null ? HttpStatus.BAD_REQUEST : resolved, ApiProblems.messageFor(status));
            return;
        }
        byte[] body;
        if (path.equals("/ocsp") || path.startsWith("/ocsp/")) {
            body = status == 503 ? OcspResponseEncoder.tryLater()
                    : status >= 500 ? OcspResponseEncoder.internalError() : OcspResponseEncoder.malformedRequest();
            status = 200;
            response.resetBuffer();
            response.setContentType(OcspResponseEncoder.CONTENT_TYPE);
        } else {
            HttpStatus resolved = HttpStatus.resolve(status);
            body = ((resolved == null ? "Error" : resolved.getReasonPhrase()) + ".\n").getBytes(StandardCharsets.US_ASCII);
            response.resetBuffer();
            response.setContentType("text/plain;charset=US-ASCII");
        }
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }
}
