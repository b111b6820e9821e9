package dev.scepter.authority.enrollment;

import dev.scepter.protocol.csr.CertificationRequests;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * One enrollment as the ports that judge it or hear of it see it ({@link ChallengeVerifier},
 * {@link MdmNotifier}), whatever protocol carried it. Intune's validation and notification APIs
 * name the SCEP transaction and the request itself, not only the challenge.
 *
 * @param endpoint          the name of the enrollment endpoint ({@link EnrollmentEndpoint#name()})
 * @param transactionId     the SCEP transactionID (RFC 8894 section 3.2.1.1), if SCEP carried it
 * @param csr               the PKCS#10 request
 * @param challengePassword the challenge the request carried (PKCS#9 challengePassword, RFC 2985
 *                          section 5.4.1), if any
 * @param requester         who asks, as recorded (for SCEP: the client's address)
 * @param actor             who answers for the request when it is not the endpoint (an API token's name)
 * @param signer            the certificate that signed the protocol message (SCEP's signerInfo), if
 *                          any: self-signed for a new enrollment, the one being renewed for a renewal
 */
public record EnrollmentContext(String endpoint, Optional<String> transactionId, PKCS10CertificationRequest csr,
        Optional<String> challengePassword, String requester, Optional<String> actor, Optional<X509CertificateHolder> signer) {

    public EnrollmentContext {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(transactionId, "transactionId");
        Objects.requireNonNull(csr, "csr");
        Objects.requireNonNull(challengePassword, "challengePassword");
        Objects.requireNonNull(requester, "requester");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(signer, "signer");
    }

    /** The context of a request on an endpoint; the challenge is the one the request carries. */
    public static EnrollmentContext of(EnrollmentEndpoint endpoint, EnrollmentRequest request) {
        return new EnrollmentContext(endpoint.name(), request.transactionId(), request.csr(),
                CertificationRequests.challengePassword(request.csr()), request.requester(), request.actor(), request.signer());
    }

    /** Never the challenge: contexts may be logged. */
    @Override
    public String toString() {
        return "EnrollmentContext[endpoint=" + endpoint + ", transactionId=" + transactionId.orElse("-") + ", subject=" + csr.getSubject()
                + ", challengePassword=" + (challengePassword.isPresent() ? "<hidden>" : "none") + ", requester=" + requester
                + ", actor=" + actor.orElse("-") + ", signer=" + signer.map(X509CertificateHolder::getSubject).map(Object::toString).orElse("-")
                + "]";
    }
}
