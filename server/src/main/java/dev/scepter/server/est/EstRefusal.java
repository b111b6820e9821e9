package dev.scepter.server.est;

import org.springframework.http.HttpStatus;

/** An EST request refused before or by the enrollment: its status and a message safe to show. */
final class EstRefusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final HttpStatus status;

    EstRefusal(HttpStatus status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    HttpStatus status() {
        return status;
    }
}
