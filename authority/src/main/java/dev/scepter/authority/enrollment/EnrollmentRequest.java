package dev.scepter.authority.enrollment;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * A request to enroll, whatever protocol carried it, decoded and its message's signature verified.
 *
 * @param csr               the PKCS#10 request
 * @param requester         who asks, as recorded (for SCEP: the client's address)
 * @param transactionId     the SCEP transactionID, if SCEP carried it
 * @param requestedValidity a validity the requester asked for, if any
 * @param actor             who answers for the request in the audit trail when it is not the
 *                          endpoint: an API token's name; empty when the endpoint's challenge vouched for it
 * @param signer            the certificate that signed the protocol message, if any (SCEP's
 *                          signerInfo, RFC 8894 section 3.2): a certificate of ours makes the
 *                          request a renewal ({@link EnrollmentService})
 */
public record EnrollmentRequest(PKCS10CertificationRequest csr, String requester, Optional<String> transactionId,
        Optional<Duration> requestedValidity, Optional<String> actor, Optional<X509CertificateHolder> signer) {
    public EnrollmentRequest {
        Objects.requireNonNull(csr, "csr");
        Objects.requireNonNull(requester, "requester");
        Objects.requireNonNull(transactionId, "transactionId");
        Objects.requireNonNull(requestedValidity, "requestedValidity");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(signer, "signer");
    }

    /** A request that no message signer vouches for. */
    public EnrollmentRequest(PKCS10CertificationRequest csr, String requester, Optional<String> transactionId,
            Optional<Duration> requestedValidity, Optional<String> actor) {
        this(csr, requester, transactionId, requestedValidity, actor, Optional.empty());
    }

    /** A request the endpoint's challenge answers for, and no message signer. */
    public EnrollmentRequest(PKCS10CertificationRequest csr, String requester, Optional<String> transactionId,
            Optional<Duration> requestedValidity) {
        this(csr, requester, transactionId, requestedValidity, Optional.empty());
    }
}
