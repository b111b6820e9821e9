package dev.scepter.server.security;

import dev.scepter.authority.token.ApiRole;
import dev.scepter.server.web.ApiProblems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * What the security layer answers when it refuses an API request, as problem+json in the shape
 * the controllers' errors have: 401 with {@code WWW-Authenticate: Bearer} (RFC 6750 section 3),
 * 403, 413, 400, and 503 while the token store cannot be read. Each refusal is one log line at
 * most, naming the method, path and reason; never the token or the Authorization header.
 */
final class ApiRefusals implements AuthenticationEntryPoint, AccessDeniedHandler, AuthenticationFailureHandler, RequestRejectedHandler {

    private static final System.Logger LOG = System.getLogger(ApiRefusals.class.getName());

    private final Map<RequestMatcher, ApiRoute> routes;

    ApiRefusals(Map<RequestMatcher, ApiRoute> routes) {
        this.routes = routes;
    }

    /** No token at all (anonymous), or one that is malformed, unknown, revoked or expired. */
    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e) throws IOException {
        boolean presented = e instanceof OAuth2AuthenticationException || request.getHeader(HttpHeaders.AUTHORIZATION) != null;
        String message = presented ? "The bearer token is not valid or has expired." : ApiProblems.messageFor(401);
        // RFC 6750 section 3.1: a token that was presented and refused is an invalid_token.
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, presented ? "Bearer error=\"invalid_token\"" : "Bearer");
        log(System.Logger.Level.INFO, request, 401, presented ? "bearer token refused" : "no bearer token");
        ApiProblems.write(request, response, HttpStatus.UNAUTHORIZED, message);
    }

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response, AuthenticationException e) throws IOException {
        if (e instanceof AuthenticationServiceException) {
            log(System.Logger.Level.WARNING, request, 503, "the token store cannot be read: " + rootCause(e));
            response.setHeader(HttpHeaders.RETRY_AFTER, "10");
            ApiProblems.write(request, response, HttpStatus.SERVICE_UNAVAILABLE, ApiProblems.messageFor(503));
            return;
        }
        commence(request, response, e);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e) throws IOException {
        Optional<ApiRoute> route = route(request);
        String message = route.map(r -> "The token lacks the role this needs: "
                + r.roles().stream().map(ApiRole::value).sorted().collect(Collectors.joining(" or ")) + ".")
                .orElse("No API route takes this method and path, or no token may call it.");
        log(System.Logger.Level.INFO, request, 403, route.isPresent() ? "the token lacks the role" : "no such route");
        ApiProblems.write(request, response, HttpStatus.FORBIDDEN, message);
    }

    /** Spring Security's firewall refused the URI or a header (encoded separators, non-normalised paths, controls). */
    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException e) throws IOException {
        log(System.Logger.Level.DEBUG, request, 400, "refused by the firewall");
        ApiProblems.write(request, response, HttpStatus.BAD_REQUEST,
                "The request's URI or a header is not in the form this API accepts (no encoded separators, dot segments, "
                        + "semicolons or control characters).");
    }

    void formBody(HttpServletRequest request, HttpServletResponse response) throws IOException {
        log(System.Logger.Level.DEBUG, request, 415, "a form or multipart body");
        // The body is not read: the connection cannot carry another request.
        response.setHeader(HttpHeaders.CONNECTION, "close");
        ApiProblems.write(request, response, HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                "No API route takes a form or multipart body; send JSON (or a CSR to /api/csr).");
    }

    void malformedHeader(HttpServletRequest request, HttpServletResponse response) throws IOException {
        log(System.Logger.Level.DEBUG, request, 400, "malformed Content-Type or Accept");
        ApiProblems.write(request, response, HttpStatus.BAD_REQUEST, "The Content-Type or Accept header is not a media type.");
    }

    void bodyTooLarge(HttpServletRequest request, HttpServletResponse response, int limit) throws IOException {
        log(System.Logger.Level.DEBUG, request, 413, "body over " + limit + " bytes");
        ApiProblems.write(request, response, HttpStatus.CONTENT_TOO_LARGE,
                "The request body is larger than this route accepts (" + limit + " bytes at most).");
    }

    Optional<ApiRoute> route(HttpServletRequest request) {
        return routes.entrySet().stream().filter(entry -> entry.getKey().matches(request)).map(Map.Entry::getValue).findFirst();
    }

    /** One line: method, path (controls stripped, length capped), status, reason, client address. */
    static void log(System.Logger.Level level, HttpServletRequest request, int status, String reason) {
        if (LOG.isLoggable(level)) {
            LOG.log(level, "API {0} {1} from {2}: {3} ({4})", request.getMethod(), printable(request.getRequestURI()),
                    request.getRemoteAddr(), status, reason);
        }
    }

    static String printable(String text) {
        if (text == null) {
            return "";
        }
        String clean = text.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return clean.length() > 200 ? clean.substring(0, 200) + "..." : clean;
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName();
    }
}
