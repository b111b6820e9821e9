package dev.scepter.server.acme;

import dev.scepter.protocol.acme.AcmeError;
import dev.scepter.protocol.acme.AcmeProblem;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * The limit on one ACME profile's challenge validations running at once on this node, HTTP-01, DNS-01 and TLS-ALPN-01 alike
 * (each profile has its own, so an open profile's slow names cannot keep another profile's challenges waiting):
 * each holds a request thread for up to 10 seconds (a DNS-01 hook also a process), and the same
 * Tomcat threads serve OCSP, SCEP and EST. When it is full the challenge stays {@code pending} and
 * the client is told {@code rateLimited} with {@code Retry-After} (RFC 8555 section 6.6), so it
 * may post the challenge again.
 */
final class ValidationGate {

    /** Validations at once per profile and node. */
    static final int LIMIT = 4;
    static final int RETRY_AFTER_SECONDS = 5;
    private final Semaphore permits;
    private final int limit;
    /** The threads its validations' blocking calls run on ({@link BoundedCalls}). */
    private final java.util.concurrent.ExecutorService calls;

    ValidationGate(int limit) {
        this.limit = limit;
        this.permits = new Semaphore(limit);
        this.calls = BoundedCalls.threads(limit);
    }

    /** Runs the validation if a place is free; otherwise {@link Busy} and nothing runs. */
    Optional<AcmeProblem> validate(Supplier<Optional<AcmeProblem>> validation) {
        if (!permits.tryAcquire()) {
            throw new Busy(limit);
        }
        try {
            return BoundedCalls.on(calls, validation);
        } finally {
            permits.release();
        }
    }

    /** Every place is taken: the challenge is left as it was, to be posted again after {@link #RETRY_AFTER_SECONDS}. */
    static final class Busy extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient AcmeProblem problem;

        Busy(int limit) {
            super(null, null, false, false);
            this.problem = new AcmeProblem(AcmeError.RATE_LIMITED,
                    "This node is validating " + limit + " challenges of this profile already; post this challenge again in " + RETRY_AFTER_SECONDS + " seconds.");
        }

        AcmeProblem problem() {
            return problem;
        }
    }
}
