package dev.scepter.authority.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.Csrs;
import dev.scepter.authority.InMemoryAuditLog;
import dev.scepter.authority.InMemoryCertificateStore;
import dev.scepter.authority.TestCa;
import dev.scepter.authority.directory.Directory;
import dev.scepter.authority.directory.DirectoryAnswer;
import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.issuance.CertificateIssuer;
import dev.scepter.authority.issuance.EndpointProfile;
import dev.scepter.authority.issuance.IssuancePolicy;
import dev.scepter.authority.issuance.SerialNumbers;
import dev.scepter.authority.store.Revocation;
import dev.scepter.authority.validity.CertificateStatus;
import dev.scepter.authority.validity.IssuedSerialIndex;
import dev.scepter.authority.validity.RevocationIndex;
import dev.scepter.authority.validity.Validity;
import java.math.BigInteger;
import java.net.URI;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The decisions a protocol used to make for itself (issue 11): enrollment or renewal, the
 * certificate of a CertPoll or GetCert, and the MDM told how an enrollment ended.
 */
class EnrollmentServiceTest {

    private static TestCa ca;
    private static KeyPair device;
    private static X509CertificateHolder selfSigned;

    /** What an {@link MdmNotifier} was told, in order. */
    static final class RecordingNotifier implements MdmNotifier {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final List<EnrollmentContext> contexts = new CopyOnWriteArrayList<>();
        final List<X509CertificateHolder> certificates = new CopyOnWriteArrayList<>();
        final List<EnrollmentOutcome.Rejected> refusals = new CopyOnWriteArrayList<>();
        RuntimeException failWith;
        /** Thrown from {@link #issued}, past every handler: the process dies while the MDM decides. */
        Error crashWith;
        /** Waits for the MDM's acknowledgement, as Intune's WaitForSuccessNotificationResponse. */
        boolean holds;
        /** What the store said of the certificate while the MDM was asked. */
        final List<Optional<Revocation>> recordedWhileAsked = new CopyOnWriteArrayList<>();
        InMemoryCertificateStore store;

        @Override
        public boolean holdsDelivery() {
            return holds;
        }

        @Override
        public void issued(EnrollmentContext enrollment, X509CertificateHolder certificate) {
            calls.add("issued");
            contexts.add(enrollment);
            certificates.add(certificate);
            if (store != null) {
                recordedWhileAsked.add(store.find(BCStyle.INSTANCE.toString(certificate.getIssuer()), certificate.getSerialNumber())
                        .orElseThrow().revocation());
            }
            if (crashWith != null) {
                throw crashWith;
            }
            if (failWith != null) {
                throw failWith;
            }
        }

        @Override
        public void refused(EnrollmentContext enrollment, EnrollmentOutcome.Rejected refusal) {
            calls.add("refused");
            contexts.add(enrollment);
            refusals.add(refusal);
            if (failWith != null) {
                throw failWith;
            }
        }
    }

    private final InMemoryCertificateStore store = new InMemoryCertificateStore();
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final String issuerName = "CN=Test Root CA,O=Scepter Tests";
    private final RevocationIndex revocations = new RevocationIndex(store, issuerName);
    private final IssuedSerialIndex issuedSerials = new IssuedSerialIndex(store, issuerName, Clock.systemUTC(), Duration.ofSeconds(5));
    private final Enrollment enrollment = new Enrollment(new CertificateIssuer(ca,
            new IssuancePolicy(730, Duration.ofDays(1), true, URI.create("http://scepter.test")), Clock.systemUTC()),
            store, new SerialNumbers(new SecureRandom()), Optional.empty(), audit, Clock.systemUTC());
    private final EnrollmentService enrollments = new EnrollmentService(enrollment,
            new Renewals(ca.certificate(), store, new Validity(ca.certificate().getSerialNumber(), revocations, issuedSerials,
                    new NoDirectory(), Clock.systemUTC()), Clock.systemUTC()),
            store, issuerName);
    private final RecordingNotifier notifier = new RecordingNotifier();
    private final List<EnrollmentContext> verified = new ArrayList<>();
    private final ChallengeVerifier s3cret = new StaticChallengeVerifier("s3cret");
    private final EnrollmentEndpoint renewing = endpoint("static", context -> {
        verified.add(context);
        return s3cret.accepts(context);
    }, new RenewalPolicy(true, Set.of(CertificateType.STATIC)));
    private final EnrollmentEndpoint notRenewing = endpoint("jamf", s3cret, RenewalPolicy.NONE);

    @BeforeAll
    static void keys() throws Exception {
        ca = new TestCa(Instant.now().plus(Duration.ofDays(3650)));
        device = TestCa.rsa();
        selfSigned = new JcaX509v3CertificateBuilder(new X500Name("CN=device-1"), BigInteger.ONE,
                Date.from(Instant.now().minus(Duration.ofHours(1))), Date.from(Instant.now().plus(Duration.ofDays(1))),
                new X500Name("CN=device-1"), device.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(device.getPrivate()));
    }

    {
        enrollment.onIssued(record -> issuedSerials.add(record.serialNumber()));
        // As the server wires it: OCSP's revocation set learns of holds, withholdings and releases at once.
        enrollment.onRevoked(revoked -> revocations.add(revoked.serialNumber(), revoked.revocation()));
        enrollment.onReleased(revocations::release);
        notifier.store = store;
    }

    private EnrollmentEndpoint endpoint(String name, ChallengeVerifier verifier, RenewalPolicy renewals) {
        return new EnrollmentEndpoint(new EndpointProfile(name, SerialNumbers.TYPE_STATIC, Optional.empty(),
                List.of(KeyPurposeId.id_kp_clientAuth), KeyUsage.digitalSignature), verifier, renewals, notifier);
    }

    private static EnrollmentRequest request(PKCS10CertificationRequest csr, String transactionId, X509CertificateHolder signer) {
        return new EnrollmentRequest(csr, "192.0.2.7", Optional.of(transactionId), Optional.empty(), Optional.empty(), Optional.of(signer));
    }

    /** A certificate of ours, issued on {@code /scep}'s endpoint with the challenge. */
    private EnrollmentOutcome.Issued issuedEarlier() throws Exception {
        return (EnrollmentOutcome.Issued) enrollments.enroll(renewing,
                request(Csrs.forKey(device).challenge("s3cret").build(), "tx-first", selfSigned));
    }

    @Test
    void aRequestSignedByACertificateOfOursRenewsItWithoutAChallenge() throws Exception {
        EnrollmentOutcome.Issued previous = issuedEarlier();
        verified.clear();

        EnrollmentOutcome outcome = enrollments.enroll(renewing, request(Csrs.forKey(device).build(), "tx-renew", previous.certificate()));

        assertThat(outcome).isInstanceOf(EnrollmentOutcome.Issued.class);
        assertThat(verified).as("a renewal is authorised by the certificate it renews, not a challenge").isEmpty();
        assertThat(audit.events).extracting(e -> e.action()).containsExactly("certificate.issue", "certificate.renew");
        assertThat(audit.events.get(1).target()).endsWith("renewing " + previous.record().serialHex());
    }

    @Test
    void aRenewalReqIsAuthorisedByItsSignerAndASelfSignedOneIsRefusedWhateverItsChallenge() throws Exception {
        EnrollmentOutcome.Issued previous = issuedEarlier();

        EnrollmentOutcome renewed = enrollments.renew(renewing, request(Csrs.forKey(device).build(), "tx-2", previous.certificate()));
        EnrollmentOutcome refused = enrollments.renew(renewing,
                request(Csrs.forKey(device).challenge("s3cret").build(), "tx-3", selfSigned));

        assertThat(renewed).isInstanceOf(EnrollmentOutcome.Issued.class);
        assertThat(refused).isEqualTo(new EnrollmentOutcome.Rejected(EnrollmentOutcome.Reason.RENEWAL_REFUSED,
                "renewal refused: the signing certificate is not one of ours"));
        assertThat(store.recorded()).hasSize(2);
    }

    @Test
    void aRenewalCannotWidenTheUsagesOfTheCertificateItRenews() throws Exception {
        EnrollmentOutcome.Issued previous = issuedEarlier();

        EnrollmentOutcome widened = enrollments.renew(renewing,
                request(Csrs.forKey(device).eku(KeyPurposeId.id_kp_serverAuth).build(), "tx-wide", previous.certificate()));
        EnrollmentOutcome kept = enrollments.renew(renewing, request(Csrs.forKey(device).build(), "tx-kept", previous.certificate()));

        assertThat(widened).isInstanceOf(EnrollmentOutcome.Rejected.class);
        assertThat(((EnrollmentOutcome.Rejected) widened).reason()).isEqualTo(EnrollmentOutcome.Reason.BAD_REQUEST);
        assertThat(((EnrollmentOutcome.Rejected) widened).detail()).contains("renewal").contains(KeyPurposeId.id_kp_serverAuth.getId());
        assertThat(org.bouncycastle.asn1.x509.ExtendedKeyUsage.fromExtensions(((EnrollmentOutcome.Issued) kept).certificate().getExtensions())
                .getUsages()).containsExactly(KeyPurposeId.id_kp_clientAuth);
        assertThat(store.recorded()).as("nothing signed for the widened request").hasSize(2);
    }

    @Test
    void aRenewalNamesWhatTheRenewedCertificateNamesAndNoOtherSid() throws Exception {
        X509CertificateHolder previous = issuedEarlier().certificate();
        org.bouncycastle.asn1.x509.Extension sid = new org.bouncycastle.asn1.x509.Extension(
                dev.scepter.authority.issuance.MicrosoftExtensions.SID, false,
                dev.scepter.authority.issuance.CertificateIssuer.sidExtension("S-1-5-21-1-2-3-500").getEncoded());

        EndpointProfile here = renewing.profile();
        EndpointProfile keepsSids = new EndpointProfile("sids", SerialNumbers.TYPE_STATIC, Optional.empty(),
                List.of(KeyPurposeId.id_kp_clientAuth), KeyUsage.digitalSignature, EndpointProfile.Binding.NONE, true);

        assertThat(Renewals.namesWhatItRenews(previous, Csrs.forKey(device).build(), here)).isTrue();
        assertThat(Renewals.namesWhatItRenews(previous, Csrs.forKey(device).subject("CN=device-2").build(), here)).as("subject").isFalse();
        assertThat(Renewals.namesWhatItRenews(previous, Csrs.forKey(device).dnsName("www.contoso.example").build(), here)).as("a SAN").isFalse();
        assertThat(Renewals.namesWhatItRenews(previous, Csrs.forKey(device).extension(sid).build(), keepsSids)).as("a SID").isFalse();
        assertThat(Renewals.namesWhatItRenews(previous, Csrs.forKey(device).extension(sid).build(), here))
                .as("a SID this endpoint drops is no name asked for").isTrue();
    }

    /**
     * A renewal is judged by what the endpoint would issue from it: a SID URI dropped at the first
     * issuance and asked for again is no other name; the SANs' order and the case of DNS names
     * and UPNs do not matter (as the subject's do not).
     */
    @Test
    void aRenewalIsComparedByWhatTheEndpointIssuesInAnyOrderAndCase() throws Exception {
        String sidUri = dev.scepter.authority.issuance.MicrosoftExtensions.SID_URI_PREFIX + "S-1-5-21-1-2-3-1104";
        GeneralName dns = new GeneralName(GeneralName.dNSName, "Device-1.Contoso.example");
        GeneralName upn = upn("Alice@Contoso.example");
        GeneralName sidName = new GeneralName(GeneralName.uniformResourceIdentifier, sidUri);
        EnrollmentOutcome.Issued previous = (EnrollmentOutcome.Issued) enrollments.enroll(renewing,
                request(Csrs.forKey(device).challenge("s3cret").extension(san(dns, upn, sidName)).build(), "tx-sans", selfSigned));
        assertThat(GeneralNames.fromExtensions(previous.certificate().getExtensions(), Extension.subjectAlternativeName).getNames())
                .as("the SID URI was dropped at issuance").containsExactly(dns, upn);
        PKCS10CertificationRequest again = Csrs.forKey(device).extension(san(sidName, upn("alice@contoso.example"),
                new GeneralName(GeneralName.dNSName, "device-1.contoso.EXAMPLE"))).build();
        EndpointProfile keepsSids = new EndpointProfile("sids", SerialNumbers.TYPE_STATIC, Optional.empty(),
                List.of(KeyPurposeId.id_kp_clientAuth), KeyUsage.digitalSignature, EndpointProfile.Binding.NONE, true);

        assertThat(Renewals.namesWhatItRenews(previous.certificate(), again, keepsSids)).as("where the SID URI would be kept").isFalse();
        assertThat(Renewals.namesWhatItRenews(previous.certificate(), Csrs.forKey(device).extension(san(upn, dns, dns)).build(),
                renewing.profile())).as("a name twice is not the same names").isFalse();
        assertThat(Renewals.namesWhatItRenews(previous.certificate(), Csrs.forKey(device).extension(san(upn,
                new GeneralName(GeneralName.dNSName, "device-2.contoso.example"))).build(), renewing.profile())).as("another DNS name").isFalse();
        assertThat(enrollments.renew(renewing, request(again, "tx-sans-again", previous.certificate())))
                .as("reordered, in other case, with the dropped SID URI again").isInstanceOf(EnrollmentOutcome.Issued.class);
    }

    private static Extension san(GeneralName... names) throws java.io.IOException {
        return new Extension(Extension.subjectAlternativeName, false, new GeneralNames(names).getEncoded());
    }

    private static GeneralName upn(String value) {
        return new GeneralName(GeneralName.otherName, new org.bouncycastle.asn1.x509.OtherName(
                new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.3.6.1.4.1.311.20.2.3"), new org.bouncycastle.asn1.DERUTF8String(value)));
    }

    /**
     * macOS signs its PKCSReq with the certificate it holds even when it enrolls anew with other
     * names (its profile changed): with a challenge, that is a new enrollment judged by the
     * challenge, not a renewal refused for its names. A RenewalReq stays a renewal.
     */
    @Test
    void aPkcsReqSignedByTheOldCertificateWithOtherNamesAndAChallengeIsANewEnrollment() throws Exception {
        EnrollmentOutcome.Issued previous = issuedEarlier();

        EnrollmentOutcome renamed = enrollments.enroll(renewing,
                request(Csrs.forKey(device).subject("CN=device-renamed").challenge("s3cret").build(), "tx-renamed", previous.certificate()));

        assertThat(renamed).isInstanceOfSatisfying(EnrollmentOutcome.Issued.class,
                issued -> assertThat(issued.certificate().getSubject()).isEqualTo(new X500Name("CN=device-renamed")));
        assertThat(audit.events.get(audit.events.size() - 1).action()).as("not a renewal").isEqualTo("certificate.issue");
        assertThat(enrollments.enroll(renewing, request(Csrs.forKey(device).subject("CN=device-guess").challenge("guess").build(),
                "tx-guess", previous.certificate()))).as("the challenge decides")
                .isEqualTo(new EnrollmentOutcome.Rejected(EnrollmentOutcome.Reason.BAD_CHALLENGE, "the challenge password is missing or wrong"));
        assertThat(enrollments.renew(renewing, request(Csrs.forKey(device).subject("CN=device-renamed").challenge("s3cret").build(),
                "tx-renewalreq", previous.certificate()))).as("a RenewalReq").isInstanceOfSatisfying(EnrollmentOutcome.Rejected.class,
                        rejected -> assertThat(rejected.reason()).isEqualTo(EnrollmentOutcome.Reason.RENEWAL_NAMES_DIFFER));
    }

    @Test
    void aRenewalAskingForOtherNamesIsRefusedWhicheverWayItCame() throws Exception {
        EnrollmentOutcome.Issued previous = issuedEarlier();
        long before = store.count();

        EnrollmentOutcome renewalReq = enrollments.renew(renewing,
                request(Csrs.forKey(device).subject("CN=device-2").build(), "tx-other", previous.certificate()));
        EnrollmentOutcome macOs = enrollments.enroll(renewing,
                request(Csrs.forKey(device).dnsName("www.contoso.example").build(), "tx-san", previous.certificate()));

        for (EnrollmentOutcome outcome : List.of(renewalReq, macOs)) {
            assertThat(outcome).isInstanceOfSatisfying(EnrollmentOutcome.Rejected.class, rejected -> {
                assertThat(rejected.reason()).isEqualTo(EnrollmentOutcome.Reason.RENEWAL_NAMES_DIFFER);
                assertThat(rejected.detail()).contains("subject and subject alternative names").contains("CN=device-1");
            });
        }
        assertThat(store.count()).as("nothing signed").isEqualTo(before);
        assertThat(enrollments.renew(renewing, request(Csrs.forKey(device).build(), "tx-same", previous.certificate())))
                .isInstanceOf(EnrollmentOutcome.Issued.class);
    }

    @Test
    void aSelfSignedPkcsReqIsANewEnrollmentJudgedByTheChallenge() throws Exception {
        EnrollmentOutcome wrong = enrollments.enroll(renewing, request(Csrs.forKey(device).challenge("guess").build(), "tx-1", selfSigned));
        EnrollmentOutcome right = enrollments.enroll(renewing, request(Csrs.forKey(device).challenge("s3cret").build(), "tx-2", selfSigned));

        assertThat(wrong).isEqualTo(new EnrollmentOutcome.Rejected(EnrollmentOutcome.Reason.BAD_CHALLENGE,
                "the challenge password is missing or wrong"));
        assertThat(right).isInstanceOf(EnrollmentOutcome.Issued.class);
        assertThat(verified).hasSize(2);
    }

    @Test
    void renewalsFollowTheEndpointsPolicyAndTheCertificatesStatus() throws Exception {
        EnrollmentOutcome.Issued previous = issuedEarlier();

        // A request signed by a certificate of ours is a renewal, which an endpoint that renews
        // nothing refuses; one with a challenge is then a new enrollment, judged by its challenge.
        EnrollmentOutcome elsewhere = enrollments.enroll(notRenewing,
                request(Csrs.forKey(device).build(), "tx-2", previous.certificate()));
        EnrollmentOutcome elsewhereWithChallenge = enrollments.enroll(notRenewing,
                request(Csrs.forKey(device).challenge("s3cret").build(), "tx-2c", previous.certificate()));
        revocations.add(previous.record().serialNumber(), new Revocation(0, Instant.now(), "test"));
        EnrollmentOutcome revoked = enrollments.enroll(renewing, request(Csrs.forKey(device).build(), "tx-3", previous.certificate()));

        assertThat(elsewhere).isEqualTo(new EnrollmentOutcome.Rejected(EnrollmentOutcome.Reason.RENEWAL_REFUSED,
                "renewal refused: this endpoint does not renew (AllowRenewals)"));
        assertThat(revoked).isEqualTo(new EnrollmentOutcome.Rejected(EnrollmentOutcome.Reason.RENEWAL_REFUSED,
                "renewal refused: the signing certificate is revoked or on hold"));
        assertThat(elsewhereWithChallenge).isInstanceOf(EnrollmentOutcome.Issued.class);
        assertThat(store.recorded()).hasSize(2);
    }

    @Test
    void aPollFindsTheCertificateOfItsTransactionOnlyOnTheEndpointThatIssuedIt() throws Exception {
        EnrollmentOutcome.Issued issued = issuedEarlier();

        assertThat(enrollments.issuedInTransaction(renewing, "tx-first")).contains(issued.certificate());
        assertThat(enrollments.issuedInTransaction(notRenewing, "tx-first")).as("another endpoint's transaction").isEmpty();
        assertThat(enrollments.issuedInTransaction(renewing, "tx-unknown")).isEmpty();
    }

    @Test
    void getCertFindsOurCertificatesByIssuerAndSerialOnly() throws Exception {
        EnrollmentOutcome.Issued issued = issuedEarlier();
        BigInteger serial = issued.certificate().getSerialNumber();

        assertThat(enrollments.certificate(ca.certificate().getSubject(), serial)).contains(issued.certificate());
        assertThat(enrollments.certificate(new X500Name("CN=Someone Else's CA"), serial)).isEmpty();
        assertThat(enrollments.certificate(ca.certificate().getSubject(), serial.add(BigInteger.ONE))).isEmpty();
    }

    @Test
    void theVerifierIsGivenTheWholeEnrollment() throws Exception {
        PKCS10CertificationRequest csr = Csrs.forKey(device).challenge("s3cret").build();

        enrollments.enroll(renewing, request(csr, "tx-42", selfSigned));

        assertThat(verified).singleElement().satisfies(context -> {
            assertThat(context.endpoint()).isEqualTo("static");
            assertThat(context.transactionId()).contains("tx-42");
            assertThat(context.csr()).isEqualTo(csr);
            assertThat(context.challengePassword()).contains("s3cret");
            assertThat(context.requester()).isEqualTo("192.0.2.7");
            assertThat(context.signer()).contains(selfSigned);
            assertThat(context.toString()).doesNotContain("s3cret");
        });
    }

    @Test
    void aRequestRefusedBeforeItsKeyIsMadeIsNotifiedAsEveryRefusalAndOneThatPassesIsNot() throws Exception {
        // An extended key usage that is no SEQUENCE of purposes: the issuer could not read it after a key was made.
        PKCS10CertificationRequest unreadable = Csrs.forKey(device).extension(new org.bouncycastle.asn1.x509.Extension(
                org.bouncycastle.asn1.x509.Extension.extendedKeyUsage, false, new org.bouncycastle.asn1.ASN1Integer(5).getEncoded())).build();

        Optional<String> refusal = enrollments.refusalBeforeKeyIsMade(notRenewing, request(unreadable, "tx-keygen", selfSigned));

        assertThat(refusal).hasValueSatisfying(reason -> assertThat(reason).contains("extensions cannot be used"));
        assertThat(notifier.calls).containsExactly("refused");
        assertThat(notifier.refusals).singleElement().satisfies(rejected -> {
            assertThat(rejected.reason()).isEqualTo(EnrollmentOutcome.Reason.BAD_REQUEST);
            assertThat(rejected.detail()).isEqualTo(refusal.get());
        });
        assertThat(notifier.contexts).singleElement().satisfies(context -> assertThat(context.transactionId()).contains("tx-keygen"));

        assertThat(enrollments.refusalBeforeKeyIsMade(notRenewing, request(Csrs.forKey(device).build(), "tx-keygen-2", selfSigned))).isEmpty();
        assertThat(notifier.calls).as("nothing to tell of a request that passes").containsExactly("refused");
    }

    @Test
    void theMdmIsToldOfEachIssuanceOnceAndOfEachRefusalWithItsReason() throws Exception {
        PKCS10CertificationRequest csr = Csrs.forKey(device).challenge("s3cret").build();
        EnrollmentOutcome.Issued issued = (EnrollmentOutcome.Issued) enrollments.enroll(renewing, request(csr, "tx-1", selfSigned));
        enrollments.enroll(renewing, request(csr, "tx-1", selfSigned));
        EnrollmentOutcome wrong = enrollments.enroll(renewing, request(Csrs.forKey(device).challenge("guess").build(), "tx-2", selfSigned));
        EnrollmentOutcome notOurs = enrollments.renew(renewing, request(Csrs.forKey(device).build(), "tx-3", selfSigned));

        assertThat(notifier.calls).as("not again for the retransmission").containsExactly("issued", "refused", "refused");
        assertThat(notifier.certificates).containsExactly(issued.certificate());
        assertThat(notifier.contexts).extracting(c -> c.transactionId().orElseThrow()).containsExactly("tx-1", "tx-2", "tx-3");
        assertThat(notifier.contexts.get(0).csr()).isEqualTo(csr);
        assertThat(notifier.refusals).containsExactly((EnrollmentOutcome.Rejected) wrong, (EnrollmentOutcome.Rejected) notOurs);
    }

    @Test
    void aNotifierThatFailsNeitherLosesNorUndoesTheCertificate() throws Exception {
        notifier.failWith = new IllegalStateException("Intune is down");

        EnrollmentOutcome outcome = enrollments.enroll(renewing,
                request(Csrs.forKey(device).challenge("s3cret").build(), "tx-1", selfSigned));
        EnrollmentOutcome refused = enrollments.enroll(renewing,
                request(Csrs.forKey(device).challenge("guess").build(), "tx-2", selfSigned));

        assertThat(notifier.calls).containsExactly("issued", "refused");
        assertThat(outcome).isInstanceOf(EnrollmentOutcome.Issued.class);
        BigInteger serial = ((EnrollmentOutcome.Issued) outcome).certificate().getSerialNumber();
        assertThat(store.recorded()).extracting(r -> r.serialNumber()).containsExactly(serial);
        assertThat(issuedSerials.contains(serial)).as("OCSP knows it").isTrue();
        assertThat(audit.events).extracting(e -> e.action()).containsExactly("certificate.issue");
        assertThat(refused).isInstanceOf(EnrollmentOutcome.Rejected.class);
    }

    /**
     * Intune's rule (WaitForSuccessNotificationResponse): a certificate whose success notification
     * fails does not leave. It was recorded, so it is revoked at once and audited with the reason;
     * the MDM is not told of a refusal it caused; a retransmission or CertPoll of the transaction
     * does not hand it out after all.
     */
    @Test
    void aNotifierThatRefusesDeliveryHasTheRecordedCertificateRevokedAndTheRequestRefused() throws Exception {
        notifier.failWith = new DeliveryRefusedException("Intune answered the success notification with HTTP 500");
        List<Revocation> revokedAtOnce = new CopyOnWriteArrayList<>();
        enrollment.onRevoked(revoked -> revokedAtOnce.add(revoked.revocation()));
        PKCS10CertificationRequest csr = Csrs.forKey(device).challenge("s3cret").build();

        EnrollmentOutcome outcome = enrollments.enroll(renewing, request(csr, "tx-1", selfSigned));

        assertThat(outcome).isEqualTo(new EnrollmentOutcome.Rejected(EnrollmentOutcome.Reason.DELIVERY_REFUSED,
                "the certificate was not acknowledged by the MDM and is revoked"));
        assertThat(notifier.calls).as("told of the issuance, not of a refusal it caused").containsExactly("issued");
        assertThat(store.recorded()).hasSize(1);
        dev.scepter.authority.store.IssuedCertificate record = store.recorded().get(0);
        assertThat(record.revocation()).hasValueSatisfying(revocation -> assertThat(revocation.reason()).isEqualTo(5));
        assertThat(revokedAtOnce).containsExactly(record.revocation().orElseThrow());
        assertThat(audit.events).extracting(e -> e.action()).containsExactly("certificate.issue", "certificate.revoke");
        assertThat(audit.events.get(1).target()).startsWith(record.serialHex() + " reason 5")
                .contains("Intune answered the success notification with HTTP 500");
        assertThat(audit.events.get(1).outcome()).isEqualTo("revoked");
        assertThat(enrollments.issuedInTransaction(renewing, "tx-1")).as("CertPoll").isEmpty();

        notifier.failWith = null;
        EnrollmentOutcome again = enrollments.enroll(renewing, request(csr, "tx-1", selfSigned));
        assertThat(again).as("the retransmission is a new request, not the withheld certificate").isInstanceOf(EnrollmentOutcome.Issued.class);
        assertThat(((EnrollmentOutcome.Issued) again).record().serialNumber()).isNotEqualTo(record.serialNumber());
    }

    @Test
    void whileTheMdmDecidesTheDeliveryARetransmissionIsPendingAndAPollGetsNothingAfterwardsTheCertificate() throws Exception {
        PKCS10CertificationRequest csr = Csrs.forKey(device).challenge("s3cret").build();
        List<EnrollmentOutcome> retransmitted = new ArrayList<>();
        List<Boolean> pollPending = new ArrayList<>();
        List<Optional<X509CertificateHolder>> polled = new ArrayList<>();
        EnrollmentEndpoint[] deciding = new EnrollmentEndpoint[1];
        MdmNotifier slowMdm = new MdmNotifier() {
            @Override
            public boolean holdsDelivery() {
                return true;
            }

            @Override
            public void issued(EnrollmentContext enrollment, X509CertificateHolder certificate) {
                // The client gave up waiting and sends its request again, or polls, while the MDM decides.
                retransmitted.add(enrollments.enroll(deciding[0], request(csr, "tx-1", selfSigned)));
                pollPending.add(enrollments.awaitsDelivery(deciding[0], "tx-1"));
                polled.add(enrollments.awaitsDelivery(deciding[0], "tx-1") ? Optional.empty()
                        : enrollments.issuedInTransaction(deciding[0], "tx-1"));
            }

            @Override
            public void refused(EnrollmentContext enrollment, EnrollmentOutcome.Rejected refusal) {
            }
        };
        deciding[0] = new EnrollmentEndpoint(renewing.profile(), s3cret, RenewalPolicy.NONE, slowMdm);

        EnrollmentOutcome first = enrollments.enroll(deciding[0], request(csr, "tx-1", selfSigned));

        assertThat(first).isInstanceOf(EnrollmentOutcome.Issued.class);
        assertThat(retransmitted).singleElement().isInstanceOfSatisfying(EnrollmentOutcome.Rejected.class,
                pending -> assertThat(pending.reason()).isEqualTo(EnrollmentOutcome.Reason.DELIVERY_PENDING));
        assertThat(pollPending).as("decided from the record, so on every node").containsExactly(true);
        assertThat(polled).containsExactly(Optional.empty());
        assertThat(enrollments.awaitsDelivery(deciding[0], "tx-1")).as("decided").isFalse();
        EnrollmentOutcome later = enrollments.enroll(deciding[0], request(csr, "tx-1", selfSigned));
        assertThat(((EnrollmentOutcome.Issued) later).record().serialNumber())
                .isEqualTo(((EnrollmentOutcome.Issued) first).record().serialNumber());
        assertThat(store.recorded()).hasSize(1);
    }

    private Validity validity() {
        return new Validity(ca.certificate().getSerialNumber(), revocations, issuedSerials, new NoDirectory(), Clock.systemUTC());
    }

    @Test
    void aHoldingMdmHasTheCertificateRecordedOnHoldUntilItAcknowledgesThenReleased() throws Exception {
        notifier.holds = true;
        List<BigInteger> released = new CopyOnWriteArrayList<>();
        enrollment.onReleased(released::add);

        EnrollmentOutcome.Issued issued = (EnrollmentOutcome.Issued) enrollments.enroll(renewing,
                request(Csrs.forKey(device).challenge("s3cret").build(), "tx-1", selfSigned));

        assertThat(notifier.recordedWhileAsked).singleElement()
                .satisfies(hold -> assertThat(hold).hasValueSatisfying(r -> assertThat(r.isDeliveryHold()).isTrue()));
        BigInteger serial = issued.record().serialNumber();
        assertThat(released).containsExactly(serial);
        assertThat(store.find(issuerName, serial).orElseThrow().revocation()).isEmpty();
        assertThat(validity().statusOf(serial)).isInstanceOf(CertificateStatus.Good.class);
        assertThat(enrollments.issuedInTransaction(renewing, "tx-1")).contains(issued.certificate());
    }

    @Test
    void aHoldingMdmThatRefusesHasTheHoldReplacedByTheWithholdingRevocation() throws Exception {
        notifier.holds = true;
        notifier.failWith = new DeliveryRefusedException("Intune answered the success notification with HTTP 500");

        EnrollmentOutcome outcome = enrollments.enroll(renewing, request(Csrs.forKey(device).challenge("s3cret").build(), "tx-1", selfSigned));

        assertThat(outcome).isInstanceOfSatisfying(EnrollmentOutcome.Rejected.class,
                rejected -> assertThat(rejected.reason()).isEqualTo(EnrollmentOutcome.Reason.DELIVERY_REFUSED));
        BigInteger serial = store.recorded().get(0).serialNumber();
        assertThat(store.find(issuerName, serial).orElseThrow().revocation()).hasValueSatisfying(r -> {
            assertThat(r.reason()).isEqualTo(5);
            assertThat(r.isDeliveryHold()).isFalse();
        });
        assertThat(validity().statusOf(serial)).isInstanceOfSatisfying(CertificateStatus.Revoked.class,
                revoked -> assertThat(revoked.reason()).isEqualTo(5));
        assertThat(enrollments.awaitsDelivery(renewing, "tx-1")).isFalse();
    }

    @Test
    void aHoldingMdmWhoseNotifierFailsWithoutRefusingHasNotAcknowledgedSoTheCertificateIsWithheld() throws Exception {
        notifier.holds = true;
        notifier.failWith = new IllegalStateException("POST https://intune.example/x Authorization: Bearer eyJ0eXAiOiJKV1QiLCJhbGciOi");
        List<BigInteger> released = new CopyOnWriteArrayList<>();
        enrollment.onReleased(released::add);

        EnrollmentOutcome outcome = enrollments.enroll(renewing, request(Csrs.forKey(device).challenge("s3cret").build(), "tx-1", selfSigned));

        assertThat(outcome).isInstanceOfSatisfying(EnrollmentOutcome.Rejected.class,
                rejected -> assertThat(rejected.reason()).isEqualTo(EnrollmentOutcome.Reason.DELIVERY_REFUSED));
        BigInteger serial = store.recorded().get(0).serialNumber();
        assertThat(released).as("the hold is not lifted").isEmpty();
        assertThat(validity().statusOf(serial)).isInstanceOfSatisfying(CertificateStatus.Revoked.class,
                revoked -> assertThat(revoked.reason()).isEqualTo(5));
        assertThat(enrollments.issuedInTransaction(renewing, "tx-1")).as("CertPoll").isEmpty();
        assertThat(audit.events).extracting(e -> e.action()).containsExactly("certificate.issue", "certificate.revoke");
        assertThat(audit.events.get(1).target()).contains("IllegalStateException").doesNotContain("eyJ").doesNotContain("Bearer");
        assertThat(notifier.calls).as("not told of a refusal it caused").containsExactly("issued");
    }

    @Test
    void aWithholdingTheStoreRefusesOrACrashWhileTheMdmDecidesLeavesTheCertificateOnHoldOnEveryNode() throws Exception {
        notifier.holds = true;
        notifier.failWith = new DeliveryRefusedException("Intune answered the success notification with HTTP 500");
        PKCS10CertificationRequest csr = Csrs.forKey(device).challenge("s3cret").build();
        store.failRevocationsWith = new IllegalStateException("the store went away");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> enrollments.enroll(renewing, request(csr, "tx-1", selfSigned)))
                .hasMessage("the store went away");
        store.failRevocationsWith = null;
        notifier.failWith = null;
        notifier.crashWith = new Error("the process dies");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> enrollments.enroll(renewing,
                request(Csrs.forKey(device).challenge("s3cret").build(), "tx-2", selfSigned))).hasMessage("the process dies");

        assertThat(store.recorded()).hasSize(2).allSatisfy(record -> {
            assertThat(record.revocation()).hasValueSatisfying(r -> assertThat(r.isDeliveryHold()).isTrue());
            assertThat(validity().statusOf(record.serialNumber())).as("not good on this node").isInstanceOf(CertificateStatus.Revoked.class);
        });
        // Another node sharing the store: its OCSP reads the hold, its SCEP answers "pending".
        RevocationIndex otherNodes = new RevocationIndex(store, issuerName);
        otherNodes.refresh();
        assertThat(store.recorded()).allSatisfy(record -> assertThat(otherNodes.find(record.serialNumber()))
                .hasValueSatisfying(r -> assertThat(r.reason()).isEqualTo(6)));
        Enrollment otherNode = new Enrollment(new CertificateIssuer(ca,
                new IssuancePolicy(730, Duration.ofDays(1), true, URI.create("http://scepter.test")), Clock.systemUTC()),
                store, new SerialNumbers(new SecureRandom()), Optional.empty(), audit, Clock.systemUTC());
        notifier.crashWith = null;
        assertThat(otherNode.enroll(renewing, request(csr, "tx-1", selfSigned))).isInstanceOfSatisfying(EnrollmentOutcome.Rejected.class,
                pending -> assertThat(pending.reason()).isEqualTo(EnrollmentOutcome.Reason.DELIVERY_PENDING));
        assertThat(otherNode.awaitsDelivery(renewing, "tx-2")).isTrue();
        assertThat(store.recorded()).as("nothing issued again").hasSize(2);
    }

    @Test
    void aVerifierWithNoAnswerRefusesTheRequestIssuesNothingAndTellsTheMdmNothing() throws Exception {
        EnrollmentEndpoint down = endpoint("intune", context -> {
            throw new VerifierUnavailableException("Intune's validateRequest: connection refused", null);
        }, RenewalPolicy.NONE);

        EnrollmentOutcome outcome = enrollments.enroll(down, request(Csrs.forKey(device).challenge("s3cret").build(), "tx-1", selfSigned));

        assertThat(outcome).isEqualTo(new EnrollmentOutcome.Rejected(EnrollmentOutcome.Reason.VERIFIER_UNAVAILABLE,
                "the service that vouches for the challenge gave no answer"));
        assertThat(store.recorded()).isEmpty();
        assertThat(notifier.calls).isEmpty();
    }

    /** Static certificates are bound to nothing, so renewing them asks no directory. */
    private static final class NoDirectory implements Directory {
        @Override
        public DirectoryAnswer lookup(DirectoryObjectType type, UUID objectId) {
            throw new AssertionError("no directory lookup for a static certificate");
        }

        @Override
        public Optional<UUID> findUserByPrincipalName(String userPrincipalName) {
            return Optional.empty();
        }

        @Override
        public Optional<String> securityIdentifier(DirectoryObjectType type, UUID objectId) {
            return Optional.empty();
        }

        @Override
        public String describe() {
            return "none";
        }
    }
}
