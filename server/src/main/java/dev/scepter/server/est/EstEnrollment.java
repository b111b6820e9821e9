package dev.scepter.server.est;

import dev.scepter.authority.directory.Directory;
import dev.scepter.authority.enrollment.CertificateType;
import dev.scepter.authority.enrollment.ChallengeVerifier;
import dev.scepter.authority.enrollment.EnrollmentEndpoint;
import dev.scepter.authority.enrollment.EnrollmentOutcome;
import dev.scepter.authority.enrollment.EnrollmentRequest;
import dev.scepter.authority.enrollment.EnrollmentService;
import dev.scepter.authority.enrollment.OneTimeChallenges;
import dev.scepter.authority.enrollment.RenewalPolicy;
import dev.scepter.authority.enrollment.Renewals;
import dev.scepter.authority.enrollment.SelfServiceRules;
import dev.scepter.authority.issuance.CertificateIssuer;
import dev.scepter.authority.issuance.EndpointProfile;
import dev.scepter.authority.issuance.SerialNumbers;
import dev.scepter.authority.token.ApiRole;
import dev.scepter.settings.DbCsrSettings;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.springframework.http.HttpStatus;

/**
 * EST's enrollments (RFC 7030 sections 4.2.1 and 4.2.2), decided by the authority's
 * {@link EnrollmentService} as SCEP's and {@code POST /api/csr}'s are: who may enroll, on which
 * endpoint profile, and how a refusal reads in HTTP. Certificates are recorded before they leave
 * (and OCSP answers for them) because the enrollment chain does so for every protocol.
 *
 * <ul>
 *   <li>{@code simpleenroll} with a bearer token: {@code CSR.Request.Db} issues what the request
 *       asks for, under {@code AppConfig:DbCSRValidation:*}; {@code CSR.SelfService} alone issues
 *       only a Client Authentication certificate for the caller, unbound, or for one device the
 *       directory says the caller owns, bound to the device ({@link SelfServiceRules}).</li>
 *   <li>{@code simpleenroll} with HTTP Basic: the password is a one-time challenge
 *       ({@code POST /api/challenges}), used up by the request it lets through (given back only if
 *       an outage stopped it before its certificate was written), where
 *       {@code AppConfig:DbCSRValidation:AllowDynamicChallenges} is true.</li>
 *   <li>{@code simpleenroll} with a client certificate of ours (mutual TLS): a renewal of that
 *       certificate, exactly as {@code simplereenroll} (another key for the same device).</li>
 *   <li>{@code simplereenroll}: the certificate being renewed, over mutual TLS, authorises the
 *       request as a SCEP RenewalReq's signer does ({@link Renewals}), gated by
 *       {@code AllowRenewals} and {@code ReenrollmentAllowedCertificateTypes}; the request names
 *       what the old certificate names ({@link Renewals#authorise}), the new certificate
 *       keeps the old one's directory binding and has no usage the old one lacks.</li>
 * </ul>
 */
final class EstEnrollment {

    /** The endpoint name EST's certificates are recorded with. */
    static final String ENDPOINT = "est";
    private static final List<KeyPurposeId> CLIENT_AUTH = List.of(KeyPurposeId.id_kp_clientAuth);
    private static final int SIGN_AND_ENCIPHER = KeyUsage.digitalSignature | KeyUsage.keyEncipherment;
    private static final ChallengeVerifier VOUCHED_FOR = context -> true;
    private static final String NO_CREDENTIALS = "simpleenroll needs a bearer token (CSR.Request.Db or CSR.SelfService), HTTP Basic "
            + "with a one-time challenge as the password, or a client certificate of ours over mutual TLS.";
    private static final String SERVER_KEY_GEN_ONLY = "serverkeygen is for a bearer token with CSR.Request.Db: a key made here "
            + "leaves only to a caller who may have any certificate issued.";
    private static final String NO_CERTIFICATE_TO_RENEW = "simplereenroll needs the certificate being renewed, presented over "
            + "mutual TLS on the HTTPS listener (AppConfig:Https:ClientCertificateMode Optional).";

    /** What the audit trail's actor says of a serverkeygen issuance: the CA held the key. */
    static final String KEY_MADE_HERE = " (serverkeygen: key made here)";
    /** Keys made at once (serverkeygen); more wait for a 503's Retry-After. */
    private static final int CONCURRENT_KEYS = 2;

    private final java.util.concurrent.Semaphore keyMakers = new java.util.concurrent.Semaphore(CONCURRENT_KEYS);
    private final EnrollmentService enrollments;
    private final OneTimeChallenges oneTimeChallenges;
    private final EndpointProfile profile;
    private final EndpointProfile selfServiceProfile;
    private final EndpointProfile ownedDeviceProfile;
    private final SelfServiceRules ownedDevices;
    private final RenewalPolicy renewalPolicy;
    private final boolean acceptsOneTimeChallenges;
    private final io.micrometer.core.instrument.Counter keysMade;

    /**
     * @param keysMade  counts the keys serverkeygen made
     * @param directory the directory in use, asked whether a self-service caller owns the device it names
     */
    EstEnrollment(DbCsrSettings settings, EnrollmentService enrollments, OneTimeChallenges oneTimeChallenges,
            io.micrometer.core.instrument.Counter keysMade, Directory directory) {
        this.enrollments = Objects.requireNonNull(enrollments, "enrollments");
        this.keysMade = Objects.requireNonNull(keysMade, "keysMade");
        this.oneTimeChallenges = Objects.requireNonNull(oneTimeChallenges, "oneTimeChallenges");
        this.profile = new EndpointProfile(ENDPOINT, SerialNumbers.TYPE_STATIC, settings.validityPeriodDays(),
                settings.defaultEkus().stream().map(CertificateIssuer::keyPurpose).toList(), SIGN_AND_ENCIPHER,
                EndpointProfile.Binding.NONE, settings.allowRequestedSidExtension());
        // Self-service: Client Authentication only, and never a SID the caller names.
        this.selfServiceProfile = new EndpointProfile(ENDPOINT, SerialNumbers.TYPE_STATIC, settings.validityPeriodDays(), CLIENT_AUTH,
                SIGN_AND_ENCIPHER, EndpointProfile.Binding.NONE, false);
        // A device the caller owns: bound to the device as Intune's certificates are (serial type 0x40 or
        // 0x41), but REQUIRED, not VOUCHED: no MDM vouched for the request, so it earns no SID.
        // Recorded under its own endpoint name, which Renewals reads: a renewal would not ask who owns the device.
        this.ownedDeviceProfile = new EndpointProfile(SelfServiceRules.OWNED_DEVICE_ENDPOINT, SerialNumbers.TYPE_STATIC, settings.validityPeriodDays(), CLIENT_AUTH,
                SIGN_AND_ENCIPHER, EndpointProfile.Binding.REQUIRED, false);
        this.ownedDevices = SelfServiceRules.forOwnedDevices(Objects.requireNonNull(directory, "directory"));
        this.renewalPolicy = new RenewalPolicy(settings.allowRenewals(), settings.reenrollmentAllowedCertificateTypes().stream()
                .map(type -> CertificateType.bySettingName(type).orElseThrow()).collect(Collectors.toSet()));
        this.acceptsOneTimeChallenges = settings.allowDynamicChallenges();
    }

    /**
     * What can be refused before the body is read, so that a caller without credentials, or
     * without the role, never has its body parsed: no credentials at all for {@code simpleenroll},
     * no client certificate for {@code simplereenroll}, a token without either enrollment role.
     */
    void admit(EstCaller caller, boolean reenroll) {
        admit(caller, reenroll, false);
    }

    /** As {@link #admit(EstCaller, boolean)}; {@code serverKeyGen}: only a token with {@code CSR.Request.Db} gets past. */
    void admit(EstCaller caller, boolean reenroll, boolean serverKeyGen) {
        if (serverKeyGen) {
            if (caller instanceof EstCaller.Anonymous && caller.clientCertificate().isEmpty()) {
                throw new EstRefusal(HttpStatus.UNAUTHORIZED, SERVER_KEY_GEN_ONLY);
            }
            if (!(caller instanceof EstCaller.Token token) || !token.token().roles().contains(ApiRole.CSR_REQUEST_DB)) {
                throw new EstRefusal(HttpStatus.FORBIDDEN, SERVER_KEY_GEN_ONLY);
            }
            return;
        }
        if (reenroll) {
            if (caller.clientCertificate().isEmpty()) {
                throw new EstRefusal(HttpStatus.FORBIDDEN, NO_CERTIFICATE_TO_RENEW);
            }
            return;
        }
        if (caller instanceof EstCaller.Anonymous && caller.clientCertificate().isEmpty()) {
            throw new EstRefusal(HttpStatus.UNAUTHORIZED, NO_CREDENTIALS);
        }
        if (caller instanceof EstCaller.Token token && !token.token().roles().contains(ApiRole.CSR_REQUEST_DB)
                && !token.token().roles().contains(ApiRole.CSR_SELF_SERVICE)) {
            throw new EstRefusal(HttpStatus.FORBIDDEN, "The token lacks the role this needs: CSR.Request.Db or CSR.SelfService.");
        }
    }

    /** {@code simpleenroll} (RFC 7030 section 4.2.1). */
    X509CertificateHolder enroll(EstCaller caller, PKCS10CertificationRequest csr, String clientAddress, String label) {
        String via = via(label);
        if (caller instanceof EstCaller.Token token) {
            return enrollWithToken(token, csr, via);
        }
        if (caller instanceof EstCaller.Challenge challenge) {
            if (!acceptsOneTimeChallenges) {
                throw new EstRefusal(HttpStatus.UNAUTHORIZED, "HTTP Basic takes a one-time challenge only where "
                        + "AppConfig:DbCSRValidation:AllowDynamicChallenges is true; use a bearer token.");
            }
            return issued(enrollments.enroll(
                    new EnrollmentEndpoint(profile, oneTimeChallenges.presented(challenge.password())),
                    new EnrollmentRequest(csr, via + " " + clientAddress, Optional.empty(), Optional.empty())), HttpStatus.UNAUTHORIZED);
        }
        return enrollWithCertificate(caller.clientCertificate()
                .orElseThrow(() -> new EstRefusal(HttpStatus.UNAUTHORIZED, NO_CREDENTIALS)), csr, via);
    }

    /** A key this server made and the certificate issued for it (serverkeygen): the key leaves once, in the answer. */
    record ServerKey(java.security.KeyPair keys, X509CertificateHolder certificate) {
        @Override
        public String toString() {
            return "ServerKey[certificate=" + certificate.getSerialNumber().toString(16) + ", key=<hidden>]";
        }
    }

    /**
     * {@code serverkeygen} (RFC 7030 section 4.4): for a bearer token with {@code CSR.Request.Db}
     * only, which may have any certificate issued and so may have its key made here too; not for
     * self-service, a one-time challenge or a client certificate, whose rules bind the request to
     * a key the caller holds. The request's names and extensions are kept, its key is not (section
     * 4.4.1: the server may ignore it); the new key, of the request key's kind, signs the request
     * the enrollment chain judges, and is never stored.
     */
    ServerKey serverKeyGen(EstCaller caller, PKCS10CertificationRequest csr, String label) {
        admit(caller, false, true);
        EstCaller.Token token = (EstCaller.Token) caller;
        ServerKeyGeneration.encryptionAsked(csr).ifPresent(attribute -> {
            // RFC 7030 sections 4.4.1.1 and 4.4.1.2: a key we cannot encrypt as asked is not sent at all.
            throw new EstRefusal(HttpStatus.BAD_REQUEST, "The request asks for the key encrypted (" + attribute
                    + "); encrypted server-generated keys are not offered: ask without it, over HTTPS.");
        });
        // Judged by the authority's own preflight (names, SANs it can read, the profile's rules, the
        // extensions the issuer reads) before a key is made for it: a request refused for what it
        // asks costs no key. A refusal by the directory binding, on a bound profile, still comes after.
        EnrollmentRequest asked = new EnrollmentRequest(csr, via(label) + "/serverkeygen token " + token.token().name(), Optional.empty(),
                Optional.empty(), Optional.of(token.token().name() + KEY_MADE_HERE));
        enrollments.refusalBeforeKeyIsMade(new EnrollmentEndpoint(profile, VOUCHED_FOR), asked).ifPresent(refusal -> {
            throw new EstRefusal(HttpStatus.BAD_REQUEST, "The request cannot be issued: " + refusal + ".");
        });
        // A key of up to RSA 4096 bits costs a core for up to seconds: a few at a time, the rest try later.
        if (!keyMakers.tryAcquire()) {
            throw new EstRefusal(HttpStatus.SERVICE_UNAVAILABLE, "Keys are being made for other requests; try again later.");
        }
        ServerKeyGeneration.Generated generated;
        try {
            generated = ServerKeyGeneration.forRequest(csr);
            keysMade.increment();
        } finally {
            keyMakers.release();
        }
        return new ServerKey(generated.keys(), enrollWithToken(token, generated.request(), via(label) + "/serverkeygen", KEY_MADE_HERE));
    }

    private X509CertificateHolder enrollWithToken(EstCaller.Token caller, PKCS10CertificationRequest csr, String via) {
        return enrollWithToken(caller, csr, via, "");
    }

    /** @param mark what the audit trail's actor adds to the token's name (a key made here) */
    private X509CertificateHolder enrollWithToken(EstCaller.Token caller, PKCS10CertificationRequest csr, String via, String mark) {
        String name = caller.token().name();
        EnrollmentRequest request = new EnrollmentRequest(csr, via + " token " + name, Optional.empty(), Optional.empty(),
                Optional.of(name + mark));
        if (caller.token().roles().contains(ApiRole.CSR_REQUEST_DB)) {
            return issued(enrollments.enroll(new EnrollmentEndpoint(profile, VOUCHED_FOR), request), HttpStatus.FORBIDDEN);
        }
        if (caller.token().roles().contains(ApiRole.CSR_SELF_SERVICE)) {
            EnrollmentEndpoint endpoint = SelfServiceRules.namesADevice(csr)
                    ? new EnrollmentEndpoint(ownedDeviceProfile, ownedDevices)
                    : new EnrollmentEndpoint(selfServiceProfile, new SelfServiceRules());
            EnrollmentOutcome outcome = enrollments.enroll(endpoint, request);
            if (outcome instanceof EnrollmentOutcome.Rejected rejected && rejected.reason() == EnrollmentOutcome.Reason.BAD_CHALLENGE) {
                throw new EstRefusal(HttpStatus.FORBIDDEN, "Self-service (CSR.SelfService) issues only a Client Authentication "
                        + "certificate whose subject CN or UPN SAN is the caller (" + name + "), or one for a single device the "
                        + "directory says the caller owns and is enabled (subject CN=<device id> or SAN URI IntuneDeviceId://<id>).");
            }
            return issued(outcome, HttpStatus.FORBIDDEN);
        }
        throw new EstRefusal(HttpStatus.FORBIDDEN, "The token lacks the role this needs: CSR.Request.Db or CSR.SelfService.");
    }

    /**
     * A certificate of ours, presented over mutual TLS, asks for another certificate for itself
     * (another key for the same device): a renewal in all but the path's name, so under the same
     * rules as {@code simplereenroll} ({@link #reenroll}). Anything less would let any certificate
     * of ours, of any type and with renewals off, mint an unbound copy of itself with other names
     * or usages.
     */
    private X509CertificateHolder enrollWithCertificate(X509CertificateHolder certificate, PKCS10CertificationRequest csr, String via) {
        return renewed(certificate, csr, via);
    }

    /** {@code simplereenroll} (RFC 7030 section 4.2.2). */
    X509CertificateHolder reenroll(EstCaller caller, PKCS10CertificationRequest csr, String label) {
        X509CertificateHolder current = caller.clientCertificate()
                .orElseThrow(() -> new EstRefusal(HttpStatus.FORBIDDEN, NO_CERTIFICATE_TO_RENEW));
        return renewed(current, csr, via(label));
    }

    /**
     * The authority renews {@code current}: gated by {@code AllowRenewals} and
     * {@code ReenrollmentAllowedCertificateTypes}, for its own subject and subject alternative
     * names only (RFC 7030 section 4.2.2), keeping its directory binding and its type, and with no
     * usage it lacks.
     */
    private X509CertificateHolder renewed(X509CertificateHolder current, PKCS10CertificationRequest csr, String via) {
        // Upper-case hex, as the audit trail's targets and the API's paths write serials.
        String serial = current.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
        return issued(enrollments.renew(new EnrollmentEndpoint(profile, context -> false, renewalPolicy),
                new EnrollmentRequest(csr, via + " certificate " + serial, Optional.empty(), Optional.empty(),
                        Optional.of("certificate " + serial), Optional.of(current))), HttpStatus.FORBIDDEN);
    }

    /** The certificate, or the refusal in HTTP's terms; {@code refusedAs} is the status of an authorisation refused. */
    private static X509CertificateHolder issued(EnrollmentOutcome outcome, HttpStatus refusedAs) {
        if (outcome instanceof EnrollmentOutcome.Issued issued) {
            return issued.certificate();
        }
        EnrollmentOutcome.Rejected rejected = (EnrollmentOutcome.Rejected) outcome;
        HttpStatus status = switch (rejected.reason()) {
            case BAD_REQUEST, BAD_PROOF_OF_POSSESSION, RENEWAL_NAMES_DIFFER -> HttpStatus.BAD_REQUEST;
            case BAD_CHALLENGE, RENEWAL_REFUSED -> refusedAs;
            default -> HttpStatus.SERVICE_UNAVAILABLE;
        };
        throw new EstRefusal(status, "The request cannot be issued: " + rejected.detail() + ".");
    }

    /** As the record's requester says where the request came in: {@code est} or {@code est/label}. */
    private static String via(String label) {
        return label == null ? ENDPOINT : ENDPOINT + "/" + label;
    }
}
