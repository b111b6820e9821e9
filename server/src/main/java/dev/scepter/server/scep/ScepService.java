package dev.scepter.server.scep;

import dev.scepter.authority.enrollment.Enrollment;
import dev.scepter.authority.enrollment.EnrollmentOutcome;
import dev.scepter.authority.enrollment.EnrollmentRequest;
import dev.scepter.authority.enrollment.Renewals;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.protocol.scep.CertRepEncoder;
import dev.scepter.protocol.scep.FailInfo;
import dev.scepter.protocol.scep.KeyTransportDecryptor;
import dev.scepter.protocol.scep.MalformedScepMessageException;
import dev.scepter.protocol.scep.MessageType;
import dev.scepter.protocol.scep.PkiMessage;
import dev.scepter.protocol.scep.PkiMessageDecoder;
import dev.scepter.protocol.scep.ResponseEncryption;
import dev.scepter.protocol.scep.ScepFailure;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * PKIOperation (RFC 8894 section 3.3): decode, authenticate, enroll, answer with a CertRep.
 * Anything the client got wrong is a CertRep FAILURE with its failInfo; only bytes that are not a
 * SCEP message at all are refused outright.
 */
public final class ScepService {

    private static final System.Logger LOG = System.getLogger(ScepService.class.getName());

    /** The result of one PKIOperation, for the HTTP layer and the metrics. */
    public sealed interface Result {
        /** A CertRep to send, with the outcome it carries. */
        record CertRep(byte[] message, String outcome) implements Result {
        }

        /** Not a SCEP pkiMessage: HTTP 400. */
        record Malformed(String reason) implements Result {
        }
    }

    private final Enrollment enrollment;
    private final Renewals renewals;
    private final CertificateStore store;
    private final String issuerName;
    private final KeyTransportDecryptor decrypter;
    private final Optional<X509CertificateHolder> recipient;
    private final CertRepEncoder encoder;
    private final ResponseEncryption responseEncryption;

    /**
     * @param keys whose key opens the requests' envelopes (the CA's, or an RA's); the encoder
     *             signs with the same party's key
     */
    public ScepService(Enrollment enrollment, Renewals renewals, CertificateStore store, String issuerName, ScepKeys keys,
            CertRepEncoder encoder, ResponseEncryption responseEncryption) {
        this.enrollment = Objects.requireNonNull(enrollment, "enrollment");
        this.renewals = Objects.requireNonNull(renewals, "renewals");
        this.store = Objects.requireNonNull(store, "store");
        this.issuerName = Objects.requireNonNull(issuerName, "issuerName");
        this.decrypter = keys.decrypter();
        this.recipient = keys.recipient();
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.responseEncryption = Objects.requireNonNull(responseEncryption, "responseEncryption");
    }

    public Result pkiOperation(ScepEndpoint endpoint, byte[] message, String requester) {
        PkiMessage request;
        try {
            request = PkiMessageDecoder.decode(message);
        } catch (MalformedScepMessageException e) {
            return new Result.Malformed(e.getMessage());
        }
        if (!request.signatureValid()) {
            return failure(endpoint, request, FailInfo.BAD_MESSAGE_CHECK, "the message's signature does not verify");
        }
        if (request.messageType() == MessageType.CERT_POLL || request.messageType() == MessageType.GET_CERT) {
            return issuedCertificate(endpoint, request);
        }
        if (request.messageType() != MessageType.PKCS_REQ && request.messageType() != MessageType.RENEWAL_REQ) {
            return failure(endpoint, request, FailInfo.BAD_REQUEST, request.messageType() + " is not supported");
        }
        PKCS10CertificationRequest csr;
        try {
            csr = recipient.isPresent()
                    ? request.decryptCertificationRequest(decrypter, recipient.get())
                    : request.decryptCertificationRequest(decrypter);
        } catch (ScepFailure e) {
            return failure(endpoint, request, e.failInfo(), e.getMessage());
        }
        EnrollmentRequest enrollmentRequest = new EnrollmentRequest(csr, requester, Optional.of(request.transactionId()), Optional.empty());
        EnrollmentOutcome outcome;
        // RFC 8894 section 3.3.1.2: a RenewalReq is signed by the certificate it renews; macOS sends
        // a PKCSReq signed by it instead. Either is authenticated by that certificate, not a challenge.
        if (request.messageType() == MessageType.RENEWAL_REQ || renewals.claimsToBeOurs(request.signerCertificate())) {
            Renewals.Decision decision = renewals.authorise(request.signerCertificate(), endpoint.endpoint().renewals());
            if (decision instanceof Renewals.Decision.Refused refused) {
                return failure(endpoint, request, FailInfo.BAD_REQUEST, "renewal refused: " + refused.reason());
            }
            outcome = enrollment.renew(endpoint.endpoint(), enrollmentRequest, ((Renewals.Decision.Authorised) decision).previous());
        } else {
            outcome = enrollment.enroll(endpoint.endpoint(), enrollmentRequest);
        }
        if (outcome instanceof EnrollmentOutcome.Issued issued) {
            try {
                return new Result.CertRep(encoder.success(request, List.of(issued.certificate()), responseEncryption), "issued");
            } catch (ScepFailure e) {
                // The certificate is recorded; the client learns that this attempt failed and may enroll again.
                return failure(endpoint, request, e.failInfo(), e.getMessage());
            }
        }
        // Enrollment has logged why it refused.
        EnrollmentOutcome.Rejected rejected = (EnrollmentOutcome.Rejected) outcome;
        return certRepFailure(request, switch (rejected.reason()) {
            case BAD_CHALLENGE, BAD_REQUEST -> FailInfo.BAD_REQUEST;
            case BAD_PROOF_OF_POSSESSION -> FailInfo.BAD_MESSAGE_CHECK;
        });
    }

    /**
     * CertPoll (RFC 8894 section 3.3.3): the certificate issued for this transaction; we never
     * answer PENDING, so a poll follows only a lost answer. GetCert (section 3.3.4): a certificate
     * of ours by issuer and serial number.
     */
    private Result issuedCertificate(ScepEndpoint endpoint, PkiMessage request) {
        Optional<IssuedCertificate> found;
        if (request.messageType() == MessageType.CERT_POLL) {
            // Like a retransmission, a poll is answered only by the endpoint that issued the certificate.
            found = store.findByTransactionId(issuerName, request.transactionId()).stream()
                    .filter(record -> record.endpoint().equals(endpoint.name())).findFirst();
        } else {
            IssuerAndSerialNumber wanted;
            try {
                wanted = request.decryptIssuerAndSerialNumber(decrypter, recipient.orElse(null));
            } catch (ScepFailure e) {
                return failure(endpoint, request, e.failInfo(), e.getMessage());
            }
            found = BCStyle.INSTANCE.toString(wanted.getName()).equals(issuerName)
                    ? store.find(issuerName, wanted.getSerialNumber().getValue())
                    : Optional.empty();
        }
        if (found.isEmpty()) {
            return failure(endpoint, request, FailInfo.BAD_CERT_ID, "no certificate of ours matches the " + request.messageType());
        }
        try {
            X509CertificateHolder certificate = new X509CertificateHolder(found.get().der());
            return new Result.CertRep(encoder.success(request, List.of(certificate), responseEncryption), "issued");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (ScepFailure e) {
            return failure(endpoint, request, e.failInfo(), e.getMessage());
        }
    }

    private Result failure(ScepEndpoint endpoint, PkiMessage request, FailInfo failInfo, String reason) {
        LOG.log(System.Logger.Level.INFO, "SCEP {0} transaction {1}: CertRep FAILURE {2}: {3}",
                endpoint.path(), request.transactionId(), failInfo, reason);
        return certRepFailure(request, failInfo);
    }

    private Result certRepFailure(PkiMessage request, FailInfo failInfo) {
        return new Result.CertRep(encoder.failure(request, failInfo), "failure-" + failInfo.name().toLowerCase(java.util.Locale.ROOT));
    }
}
