package dev.scepter.authority.enrollment;

import dev.scepter.authority.audit.AuditEvent;
import dev.scepter.authority.audit.AuditLog;
import dev.scepter.authority.ca.CaKeyUnavailableException;
import dev.scepter.authority.directory.DirectoryUnavailableException;
import dev.scepter.authority.enrollment.EnrollmentOutcome.Issued;
import dev.scepter.authority.enrollment.EnrollmentOutcome.Reason;
import dev.scepter.authority.enrollment.EnrollmentOutcome.Rejected;
import dev.scepter.authority.issuance.CertificateIssuer;
import dev.scepter.authority.issuance.EndpointProfile;
import dev.scepter.authority.issuance.InvalidRequestException;
import dev.scepter.authority.issuance.IssuedFor;
import dev.scepter.authority.issuance.SerialNumbers;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.DirectoryBinding;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.Revocation;
import dev.scepter.authority.store.RevocationOutcome;
import dev.scepter.authority.store.RevokedCertificate;
import dev.scepter.authority.store.SerialNumberCollisionException;
import dev.scepter.protocol.csr.CertificationRequests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The enrollment chain: challenge, then policy and signing, then recording, then the endpoint's
 * MDM is told. A certificate leaves only after its record is committed, so nothing issued is ever
 * lost; and only when the MDM did not refuse its delivery ({@link MdmNotifier}), else it is
 * revoked at once. Protocols enter through {@link EnrollmentService}, which also decides renewals.
 */
public final class Enrollment {

    private static final System.Logger LOG = System.getLogger(Enrollment.class.getName());
    /** Collisions of 152 random bits do not repeat; a few tries only guard against a broken store. */
    private static final int SERIAL_ATTEMPTS = 3;
    /**
     * CRLReason cessationOfOperation (RFC 5280 section 5.3.1): a certificate whose delivery the MDM
     * refused is not compromised, it is no longer needed for the enrollment it was made for.
     */
    static final int WITHHELD_REASON = 5;

    private final CertificateIssuer issuer;
    private final CertificateStore store;
    private final SerialNumbers serialNumbers;
    private final Optional<Binder> binder;
    private final AuditLog audit;
    private final Clock clock;
    private final List<Consumer<IssuedCertificate>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<RevokedCertificate>> revocationListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<BigInteger>> releaseListeners = new CopyOnWriteArrayList<>();

    /**
     * @param binder finds the directory object a request is for, for endpoints that bind
     * @param audit  where each issuance is appended (docs/api.md: every change is audited)
     */
    public Enrollment(CertificateIssuer issuer, CertificateStore store, SerialNumbers serialNumbers, Optional<Binder> binder,
            AuditLog audit, Clock clock) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.store = Objects.requireNonNull(store, "store");
        this.serialNumbers = Objects.requireNonNull(serialNumbers, "serialNumbers");
        this.binder = Objects.requireNonNull(binder, "binder");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Told of each certificate once it is recorded (OCSP's index of issued serials). */
    public void onIssued(Consumer<IssuedCertificate> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Told of each certificate recorded on a delivery hold ({@link Revocation#deliveryHold}) and
     * of each revoked because its MDM refused the delivery (the OCSP responder's revocation index
     * learns of it at once rather than at its next refresh).
     */
    public void onRevoked(Consumer<RevokedCertificate> listener) {
        revocationListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Told of each certificate whose delivery hold was lifted: its MDM acknowledged the delivery. */
    public void onReleased(Consumer<BigInteger> listener) {
        releaseListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Why the endpoint would refuse the request for what it asks, its key aside, which the caller
     * replaces with one it makes (EST serverkeygen); empty when nothing refuses it. Asked before the
     * key is made, and a refusal is logged and notified as every other. What needs the directory
     * (the binding of a bound endpoint) is judged only when the request is enrolled.
     */
    public Optional<String> refusalBeforeKeyIsMade(EnrollmentEndpoint endpoint, EnrollmentRequest request) {
        try {
            issuer.preflightWithoutKey(request.csr(), endpoint.profile());
            return Optional.empty();
        } catch (InvalidRequestException e) {
            return Optional.of(rejected(endpoint, request, new Rejected(Reason.BAD_REQUEST, e.getMessage())).detail());
        }
    }

    public EnrollmentOutcome enroll(EnrollmentEndpoint endpoint, EnrollmentRequest request) {
        byte[] requestDigest = sha256(request.csr());
        Optional<EnrollmentOutcome> settled = settledBeforeAuthorisation(endpoint, request, requestDigest);
        if (settled.isPresent()) {
            return settled.get();
        }
        // The checks that need no I/O come first: a one-time challenge is used up by the request it
        // lets through, and only an authorised request may make the directory work (binding by UPN).
        Optional<ChallengeVerifier.Acceptance> accepted;
        try {
            accepted = endpoint.challengeVerifier().accept(EnrollmentContext.of(endpoint, request));
        } catch (VerifierUnavailableException e) {
            // The MDM could not be asked: it is not told of a refusal it caused (Intune: no failure
            // notification for the validation's own failures).
            return refusedWithoutNotice(endpoint, request, new Rejected(Reason.VERIFIER_UNAVAILABLE,
                    "the service that vouches for the challenge gave no answer"), e.getMessage());
        }
        if (accepted.isEmpty()) {
            return rejected(endpoint, request, new Rejected(Reason.BAD_CHALLENGE, "the challenge password is missing or wrong"));
        }
        RecordWrite write = new RecordWrite();
        EnrollmentOutcome outcome;
        try {
            outcome = authorised(endpoint, request, requestDigest, write);
        } catch (RuntimeException e) {
            // Decided by how far the request got, not by reading the store afterwards: a write whose
            // answer was lost may have committed (or commit later), and its certificate may leave.
            if (!write.attempted) {
                giveBack(accepted.get(), endpoint, request);
            }
            throw e;
        }
        if (outcome instanceof Rejected rejection && !write.attempted && isOutage(rejection.reason())) {
            giveBack(accepted.get(), endpoint, request);
        }
        return outcome;
    }

    /**
     * Only an outage gives a challenge back: a request refused after its challenge passed keeps
     * it used, else one challenge would buy any number of directory lookups (binding by UPN or
     * device id), an oracle of which objects exist.
     */
    private static boolean isOutage(Reason reason) {
        return reason == Reason.DIRECTORY_UNAVAILABLE || reason == Reason.CA_KEY_UNAVAILABLE;
    }

    /**
     * Whether the certificate's record was written, or its write attempted with no answer that it
     * did not commit: from then on the challenge that authorised the request stays used.
     */
    private static final class RecordWrite {
        private boolean attempted;
    }

    /** A request its challenge authorised, bound, issued and recorded. */
    private EnrollmentOutcome authorised(EnrollmentEndpoint endpoint, EnrollmentRequest request, byte[] requestDigest, RecordWrite write) {
        try {
            return bindAndIssue(endpoint, request, requestDigest, write);
        } catch (DirectoryUnavailableException e) {
            if (endpoint.notifier() == MdmNotifier.NONE) {
                throw e;
            }
            // The MDM vouched for this request and waits to hear how it ended (Intune: a validated
            // request is answered by a success or a failure notification); an outage that left the
            // protocol's own "come back later" unanswered would leave it waiting for ever.
            return rejected(endpoint, request, new Rejected(Reason.DIRECTORY_UNAVAILABLE,
                    "the directory cannot be reached now; enroll again later"));
        } catch (CaKeyUnavailableException e) {
            return caKeyUnavailable(endpoint, request, e);
        }
    }

    /**
     * Gives the challenge back when an outage (the store, the directory, the CA key) stopped the
     * request it let through before its certificate's record was written. A refused request, a
     * write whose outcome is unknown and a certificate whose delivery the MDM refused keep it used. A store that cannot give it back now keeps it used:
     * logged, and the outage the request met is what its client hears.
     */
    private static void giveBack(ChallengeVerifier.Acceptance acceptance, EnrollmentEndpoint endpoint, EnrollmentRequest request) {
        try {
            acceptance.giveBack();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not give back the challenge of a request on endpoint {0} for subject \"{1}\", "
                    + "transaction {2}, which got no certificate; it stays used: {3}", endpoint.name(), request.csr().getSubject(),
                    request.transactionId().orElse("-"), e.getClass().getSimpleName());
        }
    }

    /**
     * The CA key did not sign (nothing was recorded): an MDM that vouched for the request is told,
     * as for a directory outage; without one the exception goes on to the protocol, whose "try
     * later" it is.
     */
    private static EnrollmentOutcome caKeyUnavailable(EnrollmentEndpoint endpoint, EnrollmentRequest request, CaKeyUnavailableException e) {
        if (endpoint.notifier() == MdmNotifier.NONE) {
            throw e;
        }
        return rejected(endpoint, request, new Rejected(Reason.CA_KEY_UNAVAILABLE, "the CA key cannot sign now; enroll again later"));
    }

    private EnrollmentOutcome bindAndIssue(EnrollmentEndpoint endpoint, EnrollmentRequest request, byte[] requestDigest, RecordWrite write) {
        Optional<Binder.Bound> bound = Optional.empty();
        if (endpoint.profile().binding().bound() && endpoint.binder().isPresent()) {
            ObjectBinder.Result result = endpoint.binder().get().bind(request.csr());
            if (result instanceof ObjectBinder.Refused refused) {
                return rejected(endpoint, request, new Rejected(Reason.BAD_REQUEST, refused.reason()));
            }
            bound = Optional.of(((ObjectBinder.Found) result).bound());
        } else if (endpoint.profile().binding().bound()) {
            bound = binder.flatMap(b -> b.bind(request.csr()));
            if (bound.isEmpty()) {
                return rejected(endpoint, request, new Rejected(Reason.BAD_REQUEST,
                        "the request names no directory object: a subject CN holding a device id, a SAN URI "
                                + "IntuneDeviceId://{id}, or the UPN of a user the directory knows"));
            }
        }
        return issueAndRecord(endpoint, request, bound, requestDigest, Optional.empty(), write);
    }

    /**
     * Renews a certificate that {@link Renewals} authorised: no challenge, the new certificate
     * keeps the previous one's directory binding, and it has no usage the previous one lacked
     * ({@link CertificateIssuer}). Only {@link EnrollmentService}
     * calls it, after the authorisation.
     */
    EnrollmentOutcome renew(EnrollmentEndpoint endpoint, EnrollmentRequest request, IssuedCertificate previous) {
        byte[] requestDigest = sha256(request.csr());
        Optional<EnrollmentOutcome> settled = settledBeforeAuthorisation(endpoint, request, requestDigest);
        if (settled.isPresent()) {
            return settled.get();
        }
        int typeByte = SerialNumbers.typeByte(previous.serialNumber()).orElseThrow();
        Optional<Binder.Bound> bound = previous.binding().map(binding -> new Binder.Bound(binding, typeByte));
        EnrollmentOutcome outcome;
        try {
            outcome = issueAndRecord(endpoint, request, bound, requestDigest, Optional.of(previous), new RecordWrite());
        } catch (CaKeyUnavailableException e) {
            return caKeyUnavailable(endpoint, request, e);
        }
        if (outcome instanceof Issued issued) {
            LOG.log(System.Logger.Level.INFO, "Renewed the certificate {0} as {1}", previous.serialHex(), issued.record().serialHex());
        }
        return outcome;
    }

    /**
     * What every request meets before anything authorises it: proof of possession, the answer
     * to a retransmission, and the checks that need no I/O. Empty when the request goes on.
     */
    private Optional<EnrollmentOutcome> settledBeforeAuthorisation(EnrollmentEndpoint endpoint, EnrollmentRequest request,
            byte[] requestDigest) {
        if (!CertificationRequests.isSelfSignatureValid(request.csr())) {
            return Optional.of(rejected(endpoint, request, new Rejected(Reason.BAD_PROOF_OF_POSSESSION,
                    "the request's signature does not verify with its public key")));
        }
        Optional<IssuedCertificate> earlier = retransmission(endpoint, request, requestDigest);
        if (earlier.isPresent() && awaitsDelivery(earlier.get())) {
            // The MDM has not acknowledged this certificate (its request waits for it, on this node or
            // another, or never got it): it does not leave before it has.
            LOG.log(System.Logger.Level.INFO, "A retransmission of transaction {0} came while the certificate {1} awaits its MDM''s decision",
                    request.transactionId().orElseThrow(), earlier.get().serialHex());
            return Optional.of(new Rejected(Reason.DELIVERY_PENDING, "the certificate awaits the MDM's acknowledgement; poll again"));
        }
        if (earlier.isPresent()) {
            // RFC 8894 section 3.3.2: a client that lost our answer sends the same request again and
            // gets the same certificate, not a second one (its one-time challenge is spent already).
            LOG.log(System.Logger.Level.INFO, "Answered a retransmission of transaction {0} with the certificate {1}",
                    request.transactionId().orElseThrow(), earlier.get().serialHex());
            try {
                return Optional.of(new Issued(new X509CertificateHolder(earlier.get().der()), earlier.get()));
            } catch (IOException e) {
                throw new UncheckedIOException("a recorded certificate cannot be read: " + earlier.get().serialHex(), e);
            }
        }
        try {
            issuer.preflight(request.csr(), endpoint.profile());
        } catch (InvalidRequestException e) {
            return Optional.of(rejected(endpoint, request, new Rejected(Reason.BAD_REQUEST, e.getMessage())));
        }
        return Optional.empty();
    }

    private EnrollmentOutcome issueAndRecord(EnrollmentEndpoint endpoint, EnrollmentRequest request, Optional<Binder.Bound> bound,
            byte[] requestDigest, Optional<IssuedCertificate> renewing, RecordWrite write) {
        for (int attempt = 1; ; attempt++) {
            BigInteger serial = bound.isPresent()
                    ? serialNumbers.bound(bound.get().serialTypeByte(), bound.get().binding().objectId())
                    : serialNumbers.unbound(endpoint.profile().serialTypeByte());
            X509CertificateHolder certificate;
            try {
                // A validity the protocol carried, else one the request asks for in Microsoft's name/value pairs.
                certificate = issuer.issue(request.csr(), endpoint.profile(),
                        request.requestedValidity().or(() -> CertificationRequests.requestedValidity(request.csr())), serial,
                        issuedFor(endpoint.profile(), bound.map(Binder.Bound::binding)), renewing.map(Enrollment::certificate));
            } catch (InvalidRequestException e) {
                return rejected(endpoint, request, new Rejected(Reason.BAD_REQUEST, e.getMessage()));
            }
            IssuedCertificate record = record(certificate, endpoint, request, bound.map(Binder.Bound::binding), requestDigest);
            // An MDM that acknowledges deliveries gets the certificate recorded on hold in the same
            // write: until it answers, no node vouches for it, and if it never answers (a crash, a
            // withholding revocation the store refused) the hold stays.
            Optional<Revocation> hold = endpoint.notifier().holdsDelivery()
                    ? Optional.of(Revocation.deliveryHold(clock.instant()))
                    : Optional.empty();
            AuditEvent issuance = issuance(endpoint, request, record, renewing);
            write.attempted = true;
            boolean audited;
            try {
                // One commit for the certificate and its audit line where the trail shares the store's
                // database (docs/performance.md, SCEP): the line is never committed without the certificate.
                audited = store.recordWithAudit(record.withRevocation(hold), issuance, audit);
            } catch (SerialNumberCollisionException e) {
                // The store refused the row, so nothing of this request was committed.
                write.attempted = false;
                if (attempt < SERIAL_ATTEMPTS) {
                    continue;
                }
                throw e;
            }
            return delivered(endpoint, request, record, certificate, hold, audited ? Optional.empty() : Optional.of(issuance));
        }
    }

    /**
     * After the record is committed: listeners, the audit line unless it was committed with the
     * record, then the MDM decides whether the certificate leaves.
     */
    private EnrollmentOutcome delivered(EnrollmentEndpoint endpoint, EnrollmentRequest request, IssuedCertificate record,
            X509CertificateHolder certificate, Optional<Revocation> hold, Optional<AuditEvent> unaudited) {
        listeners.forEach(listener -> listener.accept(record));
        hold.ifPresent(onHold -> {
            RevokedCertificate held = new RevokedCertificate(record.serialNumber(), onHold);
            revocationListeners.forEach(listener -> listener.accept(held));
        });
        unaudited.ifPresent(this::append);
        LOG.log(System.Logger.Level.INFO, "Issued a certificate with serial number {0} on endpoint {1} for subject \"{2}\", transaction {3}",
                record.serialHex(), endpoint.name(), record.subject(), request.transactionId().orElse("-"));
        Optional<String> deliveryRefused = Notifications.issued(endpoint, request, certificate);
        if (deliveryRefused.isPresent()) {
            withhold(endpoint, request, record, deliveryRefused.get());
            return refusedWithoutNotice(endpoint, request, new Rejected(Reason.DELIVERY_REFUSED,
                    "the certificate was not acknowledged by the MDM and is revoked"), deliveryRefused.get());
        }
        if (hold.isPresent()) {
            release(endpoint, request, record);
        }
        return new Issued(certificate, record);
    }

    /**
     * Lifts the delivery hold once the MDM acknowledged the delivery. A store that cannot lift it
     * now fails the request (the protocol answers that the store is unavailable): a certificate
     * that stays on hold does not leave.
     */
    private void release(EnrollmentEndpoint endpoint, EnrollmentRequest request, IssuedCertificate record) {
        if (store.release(record.issuer(), record.serialNumber())) {
            releaseListeners.forEach(listener -> listener.accept(record.serialNumber()));
            return;
        }
        // Revoked by hand while the MDM decided: that revocation stands, and OCSP says so.
        LOG.log(System.Logger.Level.WARNING, "The certificate {0} on endpoint {1}, transaction {2}, was revoked while its MDM decided "
                + "its delivery; delivered as revoked", record.serialHex(), endpoint.name(), request.transactionId().orElse("-"));
    }

    /**
     * What Microsoft's extensions say about the bound object: its Entra device id, and its SID when
     * wanted and the endpoint's challenge vouched for the object (else anyone holding a static
     * challenge could name an admin's UPN and get a certificate that logs on as that admin).
     */
    private IssuedFor issuedFor(EndpointProfile profile, Optional<DirectoryBinding> binding) {
        if (binding.isEmpty()) {
            return IssuedFor.NOTHING;
        }
        // An Intune device id is not the Entra device id that the device id extension names.
        Optional<java.util.UUID> entraDevice = binding.filter(b -> b.type() == dev.scepter.authority.directory.DirectoryObjectType.DEVICE).map(DirectoryBinding::objectId);
        Optional<String> sid = issuer.wantsSecurityIdentifier() && binder.isPresent() && profile.binding() == EndpointProfile.Binding.VOUCHED
                ? binder.get().securityIdentifier(binding.get())
                : Optional.empty();
        return new IssuedFor(entraDevice, sid);
    }

    /**
     * The issuance's audit event: who (the API token, or the endpoint whose challenge vouched for
     * the request, and the client's address), the serial and the subject.
     */
    private AuditEvent issuance(EnrollmentEndpoint endpoint, EnrollmentRequest request, IssuedCertificate record,
            Optional<IssuedCertificate> renewing) {
        String actor = request.actor().orElse("endpoint " + endpoint.name() + " (" + request.requester() + ")");
        String target = record.serialHex() + " subject \"" + record.subject() + "\""
                + renewing.map(previous -> " renewing " + previous.serialHex()).orElse("");
        return new AuditEvent(clock.instant(), actor, renewing.isPresent() ? "certificate.renew" : "certificate.issue", target,
                "success");
    }

    /**
     * Appends an issuance the store did not commit with its certificate. The certificate is
     * recorded already, with the same facts, and its client waits for it: a trail that cannot be
     * written now is logged in full, not turned into a failed enrollment.
     */
    private void append(AuditEvent event) {
        try {
            audit.append(event);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Could not append to the audit trail: {0} {1} {2} {3} at {4}: {5}", event.actor(),
                    event.action(), event.target(), event.outcome(), event.at(), e.getMessage());
        }
    }

    /**
     * Revokes a recorded certificate whose MDM refused its delivery, and audits it with the MDM's
     * reason. A store that cannot revoke it now fails the request (the protocol answers that the
     * store is unavailable): the certificate never leaves either way.
     */
    private void withhold(EnrollmentEndpoint endpoint, EnrollmentRequest request, IssuedCertificate record, String why) {
        String actor = request.actor().orElse("endpoint " + endpoint.name() + " (" + request.requester() + ")");
        Revocation revocation = new Revocation(WITHHELD_REASON, clock.instant(), endpoint.notifier() + ": delivery refused");
        RevocationOutcome outcome = store.revoke(record.issuer(), record.serialNumber(), revocation);
        AuditEvent event = new AuditEvent(revocation.revokedAt(), actor, "certificate.revoke",
                record.serialHex() + " reason " + WITHHELD_REASON + ": not delivered, " + why, outcome.name().toLowerCase(Locale.ROOT));
        try {
            audit.append(event);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Could not append to the audit trail: {0} {1} {2} {3} at {4}: {5}", event.actor(),
                    event.action(), event.target(), event.outcome(), event.at(), e.getMessage());
        }
        LOG.log(System.Logger.Level.WARNING, "Revoked the certificate {0} on endpoint {1}, transaction {2}, and did not deliver it: {3}",
                record.serialHex(), endpoint.name(), request.transactionId().orElse("-"), why);
        if (outcome == RevocationOutcome.REVOKED) {
            RevokedCertificate revoked = new RevokedCertificate(record.serialNumber(), revocation);
            revocationListeners.forEach(listener -> listener.accept(revoked));
        }
    }

    /** A refusal the endpoint's MDM caused itself, which it is not told of again. */
    private static Rejected refusedWithoutNotice(EnrollmentEndpoint endpoint, EnrollmentRequest request, Rejected rejection, String why) {
        LOG.log(System.Logger.Level.INFO, "Refused an enrollment on endpoint {0} for subject \"{1}\", transaction {2}: {3} ({4})",
                endpoint.name(), request.csr().getSubject(), request.transactionId().orElse("-"), rejection.detail(), why);
        return rejection;
    }

    private static Rejected rejected(EnrollmentEndpoint endpoint, EnrollmentRequest request, Rejected rejection) {
        LOG.log(System.Logger.Level.INFO, "Refused an enrollment on endpoint {0} for subject \"{1}\", transaction {2}: {3}",
                endpoint.name(), request.csr().getSubject(), request.transactionId().orElse("-"), rejection.detail());
        Notifications.refused(endpoint, request, rejection);
        return rejection;
    }

    /**
     * Whether a certificate this endpoint recorded in this transaction is on its delivery hold,
     * on any node (a CertPoll is then answered PENDING, not with the certificate).
     */
    boolean awaitsDelivery(EnrollmentEndpoint endpoint, String transactionId) {
        String caName = BCStyle.INSTANCE.toString(issuer.caName());
        return store.findByTransactionId(caName, transactionId).stream()
                .anyMatch(record -> record.endpoint().equals(endpoint.name()) && awaitsDelivery(record));
    }

    private static boolean awaitsDelivery(IssuedCertificate record) {
        return record.revocation().filter(Revocation::isDeliveryHold).isPresent();
    }

    /**
     * The certificate issued earlier for this very request (same transactionID, DER-identical CSR)
     * on this endpoint, if any. On another endpoint the same bytes are a new request, judged by
     * that endpoint's own challenge: each endpoint vouches only for what it issued itself, so a
     * request issued on {@code /scep} and replayed to Intune's endpoint must not come back with
     * the certificate that {@code /scep}'s challenge let through.
     */
    private Optional<IssuedCertificate> retransmission(EnrollmentEndpoint endpoint, EnrollmentRequest request, byte[] requestDigest) {
        if (request.transactionId().isEmpty()) {
            return Optional.empty();
        }
        String caName = org.bouncycastle.asn1.x500.style.BCStyle.INSTANCE.toString(issuer.caName());
        for (IssuedCertificate record : store.findByTransactionId(caName, request.transactionId().get())) {
            // A revoked certificate is never handed out again (one whose delivery the MDM refused never
            // left); one on its delivery hold is found, and answered "pending".
            if (record.endpoint().equals(endpoint.name()) && (record.revocation().isEmpty() || awaitsDelivery(record))
                    && record.requestDigest().filter(digest -> java.util.Arrays.equals(digest, requestDigest)).isPresent()) {
                return Optional.of(record);
            }
        }
        return Optional.empty();
    }

    private static X509CertificateHolder certificate(IssuedCertificate record) {
        try {
            return new X509CertificateHolder(record.der());
        } catch (IOException e) {
            throw new UncheckedIOException("a recorded certificate cannot be read: " + record.serialHex(), e);
        }
    }

    private static byte[] sha256(org.bouncycastle.pkcs.PKCS10CertificationRequest csr) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(csr.getEncoded());
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot digest a request we decoded", e);
        }
    }

    private static IssuedCertificate record(X509CertificateHolder certificate, EnrollmentEndpoint endpoint, EnrollmentRequest request,
            Optional<DirectoryBinding> binding, byte[] requestDigest) {
        try {
            return new IssuedCertificate(
                    certificate.getSerialNumber(),
                    BCStyle.INSTANCE.toString(certificate.getIssuer()),
                    BCStyle.INSTANCE.toString(certificate.getSubject()),
                    subjectAltNames(certificate),
                    certificate.getNotBefore().toInstant(),
                    certificate.getNotAfter().toInstant(),
                    endpoint.name(),
                    request.requester(),
                    request.transactionId(),
                    binding,
                    Optional.empty(),
                    certificate.getEncoded(),
                    Optional.of(requestDigest));
        } catch (IOException e) {
            throw new UncheckedIOException("a certificate we built cannot be encoded", e);
        }
    }

    /** SANs as {@code type:value}, the form the store and the search API use. */
    static List<String> subjectAltNames(X509CertificateHolder certificate) {
        GeneralNames names = GeneralNames.fromExtensions(certificate.getExtensions(), Extension.subjectAlternativeName);
        List<String> result = new ArrayList<>();
        if (names == null) {
            return result;
        }
        for (GeneralName name : names.getNames()) {
            result.add(switch (name.getTagNo()) {
                case GeneralName.dNSName -> "dns:" + name.getName();
                case GeneralName.rfc822Name -> "email:" + name.getName();
                case GeneralName.uniformResourceIdentifier -> "uri:" + name.getName();
                case GeneralName.iPAddress -> "ip:" + ipAddress(name);
                case GeneralName.directoryName -> "dirName:" + name.getName();
                case GeneralName.otherName -> otherName(name);
                default -> "tag" + name.getTagNo() + ":" + name.getName();
            });
        }
        return result;
    }

    private static String ipAddress(GeneralName name) {
        byte[] octets = org.bouncycastle.asn1.DEROctetString.getInstance(name.getName()).getOctets();
        try {
            return java.net.InetAddress.getByAddress(octets).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return org.bouncycastle.util.encoders.Hex.toHexString(octets);
        }
    }

    /** The UPN (Microsoft's otherName 1.3.6.1.4.1.311.20.2.3) is the one otherName users rely on. */
    private static String otherName(GeneralName name) {
        org.bouncycastle.asn1.x509.OtherName other = org.bouncycastle.asn1.x509.OtherName.getInstance(name.getName());
        String oid = other.getTypeID().getId();
        if ("1.3.6.1.4.1.311.20.2.3".equals(oid) && other.getValue() instanceof org.bouncycastle.asn1.ASN1String upn) {
            return "upn:" + upn.getString();
        }
        return "otherName:" + oid;
    }
}
