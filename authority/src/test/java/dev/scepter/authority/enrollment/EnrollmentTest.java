package dev.scepter.authority.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.Csrs;
import dev.scepter.authority.InMemoryAuditLog;
import dev.scepter.authority.InMemoryCertificateStore;
import dev.scepter.authority.TestCa;
import dev.scepter.authority.issuance.CertificateIssuer;
import dev.scepter.authority.issuance.EndpointProfile;
import dev.scepter.authority.issuance.IssuancePolicy;
import dev.scepter.authority.issuance.SerialNumbers;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.SerialNumberCollisionException;
import java.math.BigInteger;
import java.net.URI;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EnrollmentTest {

    private static TestCa ca;
    private static KeyPair device;

    private final InMemoryCertificateStore store = new InMemoryCertificateStore();
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final Enrollment enrollment = new Enrollment(new CertificateIssuer(ca,
            new IssuancePolicy(730, Duration.ofDays(1), true, URI.create("http://scepter.test")), Clock.systemUTC()),
            store, new SerialNumbers(new SecureRandom()), Optional.empty(), audit, Clock.systemUTC());
    private final EnrollmentEndpoint staticEndpoint = new EnrollmentEndpoint(new EndpointProfile("static", 0x50, Optional.empty(),
            List.of(KeyPurposeId.id_kp_clientAuth), KeyUsage.digitalSignature), new StaticChallengeVerifier("s3cret"));

    @BeforeAll
    static void keys() throws Exception {
        ca = new TestCa(Instant.now().plus(Duration.ofDays(3650)));
        device = TestCa.rsa();
    }


    private static EnrollmentRequest request(PKCS10CertificationRequest csr) {
        return new EnrollmentRequest(csr, "127.0.0.1", Optional.of("tx-1"), Optional.empty());
    }

    @Test
    void issuesAndRecordsTheCertificateBeforeReturningIt() throws Exception {
        EnrollmentOutcome outcome = enrollment.enroll(staticEndpoint, request(Csrs.forKey(device).challenge("s3cret").dnsName("d.example").build()));

        assertThat(outcome).isInstanceOf(EnrollmentOutcome.Issued.class);
        EnrollmentOutcome.Issued issued = (EnrollmentOutcome.Issued) outcome;
        assertThat(store.recorded()).hasSize(1);
        IssuedCertificate record = store.recorded().get(0);
        assertThat(record.der()).isEqualTo(issued.certificate().getEncoded());
        assertThat(record.serialNumber()).isEqualTo(issued.certificate().getSerialNumber());
        assertThat(record.serialNumber().toByteArray()[0]).isEqualTo((byte) 0x50);
        assertThat(record.subject()).isEqualTo("CN=device-1");
        assertThat(record.subjectAltNames()).containsExactly("dns:d.example");
        assertThat(record.endpoint()).isEqualTo("static");
        assertThat(record.transactionId()).contains("tx-1");
        assertThat(record.issuer()).isEqualTo("CN=Test Root CA,O=Scepter Tests");
    }

    @Test
    void aWrongOrMissingChallengeIsRefusedAndNothingIsRecorded() throws Exception {
        EnrollmentOutcome wrong = enrollment.enroll(staticEndpoint, request(Csrs.forKey(device).challenge("guess").build()));
        EnrollmentOutcome missing = enrollment.enroll(staticEndpoint, request(Csrs.forKey(device).build()));

        assertThat(wrong).isEqualTo(new EnrollmentOutcome.Rejected(EnrollmentOutcome.Reason.BAD_CHALLENGE, "the challenge password is missing or wrong"));
        assertThat(missing).isInstanceOf(EnrollmentOutcome.Rejected.class);
        assertThat(store.recorded()).isEmpty();
    }

    @Test
    void aRequestNotSignedByItsOwnKeyIsRefused() throws Exception {
        KeyPair other = TestCa.rsa();
        PKCS10CertificationRequest signedByOther = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
                new org.bouncycastle.asn1.x500.X500Name("CN=device-1"), device.getPublic())
                .addAttribute(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.pkcs_9_at_challengePassword,
                        new org.bouncycastle.asn1.DERPrintableString("s3cret"))
                .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA").build(other.getPrivate()));

        EnrollmentOutcome outcome = enrollment.enroll(staticEndpoint, request(signedByOther));

        assertThat(outcome).isInstanceOf(EnrollmentOutcome.Rejected.class);
        assertThat(((EnrollmentOutcome.Rejected) outcome).reason()).isEqualTo(EnrollmentOutcome.Reason.BAD_PROOF_OF_POSSESSION);
        assertThat(store.recorded()).isEmpty();
    }

    @Test
    void aRetransmittedRequestGetsTheSameCertificateAndANewRequestANewOne() throws Exception {
        PKCS10CertificationRequest csr = Csrs.forKey(device).challenge("s3cret").build();
        EnrollmentOutcome.Issued first = (EnrollmentOutcome.Issued) enrollment.enroll(staticEndpoint, request(csr));
        EnrollmentOutcome.Issued again = (EnrollmentOutcome.Issued) enrollment.enroll(staticEndpoint, request(csr));
        assertThat(again.certificate()).isEqualTo(first.certificate());
        assertThat(store.recorded()).hasSize(1);

        PKCS10CertificationRequest other = Csrs.forKey(device).subject("CN=device-2").challenge("s3cret").build();
        EnrollmentOutcome.Issued second = (EnrollmentOutcome.Issued) enrollment.enroll(staticEndpoint, request(other));
        assertThat(second.certificate().getSerialNumber()).isNotEqualTo(first.certificate().getSerialNumber());
        assertThat(store.recorded()).hasSize(2);
    }

    /**
     * RFC 8894 section 3.3.2's answer to a lost CertRep is the endpoint's own: the same bytes on
     * another endpoint are a new request, judged by that endpoint's challenge (issue 10: a PKCSReq
     * issued on /scep and replayed to Intune's endpoint got /scep's certificate).
     */
    @Test
    void aRetransmissionIsAnsweredOnlyOnTheEndpointThatIssuedTheCertificate() throws Exception {
        PKCS10CertificationRequest csr = Csrs.forKey(device).challenge("s3cret").build();
        EnrollmentOutcome.Issued first = (EnrollmentOutcome.Issued) enrollment.enroll(staticEndpoint, request(csr));
        EnrollmentEndpoint refusingEverything = new EnrollmentEndpoint(new EndpointProfile("intune", 0x41, Optional.empty(),
                List.of(KeyPurposeId.id_kp_clientAuth), KeyUsage.digitalSignature), context -> false);
        EnrollmentEndpoint otherChallenge = new EnrollmentEndpoint(new EndpointProfile("aad", 0x50, Optional.empty(),
                List.of(KeyPurposeId.id_kp_clientAuth), KeyUsage.digitalSignature), new StaticChallengeVerifier("s3cret"));

        EnrollmentOutcome replayed = enrollment.enroll(refusingEverything, request(csr));
        assertThat(replayed).as("judged by the other endpoint's challenge").isInstanceOf(EnrollmentOutcome.Rejected.class);
        EnrollmentOutcome acceptedThere = enrollment.enroll(otherChallenge, request(csr));
        assertThat(((EnrollmentOutcome.Issued) acceptedThere).certificate().getSerialNumber())
                .as("a new certificate of that endpoint, not the first one").isNotEqualTo(first.certificate().getSerialNumber());
        assertThat(((EnrollmentOutcome.Issued) enrollment.enroll(staticEndpoint, request(csr))).certificate())
                .as("still the first one on its own endpoint").isEqualTo(first.certificate());
        assertThat(store.recorded()).hasSize(2);
    }

    @Test
    void everyIssuanceIsAnAuditEventNamingWhoTheSerialAndTheSubject() throws Exception {
        PKCS10CertificationRequest csr = Csrs.forKey(device).subject("CN=audited").challenge("s3cret").build();
        EnrollmentOutcome.Issued issued = (EnrollmentOutcome.Issued) enrollment.enroll(staticEndpoint, request(csr));
        enrollment.enroll(staticEndpoint, request(csr));
        enrollment.enroll(staticEndpoint, request(Csrs.forKey(device).subject("CN=refused").challenge("wrong").build()));
        PKCS10CertificationRequest byToken = Csrs.forKey(device).subject("CN=by-token").build();
        EnrollmentOutcome.Issued api = (EnrollmentOutcome.Issued) enrollment.enroll(
                new EnrollmentEndpoint(staticEndpoint.profile(), context -> true),
                new EnrollmentRequest(byToken, "token ci", Optional.empty(), Optional.empty(), Optional.of("ci")));

        assertThat(audit.events).as("one per certificate issued: not for the retransmission, nor the refusal").hasSize(2);
        assertThat(audit.events.get(0).actor()).isEqualTo("endpoint static (127.0.0.1)");
        assertThat(audit.events.get(0).action()).isEqualTo("certificate.issue");
        assertThat(audit.events.get(0).target()).isEqualTo(issued.record().serialHex() + " subject \"CN=audited\"");
        assertThat(audit.events.get(0).outcome()).isEqualTo("success");
        assertThat(audit.events.get(1).actor()).isEqualTo("ci");
        assertThat(audit.events.get(1).target()).startsWith(api.record().serialHex());
    }

    /** A store that commits the audit line with its certificate: the line is appended once, by the store. */
    @Test
    void anIssuanceCommittedWithItsAuditLineIsAuditedOnce() throws Exception {
        store.sharedTrail = audit;
        PKCS10CertificationRequest csr = Csrs.forKey(device).subject("CN=together").challenge("s3cret").build();
        EnrollmentOutcome.Issued issued = (EnrollmentOutcome.Issued) enrollment.enroll(staticEndpoint, request(csr));
        enrollment.enroll(staticEndpoint, request(csr));

        assertThat(audit.events).as("one line, written with the record; none for the retransmission").hasSize(1);
        assertThat(audit.events.get(0).action()).isEqualTo("certificate.issue");
        assertThat(audit.events.get(0).target()).isEqualTo(issued.record().serialHex() + " subject \"CN=together\"");
    }

    /**
     * A write that fails after the CA signed, before anything is kept, audits nothing, and the
     * one-time challenge that let the request through stays used: the write was attempted, and a
     * store that failed may have committed it.
     */
    @Test
    void aWriteThatFailsAfterSigningAuditsNothingAndKeepsTheOneTimeChallengeUsed() throws Exception {
        store.sharedTrail = audit;
        OneTimeChallengesTest.MemoryStore challengeStore = new OneTimeChallengesTest.MemoryStore();
        OneTimeChallenges oneTime = new OneTimeChallenges(challengeStore, new InMemoryAuditLog(), Clock.systemUTC(), new SecureRandom());
        String challenge = oneTime.mint("ci", Optional.empty(), Duration.ofMinutes(60)).value();
        store.failRecordsWith = new dev.scepter.authority.store.StoreUnavailableException("the database went away", null);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> enrollment.enroll(oneTimeEndpoint(oneTime),
                request(Csrs.forKey(device).subject("CN=half").challenge(challenge).build())))
                .isInstanceOf(dev.scepter.authority.store.StoreUnavailableException.class);

        assertThat(store.recorded()).isEmpty();
        assertThat(audit.events).isEmpty();
        assertThat(challengeStore.used).as("the write was attempted: stays used").hasSize(1);
    }

    /**
     * One transaction: a write whose commit went through but whose answer was lost fails the
     * request, yet the certificate it kept has its audit line, committed with it, once. Before,
     * the line was appended only after the record returned, so this certificate had none.
     */
    @Test
    void aCommitWhoseAnswerWasLostKeepsTheCertificateWithItsAuditLine() throws Exception {
        store.sharedTrail = audit;
        store.failAfterRecordingWith = new dev.scepter.authority.store.StoreUnavailableException("the answer was lost", null);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> enrollment.enroll(staticEndpoint,
                request(Csrs.forKey(device).subject("CN=lost-answer").challenge("s3cret").build())))
                .isInstanceOf(dev.scepter.authority.store.StoreUnavailableException.class);

        assertThat(store.recorded()).hasSize(1);
        assertThat(audit.events).as("the line committed with the certificate, and no second one").hasSize(1);
        assertThat(audit.events.get(0).action()).isEqualTo("certificate.issue");
        assertThat(audit.events.get(0).target())
                .isEqualTo(store.recorded().get(0).serialHex() + " subject \"CN=lost-answer\"");
    }

    /**
     * A store sharing the trail's database that refuses the line (rolled back alone, the
     * certificate kept) answers false, and the enrollment then appends the line itself, once.
     */
    @Test
    void aLineTheStoreRefusedIsAppendedOnceByTheEnrollment() throws Exception {
        store.sharedTrail = audit;
        store.refuseAuditLines = true;

        EnrollmentOutcome.Issued issued = (EnrollmentOutcome.Issued) enrollment.enroll(staticEndpoint,
                request(Csrs.forKey(device).subject("CN=refused-line").challenge("s3cret").build()));

        assertThat(store.recorded()).hasSize(1);
        assertThat(audit.events).as("appended by the enrollment, once").hasSize(1);
        assertThat(audit.events.get(0).target()).isEqualTo(issued.record().serialHex() + " subject \"CN=refused-line\"");
    }

    @Test
    void aValidityRequestedInMicrosoftsNameValuePairsShortensTheCertificate() throws Exception {
        PKCS10CertificationRequest csr = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
                new org.bouncycastle.asn1.x500.X500Name("CN=short-lived"), device.getPublic())
                .addAttribute(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.pkcs_9_at_challengePassword,
                        new org.bouncycastle.asn1.DERPrintableString("s3cret"))
                .addAttribute(new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.3.6.1.4.1.311.13.2.1"), new org.bouncycastle.asn1.DERSequence(
                        new org.bouncycastle.asn1.ASN1Encodable[] {new org.bouncycastle.asn1.DERBMPString("ValidityPeriod"),
                            new org.bouncycastle.asn1.DERBMPString("Days")}))
                .addAttribute(new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.3.6.1.4.1.311.13.2.1"), new org.bouncycastle.asn1.DERSequence(
                        new org.bouncycastle.asn1.ASN1Encodable[] {new org.bouncycastle.asn1.DERBMPString("ValidityPeriodUnits"),
                            new org.bouncycastle.asn1.DERBMPString("10")}))
                .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA").build(device.getPrivate()));
        EnrollmentOutcome.Issued issued = (EnrollmentOutcome.Issued) enrollment.enroll(staticEndpoint, request(csr));
        // notBefore is backdated a day (Duration.ofDays(1) in this test's policy); notAfter is 10 days from now.
        assertThat(java.time.Duration.between(issued.certificate().getNotBefore().toInstant(), issued.certificate().getNotAfter().toInstant()))
                .isEqualTo(Duration.ofDays(11));
    }

    @Test
    void aSerialCollisionDrawsANewSerial() throws Exception {
        store.collisionsToRaise = 2;
        EnrollmentOutcome outcome = enrollment.enroll(staticEndpoint, request(Csrs.forKey(device).challenge("s3cret").build()));
        assertThat(outcome).isInstanceOf(EnrollmentOutcome.Issued.class);
        assertThat(store.recorded()).hasSize(1);
    }

    @Test
    void staticChallengeComparisonAcceptsOnlyTheExactValue() throws Exception {
        StaticChallengeVerifier verifier = new StaticChallengeVerifier("s3cret");
        PKCS10CertificationRequest csr = Csrs.forKey(device).build();
        assertThat(verifier.accepts(EnrollmentContexts.withChallenge(Optional.of("s3cret"), csr))).isTrue();
        assertThat(verifier.accepts(EnrollmentContexts.withChallenge(Optional.of("s3cret "), csr))).isFalse();
        assertThat(verifier.accepts(EnrollmentContexts.withChallenge(Optional.of("S3CRET"), csr))).isFalse();
        assertThat(verifier.accepts(EnrollmentContexts.withChallenge(Optional.empty(), csr))).isFalse();
        assertThat(verifier.toString()).doesNotContain("s3cret");
    }

    @Test
    void theDirectorysSidIsWrittenOnlyWhereTheChallengeVouchedForTheBoundObject() throws Exception {
        java.util.UUID admin = java.util.UUID.randomUUID();
        dev.scepter.authority.directory.Directory directory = new dev.scepter.authority.directory.Directory() {
            @Override
            public dev.scepter.authority.directory.DirectoryAnswer lookup(dev.scepter.authority.directory.DirectoryObjectType type, java.util.UUID id) {
                throw new AssertionError("issuing reads no object state");
            }

            @Override
            public Optional<java.util.UUID> findUserByPrincipalName(String upn) {
                return Optional.empty();
            }

            @Override
            public Optional<String> securityIdentifier(dev.scepter.authority.directory.DirectoryObjectType type, java.util.UUID id) {
                return admin.equals(id) ? Optional.of("S-1-5-21-1-2-3-500") : Optional.empty();
            }

            @Override
            public String describe() {
                return "test";
            }
        };
        Enrollment withSids = new Enrollment(new CertificateIssuer(ca, new IssuancePolicy(730, Duration.ofDays(1), true,
                URI.create("http://scepter.test")), Clock.systemUTC(), new dev.scepter.authority.issuance.MicrosoftExtensions(false, Optional.empty(), true)),
                store, new SerialNumbers(new SecureRandom()), Optional.of(new Binder(directory)), audit, Clock.systemUTC());
        PKCS10CertificationRequest namingTheAdmin = Csrs.forKey(device).subject("CN=" + admin).challenge("s3cret").build();

        // A shared static challenge proves nothing about which object the request names.
        EnrollmentOutcome claimed = withSids.enroll(endpoint(EndpointProfile.Binding.REQUIRED), request(namingTheAdmin));
        assertThat(((EnrollmentOutcome.Issued) claimed).certificate().getExtension(dev.scepter.authority.issuance.MicrosoftExtensions.SID)).isNull();

        EnrollmentOutcome vouched = withSids.enroll(endpoint(EndpointProfile.Binding.VOUCHED),
                new EnrollmentRequest(namingTheAdmin, "127.0.0.1", Optional.of("tx-2"), Optional.empty()));
        assertThat(((EnrollmentOutcome.Issued) vouched).certificate().getExtension(dev.scepter.authority.issuance.MicrosoftExtensions.SID)).isNotNull();
    }

    @Test
    void aDirectoryOutageAfterTheMdmVouchedIsARefusalTheMdmIsToldOfAndElsewhereStaysAnOutage() throws Exception {
        dev.scepter.authority.directory.Directory down = new dev.scepter.authority.directory.Directory() {
            @Override
            public dev.scepter.authority.directory.DirectoryAnswer lookup(dev.scepter.authority.directory.DirectoryObjectType type, java.util.UUID id) {
                throw new AssertionError("issuing reads no object state");
            }

            @Override
            public Optional<java.util.UUID> findUserByPrincipalName(String upn) {
                throw new dev.scepter.authority.directory.DirectoryUnavailableException("Microsoft Graph did not answer", null);
            }

            @Override
            public Optional<String> securityIdentifier(dev.scepter.authority.directory.DirectoryObjectType type, java.util.UUID id) {
                throw new dev.scepter.authority.directory.DirectoryUnavailableException("Microsoft Graph did not answer", null);
            }

            @Override
            public String describe() {
                return "test";
            }
        };
        Enrollment withSids = new Enrollment(new CertificateIssuer(ca, new IssuancePolicy(730, Duration.ofDays(1), true,
                URI.create("http://scepter.test")), Clock.systemUTC(), new dev.scepter.authority.issuance.MicrosoftExtensions(false, Optional.empty(), true)),
                store, new SerialNumbers(new SecureRandom()), Optional.of(new Binder(down)), audit, Clock.systemUTC());
        PKCS10CertificationRequest request = Csrs.forKey(device).subject("CN=" + java.util.UUID.randomUUID()).challenge("s3cret").build();
        EnrollmentServiceTest.RecordingNotifier mdm = new EnrollmentServiceTest.RecordingNotifier();
        EnrollmentEndpoint vouched = endpoint(EndpointProfile.Binding.VOUCHED);
        EnrollmentEndpoint withMdm = new EnrollmentEndpoint(vouched.profile(), vouched.challengeVerifier(), RenewalPolicy.NONE, mdm);

        EnrollmentOutcome outcome = withSids.enroll(withMdm, request(request));

        assertThat(outcome).isInstanceOfSatisfying(EnrollmentOutcome.Rejected.class,
                rejected -> assertThat(rejected.reason()).isEqualTo(EnrollmentOutcome.Reason.DIRECTORY_UNAVAILABLE));
        assertThat(mdm.calls).containsExactly("refused");
        assertThat(mdm.refusals.get(0).reason()).isEqualTo(EnrollmentOutcome.Reason.DIRECTORY_UNAVAILABLE);
        assertThat(store.findByTransactionId(ca.certificate().getSubject().toString(), "tx-1")).as("nothing issued").isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> withSids.enroll(vouched, request(request)))
                .as("without an MDM waiting, the protocol answers the outage itself")
                .isInstanceOf(dev.scepter.authority.directory.DirectoryUnavailableException.class);
    }

    @Test
    void aCaKeyThatCannotSignAfterTheMdmVouchedIsARefusalTheMdmIsToldOfAndElsewhereStaysAnOutage() throws Exception {
        // As Key Vault's key while the vault throttles.
        dev.scepter.authority.ca.CaSigner throttled = new dev.scepter.authority.ca.CaSigner() {
            @Override
            public org.bouncycastle.cert.X509CertificateHolder certificate() {
                return ca.certificate();
            }

            @Override
            public org.bouncycastle.operator.ContentSigner contentSigner(org.bouncycastle.asn1.x509.AlgorithmIdentifier digestAlgorithm) {
                throw new dev.scepter.authority.ca.CaKeyUnavailableException("Key Vault is throttling (HTTP 429)");
            }

            @Override
            public String describe() {
                return "a throttled vault";
            }
        };
        Enrollment inVault = new Enrollment(new CertificateIssuer(throttled, new IssuancePolicy(730, Duration.ofDays(1), true,
                URI.create("http://scepter.test")), Clock.systemUTC()), store, new SerialNumbers(new SecureRandom()), Optional.empty(), audit, Clock.systemUTC());
        PKCS10CertificationRequest request = Csrs.forKey(device).subject("CN=vault-throttled").challenge("s3cret").build();
        EnrollmentServiceTest.RecordingNotifier mdm = new EnrollmentServiceTest.RecordingNotifier();
        EnrollmentEndpoint plain = endpoint(EndpointProfile.Binding.NONE);
        EnrollmentEndpoint withMdm = new EnrollmentEndpoint(plain.profile(), plain.challengeVerifier(), RenewalPolicy.NONE, mdm);
        long before = store.count();

        EnrollmentOutcome outcome = inVault.enroll(withMdm, request(request));

        assertThat(outcome).isInstanceOfSatisfying(EnrollmentOutcome.Rejected.class,
                rejected -> assertThat(rejected.reason()).isEqualTo(EnrollmentOutcome.Reason.CA_KEY_UNAVAILABLE));
        assertThat(mdm.calls).containsExactly("refused");
        assertThat(store.count()).as("nothing issued").isEqualTo(before);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> inVault.enroll(plain, request(request)))
                .as("without an MDM waiting, the protocol answers the outage itself")
                .isInstanceOf(dev.scepter.authority.ca.CaKeyUnavailableException.class);
        assertThat(store.count()).isEqualTo(before);
    }

    /**
     * "Nothing is lost": a one-time challenge accepted for a request that an outage stopped before
     * its certificate was written is given back, so the device's retry works; once issued it stays used.
     */
    @Test
    void aOneTimeChallengeIsGivenBackWhenAnOutageStoppedItsRequestBeforeTheCertificateWasWritten() throws Exception {
        OneTimeChallengesTest.MemoryStore challengeStore = new OneTimeChallengesTest.MemoryStore();
        OneTimeChallenges oneTime = new OneTimeChallenges(challengeStore, audit, Clock.systemUTC(), new SecureRandom());
        EnrollmentEndpoint endpoint = oneTimeEndpoint(oneTime);
        String challenge = oneTime.mint("ci", Optional.empty(), Duration.ofMinutes(60)).value();
        PKCS10CertificationRequest csr = Csrs.forKey(device).subject("CN=outage-1").challenge(challenge).build();
        EnrollmentRequest withoutTransaction = new EnrollmentRequest(csr, "est 127.0.0.1", Optional.empty(), Optional.empty());

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> throttledCaKey().enroll(endpoint, withoutTransaction))
                .isInstanceOf(dev.scepter.authority.ca.CaKeyUnavailableException.class);
        assertThat(challengeStore.used).as("the CA key did not sign: given back").isEmpty();

        assertThat(enrollment.enroll(endpoint, withoutTransaction)).isInstanceOf(EnrollmentOutcome.Issued.class);
        assertThat(challengeStore.used).as("issued: used for good").hasSize(1);
        PKCS10CertificationRequest another = Csrs.forKey(device).subject("CN=outage-2").challenge(challenge).build();
        assertThat(enrollment.enroll(endpoint, new EnrollmentRequest(another, "est 127.0.0.1", Optional.empty(), Optional.empty())))
                .isEqualTo(new EnrollmentOutcome.Rejected(EnrollmentOutcome.Reason.BAD_CHALLENGE, "the challenge password is missing or wrong"));
        assertThat(store.recorded()).hasSize(1);
    }

    /**
     * Once the certificate's write was attempted the challenge stays used, whether or not the
     * request had a transactionID (EST's HTTP Basic has none): a store that failed may have
     * committed the row, which OCSP then vouches for, and a second certificate must not follow.
     */
    @Test
    void aOneTimeChallengeStaysUsedOnceTheCertificatesWriteWasAttemptedWithOrWithoutATransaction() throws Exception {
        OneTimeChallengesTest.MemoryStore challengeStore = new OneTimeChallengesTest.MemoryStore();
        OneTimeChallenges oneTime = new OneTimeChallenges(challengeStore, audit, Clock.systemUTC(), new SecureRandom());
        EnrollmentEndpoint endpoint = oneTimeEndpoint(oneTime);

        String committed = oneTime.mint("ci", Optional.empty(), Duration.ofMinutes(60)).value();
        store.failAfterRecordingWith = new dev.scepter.authority.store.StoreUnavailableException("the commit's answer was lost", null);
        EnrollmentRequest withoutTransaction = new EnrollmentRequest(Csrs.forKey(device).subject("CN=lost-1").challenge(committed).build(),
                "est 127.0.0.1", Optional.empty(), Optional.empty());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> enrollment.enroll(endpoint, withoutTransaction))
                .isInstanceOf(dev.scepter.authority.store.StoreUnavailableException.class);
        store.failAfterRecordingWith = null;
        assertThat(store.recorded()).as("the row was committed").hasSize(1);
        assertThat(challengeStore.used).as("committed, answer lost: stays used").hasSize(1);
        assertThat(enrollment.enroll(endpoint, withoutTransaction)).as("no second certificate for it")
                .isEqualTo(new EnrollmentOutcome.Rejected(EnrollmentOutcome.Reason.BAD_CHALLENGE, "the challenge password is missing or wrong"));

        String failed = oneTime.mint("ci", Optional.empty(), Duration.ofMinutes(60)).value();
        store.failRecordsWith = new dev.scepter.authority.store.StoreUnavailableException("the database went away", null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> enrollment.enroll(endpoint, new EnrollmentRequest(
                Csrs.forKey(device).subject("CN=lost-2").challenge(failed).build(), "est 127.0.0.1", Optional.empty(), Optional.empty())))
                .isInstanceOf(dev.scepter.authority.store.StoreUnavailableException.class);
        store.failRecordsWith = null;
        assertThat(challengeStore.used).as("a failed write may have committed (a timeout): stays used").hasSize(2);
        assertThat(store.recorded()).hasSize(1);
    }

    /**
     * A request refused after its challenge passed keeps the challenge used: else one challenge
     * would buy any number of directory lookups, an oracle of which UPNs and devices exist.
     */
    @Test
    void aOneTimeChallengeStaysUsedWhenItsRequestIsRefused() throws Exception {
        dev.scepter.authority.directory.Directory empty = new dev.scepter.authority.directory.Directory() {
            @Override
            public dev.scepter.authority.directory.DirectoryAnswer lookup(dev.scepter.authority.directory.DirectoryObjectType type, java.util.UUID id) {
                throw new AssertionError("the request names no object id");
            }

            @Override
            public Optional<java.util.UUID> findUserByPrincipalName(String upn) {
                return Optional.empty();
            }

            @Override
            public Optional<String> securityIdentifier(dev.scepter.authority.directory.DirectoryObjectType type, java.util.UUID id) {
                return Optional.empty();
            }

            @Override
            public String describe() {
                return "test";
            }
        };
        Enrollment binding = new Enrollment(new CertificateIssuer(ca, new IssuancePolicy(730, Duration.ofDays(1), true,
                URI.create("http://scepter.test")), Clock.systemUTC()), store, new SerialNumbers(new SecureRandom()),
                Optional.of(new Binder(empty)), audit, Clock.systemUTC());
        OneTimeChallengesTest.MemoryStore challengeStore = new OneTimeChallengesTest.MemoryStore();
        OneTimeChallenges oneTime = new OneTimeChallenges(challengeStore, audit, Clock.systemUTC(), new SecureRandom());
        EnrollmentEndpoint bound = new EnrollmentEndpoint(endpoint(EndpointProfile.Binding.REQUIRED).profile(), oneTime);
        String challenge = oneTime.mint("ci", Optional.empty(), Duration.ofMinutes(60)).value();

        EnrollmentOutcome refused = binding.enroll(bound, new EnrollmentRequest(Csrs.forKey(device).subject("CN=nobody")
                .challenge(challenge).build(), "est 127.0.0.1", Optional.empty(), Optional.empty()));

        assertThat(refused).isInstanceOfSatisfying(EnrollmentOutcome.Rejected.class,
                rejected -> assertThat(rejected.reason()).isEqualTo(EnrollmentOutcome.Reason.BAD_REQUEST));
        assertThat(challengeStore.used).as("refused: stays used").hasSize(1);
    }

    private static EnrollmentEndpoint oneTimeEndpoint(OneTimeChallenges oneTime) {
        return new EnrollmentEndpoint(new EndpointProfile("static", 0x50, Optional.empty(),
                List.of(KeyPurposeId.id_kp_clientAuth), KeyUsage.digitalSignature), oneTime);
    }

    private Enrollment throttledCaKey() {
        dev.scepter.authority.ca.CaSigner throttled = new dev.scepter.authority.ca.CaSigner() {
            @Override
            public org.bouncycastle.cert.X509CertificateHolder certificate() {
                return ca.certificate();
            }

            @Override
            public org.bouncycastle.operator.ContentSigner contentSigner(org.bouncycastle.asn1.x509.AlgorithmIdentifier digestAlgorithm) {
                throw new dev.scepter.authority.ca.CaKeyUnavailableException("Key Vault is throttling (HTTP 429)");
            }

            @Override
            public String describe() {
                return "a throttled vault";
            }
        };
        return new Enrollment(new CertificateIssuer(throttled, new IssuancePolicy(730, Duration.ofDays(1), true,
                URI.create("http://scepter.test")), Clock.systemUTC()), store, new SerialNumbers(new SecureRandom()), Optional.empty(), audit,
                Clock.systemUTC());
    }

    private static EnrollmentEndpoint endpoint(EndpointProfile.Binding binding) {
        return new EnrollmentEndpoint(new EndpointProfile("bound", 0x40, Optional.empty(), List.of(KeyPurposeId.id_kp_clientAuth),
                KeyUsage.digitalSignature, binding), new StaticChallengeVerifier("s3cret"));
    }
}
