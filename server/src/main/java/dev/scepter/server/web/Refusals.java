package dev.scepter.server.web;

import dev.scepter.protocol.ocsp.OcspResponseEncoder;
import dev.scepter.server.web.ApiProblems;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * The answer to a request refused before any controller ran (by Tomcat, or by Spring before it
 * found a handler), in the terms of the path it was sent to: problem+json under {@code /api};
 * an OCSPResponse under {@code /ocsp} ({@code malformedRequest} for the client's mistake,
 * RFC 6960 section 4.2.1; {@code tryLater} or {@code internalError} for ours), with HTTP 200 as
 * every OCSP answer; elsewhere a short HTML page for a browser (one that asks for
 * {@code text/html} by name) and a short plain-text answer for any other client. Never a stack
 * trace, an exception's text or Tomcat's or Spring's own error page.
 */
public final class Refusals {

    private Refusals() {
    }

    public static void write(String rawPath, int status, HttpServletResponse response) throws IOException {
        write(rawPath, status, null, response);
    }

    /**
     * As {@link #write(String, int, HttpServletResponse)}, for a request whose {@code Accept}
     * header is known: a browser gets a page it can show, with the way back to the homepage.
     */
    public static void write(String rawPath, int status, String accept, HttpServletResponse response) throws IOException {
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
        } else if (asksForHtml(accept)) {
            body = page(path, status).getBytes(StandardCharsets.UTF_8);
            response.resetBuffer();
            response.setContentType("text/html;charset=UTF-8");
            response.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
            response.setHeader("X-Content-Type-Options", "nosniff");
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

    /** A browser names {@code text/html} in its Accept header; curl and SCEP clients send {@code *}{@code /*} or nothing. */
    static boolean asksForHtml(String accept) {
        if (accept == null || accept.isBlank()) {
            return false;
        }
        try {
            return MediaType.parseMediaTypes(accept).stream()
                    .anyMatch(type -> type.getType().equalsIgnoreCase("text") && type.getSubtype().equalsIgnoreCase("html")
                            && type.getQualityValue() > 0);
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    /** The page: the status in words, the path asked for (escaped, shortened), and the homepage's link. */
    static String page(String path, int status) {
        HttpStatus resolved = HttpStatus.resolve(status);
        String reason = resolved == null ? "Error" : resolved.getReasonPhrase();
        String shown = escape(path.length() > 200 ? path.substring(0, 200) + "..." : path);
        String explanation = status == 404 ? "There is no page at <code>" + shown + "</code> on this Scepter server."
                : status >= 500 ? "The server could not answer <code>" + shown + "</code>; its log says why."
                : "The request for <code>" + shown + "</code> was refused: " + escape(reason) + ".";
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + status + " " + escape(reason) + " - Scepter</title>\n"
                + "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}"
                + "code{background:#f3f3f3;padding:0 .2rem;word-break:break-all}</style>\n</head>\n<body>\n"
                + "<h1>" + status + " " + escape(reason) + "</h1>\n<p>" + explanation + "</p>\n"
                + "<p><a href=\"/\">Go to the Scepter homepage</a></p>\n</body>\n</html>\n";
    }

    private static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
