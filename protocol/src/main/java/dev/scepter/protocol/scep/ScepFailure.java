package dev.scepter.protocol.scep;

import java.util.Objects;

/**
 * A request that was read but cannot be processed: the server answers it with a CertRep FAILURE
 * carrying {@link #failInfo()} (RFC 8894 section 3.3.2.2), not with an HTTP error.
 */
public final class ScepFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final FailInfo failInfo;

    public ScepFailure(FailInfo failInfo, String message) {
        super(message);
        this.failInfo = Objects.requireNonNull(failInfo, "failInfo");
    }

    public ScepFailure(FailInfo failInfo, String message, Throwable cause) {
        super(message, cause);
        this.failInfo = Objects.requireNonNull(failInfo, "failInfo");
    }

    /** The failInfo the CertRep FAILURE should carry. */
    public FailInfo failInfo() {
        return failInfo;
    }
}
