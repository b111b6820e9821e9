package dev.scepter.installer.azure.sim;

import java.util.Map;

/**
 * An error answer of the simulator, thrown from anywhere in a request's handling and rendered as
 * {@code {"error":{"code":..,"message":..}}}. Every client mistake ends up as one of these, so
 * that a 500 always means a bug of the simulator itself.
 */
final class SimError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final transient Map<String, String> headers;

    SimError(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    SimError(int status, String code, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    SimResponse toResponse() {
        return new SimResponse(status, Json.error(code, getMessage()), headers);
    }
}
