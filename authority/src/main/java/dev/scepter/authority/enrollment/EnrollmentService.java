package dev.scepter.authority.enrollment;

import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.protocol.csr.CertificationRequests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * Where every protocol brings its enrollment requests, decoded and their messages' signatures
 * verified: SCEP (RFC 8894 PKCSReq, RenewalReq, CertPoll, GetCert), the REST API's
 * {@code POST /api/csr}, and EST (RFC 7030 simpleenroll, simplereenroll). It decides
 * between a new enrollment and a renewal and finds issued certificates; the protocol only
 * encodes the answer.
 */
public final class EnrollmentService {

    private final Enrollment enrollment;
    private final Renewals renewals;
    private final CertificateStore store;
    private final String issuerName;

    /**
     * @param issuerName our CA's name as the store records it ({@link BCStyle})
     */
    public EnrollmentService(Enrollment enrollment, Renewals renewals, CertificateStore store, String issuerName) {
        this.enrollment = Objects.requireNonNull(enrollment, "enrollment");
        this.renewals = Objects.requireNonNull(renewals, "renewals");
        this.store = Objects.requireNonNull(store, "store");
        this.issuerName = Objects.requireNonNull(issuerName, "issuerName");
    }

    /**
     * A request for a certificate (SCEP PKCSReq, {@code POST /api/csr}): authorised by the
     * endpoint's challenge, or, when a certificate of ours signed the message, a renewal
     * authorised by that certificate. RFC 8894 section 3.3.1.2 has renewals sent as RenewalReq;
     * macOS sends a PKCSReq signed by the certificate it renews instead, and sends one with its
     * profile's challenge when it enrolls anew (its names changed, its certificate was revoked):
     * a signed PKCSReq that is no renewal but carries a challenge is judged by its challenge, as
     * a self-signed one would be.
     */
    public EnrollmentOutcome enroll(EnrollmentEndpoint endpoint, EnrollmentRequest request) {
        if (request.signer().filter(renewals::claimsToBeOurs).isEmpty()) {
            return enrollment.enroll(endpoint, request);
        }
        Renewals.Decision decision = decide(endpoint, request);
        if (decision instanceof Renewals.Decision.Refused && CertificationRequests.challengePassword(request.csr()).isPresent()) {
            return enrollment.enroll(endpoint, request);
        }
        return renewed(endpoint, request, decision);
    }

    /** As {@link Enrollment#refusalBeforeKeyIsMade}: a request whose key is made here, judged before the key is. */
    public Optional<String> refusalBeforeKeyIsMade(EnrollmentEndpoint endpoint, EnrollmentRequest request) {
        return enrollment.refusalBeforeKeyIsMade(endpoint, request);
    }

    /**
     * A renewal (SCEP RenewalReq, RFC 8894 section 3.3.1.2): authorised by the certificate that
     * signed the message, which must be ours, valid, good now and of a type the endpoint renews
     * ({@link Renewals}), and asked for the names it carries, no others; no challenge. The new
     * certificate keeps the old one's directory binding.
     */
    public EnrollmentOutcome renew(EnrollmentEndpoint endpoint, EnrollmentRequest request) {
        return renewed(endpoint, request, decide(endpoint, request));
    }

    private Renewals.Decision decide(EnrollmentEndpoint endpoint, EnrollmentRequest request) {
        return request.signer()
                .map(signer -> renewals.authorise(signer, request.csr(), endpoint.renewals(), endpoint.profile()))
                .orElseGet(() -> new Renewals.Decision.Refused("no certificate signed the request"));
    }

    private EnrollmentOutcome renewed(EnrollmentEndpoint endpoint, EnrollmentRequest request, Renewals.Decision decision) {
        if (decision instanceof Renewals.Decision.Refused refused) {
            // The protocol logs the refusal in its own terms, with its path; the MDM hears of it here.
            EnrollmentOutcome.Rejected rejection = new EnrollmentOutcome.Rejected(refused.namesDiffer()
                    ? EnrollmentOutcome.Reason.RENEWAL_NAMES_DIFFER : EnrollmentOutcome.Reason.RENEWAL_REFUSED,
                    "renewal refused: " + refused.reason());
            Notifications.refused(endpoint, request, rejection);
            return rejection;
        }
        return enrollment.renew(endpoint, request, ((Renewals.Decision.Authorised) decision).previous());
    }

    /**
     * CertPoll (RFC 8894 section 3.3.3): the certificate this endpoint issued in this transaction.
     * A poll follows a lost answer, or a "pending" given while the MDM decided the certificate's
     * delivery ({@link #awaitsDelivery}, asked first). Like a retransmission,
     * a poll is answered only by the endpoint that issued the certificate.
     */
    public Optional<X509CertificateHolder> issuedInTransaction(EnrollmentEndpoint endpoint, String transactionId) {
        return store.findByTransactionId(issuerName, transactionId).stream()
                // A revoked certificate is not handed out (one whose delivery the MDM refused never left).
                .filter(record -> record.endpoint().equals(endpoint.name()) && record.revocation().isEmpty()).findFirst().map(EnrollmentService::certificate);
    }

    /**
     * Whether this endpoint's certificate in this transaction is recorded but on its delivery hold
     * (its MDM has not acknowledged it, {@link MdmNotifier#holdsDelivery()}), whichever node
     * recorded it: a CertPoll is then answered "pending", not with the certificate.
     */
    public boolean awaitsDelivery(EnrollmentEndpoint endpoint, String transactionId) {
        return enrollment.awaitsDelivery(endpoint, transactionId);
    }

    /**
     * GetCert (RFC 8894 section 3.3.4): a certificate of ours by issuer and serial number; empty
     * for another issuer's.
     */
    public Optional<X509CertificateHolder> certificate(X500Name issuer, BigInteger serialNumber) {
        if (!BCStyle.INSTANCE.toString(issuer).equals(issuerName)) {
            return Optional.empty();
        }
        return store.find(issuerName, serialNumber).map(EnrollmentService::certificate);
    }

    private static X509CertificateHolder certificate(IssuedCertificate record) {
        try {
            return new X509CertificateHolder(record.der());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
