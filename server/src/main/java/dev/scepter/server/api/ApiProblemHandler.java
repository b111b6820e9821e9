package dev.scepter.server.api;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The one place that turns API errors into HTTP: problem+json, never a stack trace. The
 * framework's own (unreadable JSON, wrong method, missing parameter) get the same form.
 */
@RestControllerAdvice(basePackageClasses = ApiProblemHandler.class)
public class ApiProblemHandler extends ResponseEntityExceptionHandler {

    private static final System.Logger LOG = System.getLogger(ApiProblemHandler.class.getName());

    @ExceptionHandler(ApiProblem.class)
    ResponseEntity<ProblemDetail> problem(ApiProblem problem) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(problem.status());
        if (problem.status() == HttpStatus.UNAUTHORIZED) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        return response.body(detail(problem.status(), problem.getMessage(), problem.errorCode().orElse(null)));
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> badArgument(IllegalArgumentException e) {
        return ResponseEntity.badRequest().body(detail(HttpStatus.BAD_REQUEST, e.getMessage(), null));
    }

    @ExceptionHandler(RuntimeException.class)
    ResponseEntity<ProblemDetail> unexpected(RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "API request failed", e);
        return ResponseEntity.internalServerError().body(detail(HttpStatus.INTERNAL_SERVER_ERROR, "The server failed; its log says why.", null));
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers, HttpStatusCode statusCode,
            WebRequest request) {
        // The framework's message can name classes; the status text is enough for the client.
        return ResponseEntity.status(statusCode).headers(headers)
                .body(detail(statusCode, HttpStatus.valueOf(statusCode.value()).getReasonPhrase(), null));
    }

    static ProblemDetail detail(HttpStatusCode status, String message, Integer errorCode) {
        ProblemDetail detail = ProblemDetail.forStatusAndDetail(status, message);
        detail.setProperty("errorMessage", message);
        if (errorCode != null) {
            detail.setProperty("errorCode", errorCode);
        }
        return detail;
    }
}
