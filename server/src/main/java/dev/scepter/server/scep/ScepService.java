package dev.scepter.server.scep;

import dev.scepter.authority.ca.CaKeyUnavailableException;
import dev.scepter.authority.enrollment.EnrollmentOutcome;
import dev.scepter.authority.enrollment.EnrollmentRequest;
import dev.scepter.authority.enrollment.EnrollmentService;
import dev.scepter.authority.issuance.CertificateIssuer;
import dev.scepter.authority.issuance.InvalidRequestException;
import dev.scepter.protocol.scep.CertRepEncoder;
import dev.scepter.protocol.scep.FailInfo;
import dev.scepter.protocol.scep.KeyTransportDecryptor;
import dev.scepter.protocol.scep.MalformedScepMessageException;
import dev.scepter.protocol.scep.MessageType;
import dev.scepter.protocol.scep.PkiMessage;
import dev.scepter.protocol.scep.PkiMessageDecoder;
import dev.scepter.protocol.scep.ResponseEncryption;
import dev.scepter.protocol.scep.ScepFailure;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * PKIOperation (RFC 8894 section 3.3): decode, authenticate, hand the request to the authority
 * ({@link EnrollmentService}), answer with a CertRep.
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

    private final EnrollmentService enrollments;
    private final KeyTransportDecryptor decrypter;
    private final Optional<X509CertificateHolder> recipient;
    private final CertRepEncoder encoder;
    private final ResponseEncryption responseEncryption;

    /**
     * @param keys whose key opens the requests' envelopes (the CA's, or an RA's); the encoder
     *             signs with the same party's key
     */
    public ScepService(EnrollmentService enrollments, ScepKeys keys, CertRepEncoder encoder, ResponseEncryption responseEncryption) {
        this.enrollments = Objects.requireNonNull(enrollments, "enrollments");
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
        boolean poll = request.messageType() == MessageType.CERT_POLL || request.messageType() == MessageType.GET_CERT;
        if (!poll && request.messageType() != MessageType.PKCS_REQ && request.messageType() != MessageType.RENEWAL_REQ) {
            return failure(endpoint, request, FailInfo.BAD_REQUEST, request.messageType() + " is not supported");
        }
        // A SUCCESS is encrypted to the signer's key, which ACCP or the JDK verified the signature
        // with without judging it (a prime modulus passes, and anyone could decrypt): the authority's
        // key policy judges it before anything is issued or encrypted.
        try {
            CertificateIssuer.checkEncryptionKey(request.signerCertificate().getSubjectPublicKeyInfo());
        } catch (InvalidRequestException e) {
            return failure(endpoint, request, FailInfo.BAD_MESSAGE_CHECK, "the signer's key: " + e.getMessage());
        }
        if (poll) {
            return issuedCertificate(endpoint, request);
        }
        PKCS10CertificationRequest csr;
        try {
            csr = recipient.isPresent()
                    ? request.decryptCertificationRequest(decrypter, recipient.get())
                    : request.decryptCertificationRequest(decrypter);
        } catch (ScepFailure e) {
            return failure(endpoint, request, e.failInfo(), e.getMessage());
        } catch (CaKeyUnavailableException e) {
            // Not the client's envelope: the CA key could not unwrap it now (the decryptor's own failure passes through).
            return failure(endpoint, request, FailInfo.BAD_REQUEST, "the CA key cannot decrypt now: " + e.getMessage());
        }
        EnrollmentRequest enrollmentRequest = new EnrollmentRequest(csr, requester, Optional.of(request.transactionId()), Optional.empty(),
                Optional.empty(), Optional.of(request.signerCertificate()));
        // The authority decides between enrollment and renewal (a PKCSReq signed by a certificate of ours renews, as macOS sends it).
        EnrollmentOutcome outcome;
        try {
            outcome = request.messageType() == MessageType.RENEWAL_REQ
                    ? enrollments.renew(endpoint.endpoint(), enrollmentRequest)
                    : enrollments.enroll(endpoint.endpoint(), enrollmentRequest);
        } catch (CaKeyUnavailableException e) {
            // Nothing was issued. RFC 8894 has no "try later" failInfo: badRequest, as for the other
            // outages below; the CertRep is signed by the same key, and if that fails too the
            // controller answers 503 with Retry-After (a CertRep cannot be unsigned).
            return failure(endpoint, request, FailInfo.BAD_REQUEST, "the CA key cannot sign now: " + e.getMessage());
        }
        if (outcome instanceof EnrollmentOutcome.Issued issued) {
            try {
                return new Result.CertRep(encoder.success(request, List.of(issued.certificate()), responseEncryption), "issued");
            } catch (ScepFailure e) {
                // The certificate is recorded; the client learns that this attempt failed and may enroll again.
                return failure(endpoint, request, e.failInfo(), e.getMessage());
            }
        }
        EnrollmentOutcome.Rejected rejected = (EnrollmentOutcome.Rejected) outcome;
        return switch (rejected.reason()) {
            // Renewals refuse without logging: the refusal is logged here, with the SCEP path.
            case RENEWAL_REFUSED, RENEWAL_NAMES_DIFFER -> failure(endpoint, request, FailInfo.BAD_REQUEST, rejected.detail());
            // Enrollment has logged why it refused.
            case BAD_CHALLENGE, BAD_REQUEST -> certRepFailure(request, FailInfo.BAD_REQUEST);
            case BAD_PROOF_OF_POSSESSION -> certRepFailure(request, FailInfo.BAD_MESSAGE_CHECK);
            // The MDM that vouches for requests (Intune) gave no answer, or refused the certificate's
            // delivery: nothing leaves. RFC 8894 has no "try later" failInfo; badRequest ("transaction
            // not permitted") is what NDES answers, and Intune's devices retry on their own schedule.
            // A directory outage after Intune validated the request is refused the same way: Intune has
            // been told (failureNotification), and its devices report an HTTP 5xx as an error, not a delay.
            // So is a CA key that could not sign (Key Vault throttling) after Intune validated the request.
            case VERIFIER_UNAVAILABLE, DELIVERY_REFUSED, DIRECTORY_UNAVAILABLE, CA_KEY_UNAVAILABLE -> certRepFailure(request, FailInfo.BAD_REQUEST);
            // RFC 8894 section 3.3.2.3: the client polls (CertPoll) until Intune's answer decided it.
            case DELIVERY_PENDING -> new Result.CertRep(encoder.pending(request), "pending");
        };
    }

    /**
     * CertPoll (RFC 8894 section 3.3.3) and GetCert (section 3.3.4): the certificate the
     * authority finds for the transaction, or for the issuer and serial number.
     */
    private Result issuedCertificate(ScepEndpoint endpoint, PkiMessage request) {
        Optional<X509CertificateHolder> found;
        if (request.messageType() == MessageType.CERT_POLL) {
            if (enrollments.awaitsDelivery(endpoint.endpoint(), request.transactionId())) {
                return new Result.CertRep(encoder.pending(request), "pending");
            }
            found = enrollments.issuedInTransaction(endpoint.endpoint(), request.transactionId());
        } else {
            IssuerAndSerialNumber wanted;
            try {
                wanted = request.decryptIssuerAndSerialNumber(decrypter, recipient.orElse(null));
            } catch (ScepFailure e) {
                return failure(endpoint, request, e.failInfo(), e.getMessage());
            } catch (CaKeyUnavailableException e) {
                return failure(endpoint, request, FailInfo.BAD_REQUEST, "the CA key cannot decrypt now: " + e.getMessage());
            }
            found = enrollments.certificate(wanted.getName(), wanted.getSerialNumber().getValue());
        }
        if (found.isEmpty()) {
            return failure(endpoint, request, FailInfo.BAD_CERT_ID, "no certificate of ours matches the " + request.messageType());
        }
        try {
            return new Result.CertRep(encoder.success(request, List.of(found.get()), responseEncryption), "issued");
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
