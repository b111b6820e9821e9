package dev.scepter.server.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * The API's error body (RFC 9457 problem details with SCEPman's {@code errorMessage} and
 * {@code errorCode} members), built the same way by the controllers' advice, the security layer
 * and the container's refusals, so a client sees one shape whoever refused it.
 */
public final class ApiProblems {

    private ApiProblems() {
    }

    public static ProblemDetail detail(HttpStatusCode status, String message, Integer errorCode) {
        ProblemDetail detail = ProblemDetail.forStatusAndDetail(status, message);
        detail.setProperty("errorMessage", message);
        if (errorCode != null) {
            detail.setProperty("errorCode", errorCode);
        }
        return detail;
    }

    /**
     * Writes a problem outside Spring MVC (a filter, the error page, the container). The request's
     * raw path becomes {@code instance}, as Spring MVC does, unless it is not a URI.
     */
    public static void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String message)
            throws IOException {
        write(request.getRequestURI(), response, status, message);
    }

    public static void write(String rawPath, HttpServletResponse response, HttpStatus status, String message) throws IOException {
        ProblemDetail detail = detail(status, message, null);
        try {
            detail.setInstance(URI.create(rawPath));
        } catch (IllegalArgumentException | NullPointerException e) {
            // A path the container refused is not a URI; the problem stands without it.
        }
        response.resetBuffer();
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        byte[] body = ApiJson.mapper().writeValueAsBytes(detail);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }

    /** The message for a status that a layer before the controllers refused with. */
    public static String messageFor(int status) {
        return switch (status) {
            case 400 -> "The request is malformed: its URI, a header or its query cannot be read.";
            case 401 -> "A bearer token is required (Authorization: Bearer ...).";
            case 403 -> "The token may not call this route.";
            case 404 -> "No such API route.";
            case 405 -> "This route does not take this method.";
            case 408 -> "The request took too long to arrive.";
            case 413 -> "The request body is larger than this route accepts.";
            case 414 -> "The URI is longer than this server accepts.";
            case 415 -> "This route does not take this Content-Type.";
            case 431 -> "The request's headers are larger than this server accepts.";
            case 503 -> "The server cannot answer now; try again later.";
            default -> status >= 500 ? "The server failed; its log says why."
                    : HttpStatus.resolve(status) == null ? "The request was refused." : HttpStatus.resolve(status).getReasonPhrase() + ".";
        };
    }
}
