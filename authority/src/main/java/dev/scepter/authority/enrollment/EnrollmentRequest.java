package dev.scepter.authority.enrollment;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * A request to enroll, whatever protocol carried it.
 *
 * @param csr               the PKCS#10 request
 * @param requester         who asks, as recorded (for SCEP: the client's address)
 * @param transactionId     the SCEP transactionID, if SCEP carried it
 * @param requestedValidity a validity the requester asked for, if any
 * @param actor             who answers for the request in the audit trail when it is not the
 *                          endpoint: an API token's name; empty when the endpoint's challenge vouched for it
 */
public record EnrollmentRequest(PKCS10CertificationRequest csr, String requester, Optional<String> transactionId,
        Optional<Duration> requestedValidity, Optional<String> actor) {
    public EnrollmentRequest {
        Objects.requireNonNull(csr, "csr");
        Objects.requireNonNull(requester, "requester");
        Objects.requireNonNull(transactionId, "transactionId");
        Objects.requireNonNull(requestedValidity, "requestedValidity");
        Objects.requireNonNull(actor, "actor");
    }

    /** A request the endpoint answers for (its challenge, or the certificate being renewed). */
    public EnrollmentRequest(PKCS10CertificationRequest csr, String requester, Optional<String> transactionId,
            Optional<Duration> requestedValidity) {
        this(csr, requester, transactionId, requestedValidity, Optional.empty());
    }
}
