package dev.scepter.protocol.acme;

import java.util.Objects;

/**
 * A request refused in ACME's terms (RFC 8555 section 6.7): the endpoint answers it as an
 * {@code application/problem+json} document of this type. The detail is safe to show the client.
 */
public final class AcmeProblem extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final AcmeError error;
    private final String location;

    public AcmeProblem(AcmeError error, String detail) {
        this(error, detail, null);
    }

    /** A problem that points at a resource, such as the account that already has a key (RFC 8555 section 7.3.5's 409). */
    public AcmeProblem(AcmeError error, String detail, String location) {
        super(detail, null, false, false);
        this.error = Objects.requireNonNull(error, "error");
        this.location = location;
    }

    /** The URL to answer in the {@code Location} header, if any. */
    public java.util.Optional<String> location() {
        return java.util.Optional.ofNullable(location);
    }

    public AcmeError error() {
        return error;
    }

    public String detail() {
        return getMessage();
    }
}
