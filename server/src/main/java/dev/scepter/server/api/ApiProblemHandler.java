package dev.scepter.server.api;

import dev.scepter.authority.ca.CaKeyUnavailableException;
import dev.scepter.server.security.RequestBodyTooLargeException;
import dev.scepter.server.web.ApiJson;
import dev.scepter.server.web.ApiProblems;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/**
 * The one place that turns API errors into HTTP: problem+json in our words. A client's mistake
 * (a malformed or mistyped parameter, a body that does not bind, one too large) is a 4xx naming
 * what is wrong, logged in one line at debug level at most; anything unexpected is a 500 with a
 * fixed text and one error line. Neither echoes an exception's message, which may name classes,
 * SQL or a library's internals.
 */
@RestControllerAdvice(basePackageClasses = ApiProblemHandler.class)
public class ApiProblemHandler extends ResponseEntityExceptionHandler {

    private static final System.Logger LOG = System.getLogger(ApiProblemHandler.class.getName());

    /** How long a client waits before it asks again when the CA key is unavailable: Key Vault's throttling lasts seconds. */
    static final String RETRY_AFTER_SECONDS = "10";

    @ExceptionHandler(ApiProblem.class)
    ResponseEntity<ProblemDetail> problem(ApiProblem problem) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(problem.status());
        if (problem.status() == HttpStatus.UNAUTHORIZED) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        return response.contentType(MediaType.APPLICATION_PROBLEM_JSON).body(detail(problem.status(), problem.getMessage(),
                problem.errorCode().orElse(null)));
    }

    @ExceptionHandler(RequestBodyTooLargeException.class)
    ResponseEntity<ProblemDetail> tooLarge(RequestBodyTooLargeException e) {
        return clientMistake(HttpStatus.CONTENT_TOO_LARGE, "The request body is larger than this route accepts (" + e.limit() + " bytes at most).");
    }

    /** Tomcat refuses to decode a query string with a broken %-escape or one that is not UTF-8. */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<ProblemDetail> malformedQuery(InvalidParameterException e, HttpServletRequest request) {
        return clientMistake(HttpStatus.BAD_REQUEST, "The query string is malformed: "
                + parameterNames(request.getQueryString()) + "each %-escape must be % and two hex digits, of UTF-8.");
    }

    @ExceptionHandler(InvalidMediaTypeException.class)
    ResponseEntity<ProblemDetail> malformedMediaType(InvalidMediaTypeException e) {
        return clientMistake(HttpStatus.BAD_REQUEST, "The Content-Type or Accept header is not a media type.");
    }

    /**
     * An IllegalArgumentException that no controller turned into its own words: a value the code
     * below refused. The client gets a fixed text; the message goes to the log (it is ours, but
     * may quote what the client sent).
     */
    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> badArgument(IllegalArgumentException e) {
        LOG.log(System.Logger.Level.INFO, "API request refused: {0}: {1}", e.getClass().getSimpleName(), e.getMessage());
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(detail(HttpStatus.BAD_REQUEST, "The request holds a value this server cannot use.", null));
    }

    /**
     * The CA key could not sign now (Key Vault throttling or unavailable): nothing was issued,
     * and the same request may succeed later. Not a fault of ours nor of the client's.
     */
    @ExceptionHandler(CaKeyUnavailableException.class)
    ResponseEntity<ProblemDetail> caKeyUnavailable(CaKeyUnavailableException e) {
        // The message names the vault and the operation, never a token; it stays in the log.
        LOG.log(System.Logger.Level.WARNING, "API request not served, the CA key cannot be used now: {0}", e.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(detail(HttpStatus.SERVICE_UNAVAILABLE, "The CA key cannot be used now; nothing was issued. Retry later.", null));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, NativeWebRequest request) {
        Optional<CaKeyUnavailableException> caKey = cause(e, CaKeyUnavailableException.class);
        if (caKey.isPresent()) {
            return caKeyUnavailable(caKey.get());
        }
        HttpServletRequest servlet = request.getNativeRequest(HttpServletRequest.class);
        // One line for the operator; the stack trace at debug level, for when it is needed.
        StackTraceElement where = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
        LOG.log(System.Logger.Level.ERROR, "API {0} {1} failed: {2}: {3}{4}", servlet == null ? "?" : servlet.getMethod(),
                servlet == null ? "?" : servlet.getRequestURI(), e.getClass().getName(), e.getMessage(), where == null ? "" : " at " + where);
        LOG.log(System.Logger.Level.DEBUG, "API request failed", e);
        return ResponseEntity.internalServerError().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(detail(HttpStatus.INTERNAL_SERVER_ERROR, ApiProblems.messageFor(500), null));
    }

    // --- the framework's own refusals, in our words -------------------------------------------

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        Optional<RequestBodyTooLargeException> tooLarge = cause(e, RequestBodyTooLargeException.class);
        if (tooLarge.isPresent()) {
            return body(tooLarge(tooLarge.get()));
        }
        String message = cause(e, JacksonException.class).map(ApiJson::describe)
                .orElse("The request needs a body: a JSON object for this route.");
        return body(clientMistake(HttpStatus.BAD_REQUEST, message));
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        return body(clientMistake(HttpStatus.BAD_REQUEST, "The query parameter \"" + e.getParameterName() + "\" is required."));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        return body(clientMistake(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "This route does not take this Content-Type; it takes "
                + String.join(" or ", e.getSupportedMediaTypes().stream().map(Object::toString).distinct().limit(3).toList()) + "."));
    }

    /** A query parameter or path variable of the wrong type: {@code ?pageSize=abc}. */
    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException e, HttpHeaders headers, HttpStatusCode status,
            WebRequest request) {
        if (!(e instanceof MethodArgumentTypeMismatchException mismatch)) {
            return handleExceptionInternal(e, null, headers, HttpStatus.BAD_REQUEST, request);
        }
        Class<?> type = mismatch.getParameter().nestedIfOptional().getNestedParameterType();
        String expected = type == Integer.class || type == int.class || type == Long.class || type == long.class ? "an integer"
                : type == Boolean.class || type == boolean.class ? "true or false" : "a value of another form";
        return body(clientMistake(HttpStatus.BAD_REQUEST, "\"" + mismatch.getName() + "\" must be " + expected + "."));
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers, HttpStatusCode statusCode,
            WebRequest request) {
        // The framework's message can name classes; a fixed text for the status is enough for the client.
        LOG.log(System.Logger.Level.DEBUG, "API request refused with {0}: {1}", statusCode.value(), ex.getClass().getSimpleName());
        return ResponseEntity.status(statusCode).headers(headers).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(detail(statusCode, ApiProblems.messageFor(statusCode.value()), null));
    }

    static ProblemDetail detail(HttpStatusCode status, String message, Integer errorCode) {
        return ApiProblems.detail(status, message, errorCode);
    }

    private static ResponseEntity<ProblemDetail> clientMistake(HttpStatus status, String message) {
        LOG.log(System.Logger.Level.DEBUG, "API request refused with {0}: {1}", status.value(), message);
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(detail(status, message, null));
    }

    private static ResponseEntity<Object> body(ResponseEntity<ProblemDetail> response) {
        return ResponseEntity.status(response.getStatusCode()).headers(response.getHeaders()).body(response.getBody());
    }

    private static <T extends Throwable> Optional<T> cause(Throwable e, Class<T> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return Optional.of(type.cast(cause));
            }
        }
        return Optional.empty();
    }

    /** The names of the query's parameters (not their values), to say which one to look at. */
    private static String parameterNames(String query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        java.util.List<String> names = java.util.Arrays.stream(query.split("&")).map(p -> p.split("=", 2)[0])
                .filter(n -> n.matches("[A-Za-z][A-Za-z0-9_.-]{0,40}")).distinct().limit(5).toList();
        return names.isEmpty() ? "" : "check " + String.join(", ", names) + "; ";
    }
}
