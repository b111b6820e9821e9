package dev.scepter.protocol.acme;

import java.util.Objects;

/**
 * A request refused in ACME's terms (RFC 8555 section 6.7): the endpoint answers it as an
 * {@code application/problem+json} document of this type. The detail is safe to show the client.
 */
public final class AcmeProblem extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final AcmeError error;

    public AcmeProblem(AcmeError error, String detail) {
        super(detail, null, false, false);
        this.error = Objects.requireNonNull(error, "error");
    }

    public AcmeError error() {
        return error;
    }

    public String detail() {
        return getMessage();
    }
}
