package dev.scepter.azure.intune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.Csrs;
import dev.scepter.authority.InMemoryAuditLog;
import dev.scepter.authority.InMemoryCertificateStore;
import dev.scepter.authority.TestCa;
import dev.scepter.authority.directory.Directory;
import dev.scepter.authority.directory.DirectoryAnswer;
import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.enrollment.Binder;
import dev.scepter.authority.enrollment.Enrollment;
import dev.scepter.authority.enrollment.EnrollmentContext;
import dev.scepter.authority.enrollment.EnrollmentEndpoint;
import dev.scepter.authority.enrollment.EnrollmentOutcome;
import dev.scepter.authority.enrollment.EnrollmentOutcome.Reason;
import dev.scepter.authority.enrollment.EnrollmentRequest;
import dev.scepter.authority.enrollment.RenewalPolicy;
import dev.scepter.authority.issuance.CertificateIssuer;
import dev.scepter.authority.issuance.EndpointProfile;
import dev.scepter.authority.issuance.IssuancePolicy;
import dev.scepter.authority.issuance.SerialNumbers;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.azure.signin.AccessTokens;
import dev.scepter.azure.sim.IntuneSimulator;
import dev.scepter.azure.sim.SimServer;
import java.net.URI;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Intune's SCEP validation and notifications in the real enrollment chain, against the simulated Intune. */
class IntuneScepTest {

    private static TestCa ca;
    private static KeyPair device;

    private final IntuneFixture fixture = new IntuneFixture();
    private final IntuneSimulator intune = fixture.intune;
    private final InMemoryCertificateStore store = new InMemoryCertificateStore();
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final Enrollment enrollment = new Enrollment(new CertificateIssuer(ca,
            new IssuancePolicy(730, Duration.ofDays(1), true, URI.create("http://scepter.test")), Clock.systemUTC()),
            store, new SerialNumbers(new SecureRandom()), Optional.of(new Binder(new NoDirectory())), audit, Clock.systemUTC());
    private final ScepActions actions = new ScepActions(fixture.client, "Scepter/test");
    /** Background notifications, run when the test says: the enrollment must not wait for them. */
    private final List<Runnable> background = new ArrayList<>();
    private final UUID deviceId = UUID.randomUUID();
    private final String sanUri = "IntuneDeviceId://" + deviceId;

    @BeforeAll
    static void keys() throws Exception {
        ca = new TestCa(Instant.now().plus(Duration.ofDays(3650)));
        device = TestCa.rsa();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private EnrollmentEndpoint endpoint(boolean waitForSuccessNotificationResponse) {
        Executor later = background::add;
        return new EnrollmentEndpoint(new EndpointProfile("intune", Binder.TYPE_INTUNE_DEVICE, Optional.empty(),
                List.of(KeyPurposeId.id_kp_clientAuth), KeyUsage.digitalSignature, EndpointProfile.Binding.VOUCHED),
                new IntuneChallengeVerifier(actions), RenewalPolicy.NONE,
                new IntuneNotifier(actions, waitForSuccessNotificationResponse, later));
    }

    private PKCS10CertificationRequest csr(String challenge) throws Exception {
        return Csrs.forKey(device).subject("CN=" + deviceId).uri(sanUri).challenge(challenge).build();
    }

    private String challenge() {
        return intune.challengeFor("CN=" + deviceId, Optional.of(sanUri), Duration.ofMinutes(60));
    }

    private EnrollmentOutcome enroll(EnrollmentEndpoint endpoint, PKCS10CertificationRequest csr, String transaction) {
        return enrollment.enroll(endpoint, new EnrollmentRequest(csr, "192.0.2.7", Optional.of(transaction), Optional.empty()));
    }

    @Test
    void aRequestIntuneValidatesIsIssuedBoundToItsIntuneDeviceAndNotifiedWithItsThumbprintSerialExpiryAndIssuer() throws Exception {
        PKCS10CertificationRequest csr = csr(challenge());

        EnrollmentOutcome outcome = enroll(endpoint(true), csr, "tx-1");

        assertThat(outcome).isInstanceOf(EnrollmentOutcome.Issued.class);
        X509CertificateHolder certificate = ((EnrollmentOutcome.Issued) outcome).certificate();
        assertThat(certificate.getSerialNumber().shiftRight(19 * 8).intValue()).as("type byte of an Intune device").isEqualTo(0x41);
        assertThat(store.recorded().get(0).binding().orElseThrow().objectId()).isEqualTo(deviceId);

        assertThat(intune.validations()).hasSize(1);
        var request = intune.validations().get(0).path("request");
        assertThat(request.path("transactionId").asString()).isEqualTo("tx-1");
        assertThat(Base64.getDecoder().decode(request.path("certificateRequest").asString())).isEqualTo(csr.getEncoded());
        assertThat(request.path("callerInfo").asString()).isEqualTo("Scepter/test");

        assertThat(intune.notifications()).extracting(IntuneSimulator.Notification::action).containsExactly("successNotification");
        IntuneSimulator.Notification success = intune.notifications().get(0);
        assertThat(success.field("transactionId").asString()).isEqualTo("tx-1");
        assertThat(Base64.getDecoder().decode(success.field("certificateRequest").asString())).isEqualTo(csr.getEncoded());
        assertThat(success.field("certificateThumbprint").asString()).isEqualTo(
                HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded())));
        assertThat(success.field("certificateSerialNumber").asString())
                .isEqualTo(certificate.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT));
        String expiry = success.field("certificateExpirationDateUtc").asString();
        assertThat(expiry).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{7}Z");
        assertThat(Instant.parse(expiry)).isEqualTo(certificate.getNotAfter().toInstant());
        assertThat(success.field("issuingCertificateAuthority").asString()).isEqualTo("CN=Test Root CA,O=Scepter Tests");
        assertThat(success.field("callerInfo").asString()).isEqualTo("Scepter/test");

        List<SimServer.Request> calls = intune.server().requests();
        assertThat(calls).extracting(r -> r.header("api-version")).containsOnly("2018-02-20");
        assertThat(calls).extracting(r -> r.header("client-request-id")).doesNotContainNull().doesNotHaveDuplicates();
    }

    @Test
    void aRequestIntuneRefusesIsRefusedAndNothingIsIssued() throws Exception {
        String forAnotherDevice = intune.challengeFor("CN=" + UUID.randomUUID(), Optional.empty(), Duration.ofMinutes(60));

        EnrollmentOutcome outcome = enroll(endpoint(true), csr(forAnotherDevice), "tx-1");

        assertThat(outcome).isEqualTo(new EnrollmentOutcome.Rejected(Reason.BAD_CHALLENGE, "the challenge password is missing or wrong"));
        assertThat(store.recorded()).isEmpty();
        assertThat(intune.notifications()).as("Intune refused it, it knows").isEmpty();
    }

    @Test
    void intuneDownOrAnsweringAnErrorRefusesTheRequestAndIssuesNothing() throws Exception {
        String challenge = challenge();
        intune.failNext("validateRequest", 500);
        EnrollmentOutcome error = enroll(endpoint(true), csr(challenge), "tx-1");
        intune.server().down(true);
        EnrollmentOutcome down = enroll(endpoint(true), csr(challenge), "tx-2");

        assertThat(error).extracting(o -> ((EnrollmentOutcome.Rejected) o).reason()).isEqualTo(Reason.VERIFIER_UNAVAILABLE);
        assertThat(down).extracting(o -> ((EnrollmentOutcome.Rejected) o).reason()).isEqualTo(Reason.VERIFIER_UNAVAILABLE);
        assertThat(store.recorded()).isEmpty();
        assertThat(intune.notifications()).isEmpty();
    }

    @Test
    void aDiscoveryThatListsNoValidationServiceNamesThePermissionsToGrant() throws Exception {
        intune.listService("ScepRequestValidationFEService", false);

        IntuneUnavailableException failure = org.junit.jupiter.api.Assertions.assertThrows(IntuneUnavailableException.class,
                () -> fixture.client.service(IntuneClient.SCEP_VALIDATION_SERVICE));

        assertThat(failure.getMessage()).contains("ScepRequestValidationFEService", "Application.Read.All", "scep_challenge_provider");
        assertThat(fixture.client.lastFailure()).contains(failure.getMessage());
        intune.listService("ScepRequestValidationFEService", true);
        assertThat(fixture.client.service(IntuneClient.SCEP_VALIDATION_SERVICE)).as("asked again, not cached as missing")
                .isEqualTo(intune.validationServiceUri());
    }

    @Test
    void withWaitForSuccessNotificationResponseAFailedNotificationWithholdsAndRevokesTheCertificate() throws Exception {
        intune.answerNext("successNotification", "Unknown");
        EnrollmentOutcome refusedByCode = enroll(endpoint(true), csr(challenge()), "tx-1");
        // Unavailable at each of production's attempts.
        intune.failNext("successNotification", 503, IntuneClient.ATTEMPTS);
        EnrollmentOutcome refusedByStatus = enroll(endpoint(true), csr(challenge()), "tx-2");

        assertThat(refusedByCode).extracting(o -> ((EnrollmentOutcome.Rejected) o).reason()).isEqualTo(Reason.DELIVERY_REFUSED);
        assertThat(refusedByStatus).extracting(o -> ((EnrollmentOutcome.Rejected) o).reason()).isEqualTo(Reason.DELIVERY_REFUSED);
        assertThat(store.recorded()).hasSize(2).allSatisfy(record ->
                assertThat(record.revocation()).as("recorded, then revoked at once").isPresent());
        assertThat(audit.events).extracting(e -> e.action())
                .containsExactly("certificate.issue", "certificate.revoke", "certificate.issue", "certificate.revoke");
        assertThat(audit.events.get(1).target()).contains("Intune answered the success notification with Unknown");
        assertThat(intune.notifications()).extracting(IntuneSimulator.Notification::action)
                .as("no failure notification for the notification's own failure").containsOnly("successNotification");
    }

    @Test
    void aSuccessNotificationIntuneHadUnavailableOnceIsSentAgainAfterItsRetryAfterAndTheCertificateLeaves() throws Exception {
        intune.failNext("successNotification", 503);

        EnrollmentOutcome outcome = enroll(endpoint(true), csr(challenge()), "tx-1");

        assertThat(outcome).isInstanceOf(EnrollmentOutcome.Issued.class);
        assertThat(fixture.slept).containsExactly(Duration.ofSeconds(1));
        assertThat(intune.server().requests()).filteredOn(r -> r.path().endsWith("/successNotification")).hasSize(2);
        assertThat(store.recorded()).extracting(IssuedCertificate::revocation).containsExactly(Optional.empty());
    }

    @Test
    void withoutWaitingTheCertificateLeavesAndTheNotificationFollowsItsFailureOnlyLogged() throws Exception {
        intune.answerNext("successNotification", "Unknown");

        EnrollmentOutcome outcome = enroll(endpoint(false), csr(challenge()), "tx-1");

        assertThat(outcome).isInstanceOf(EnrollmentOutcome.Issued.class);
        assertThat(intune.notifications()).as("not sent while the device waits").isEmpty();
        background.forEach(Runnable::run);
        assertThat(intune.notifications()).extracting(IntuneSimulator.Notification::action).containsExactly("successNotification");
        assertThat(store.recorded()).extracting(IssuedCertificate::revocation).containsExactly(Optional.empty());
    }

    @Test
    void aValidatedRequestWeCannotIssueIsToldToIntuneAsAFailure() throws Exception {
        String challenge = intune.challengeFor("CN=laptop", Optional.empty(), Duration.ofMinutes(60));
        PKCS10CertificationRequest namesNoDevice = Csrs.forKey(device).subject("CN=laptop").challenge(challenge).build();

        EnrollmentOutcome outcome = enroll(endpoint(true), namesNoDevice, "tx-1");
        background.forEach(Runnable::run);

        assertThat(outcome).extracting(o -> ((EnrollmentOutcome.Rejected) o).reason()).isEqualTo(Reason.BAD_REQUEST);
        assertThat(intune.notifications()).extracting(IntuneSimulator.Notification::action).containsExactly("failureNotification");
        IntuneSimulator.Notification failure = intune.notifications().get(0);
        assertThat(failure.field("transactionId").asString()).isEqualTo("tx-1");
        assertThat(failure.field("hResult").asLong()).isEqualTo(-2147467259L);
        assertThat(failure.field("errorDescription").asString()).startsWith("the request names no directory object").hasSizeLessThanOrEqualTo(255);
        assertThat(failure.field("callerInfo").asString()).isEqualTo("Scepter/test");
    }

    @Test
    void aValidationCountsForItsOwnRequestOnlyNotForAnotherThatReusesItsTransactionId() throws Exception {
        PKCS10CertificationRequest validatedCsr = csr(challenge());
        EnrollmentContext validated = new EnrollmentContext("intune", Optional.of("tx-1"), validatedCsr, Optional.empty(), "192.0.2.7",
                Optional.empty(), Optional.empty());
        assertThat(actions.validateRequest(validated).success()).isTrue();

        PKCS10CertificationRequest another = Csrs.forKey(TestCa.rsa()).subject("CN=" + deviceId).uri(sanUri).build();
        assertThat(actions.validated(new EnrollmentContext("intune", Optional.of("tx-1"), another, Optional.empty(), "198.51.100.9",
                Optional.empty(), Optional.empty()))).as("another client's request in the same transaction").isFalse();
        assertThat(actions.validated(new EnrollmentContext("static", Optional.of("tx-1"), validatedCsr, Optional.empty(), "192.0.2.7",
                Optional.empty(), Optional.empty()))).as("the same request on another endpoint").isFalse();
        assertThat(actions.validated(validated)).isTrue();
    }

    @Test
    void aTokenIntuneAnswers401ToIsForgottenAndTheCallSentOnceMoreWithAFreshOne() throws Exception {
        java.util.Map<String, String> kept = new java.util.concurrent.ConcurrentHashMap<>();
        List<URI> invalidated = new java.util.concurrent.CopyOnWriteArrayList<>();
        AccessTokens keeping = new AccessTokens() {
            @Override
            public String token(URI resource) {
                return kept.computeIfAbsent(resource.toString(), r -> fixture.tokens.mint(IntuneFixture.CLIENT, r, Duration.ofMinutes(10)));
            }

            @Override
            public void invalidate(URI resource, String refused) {
                invalidated.add(resource);
                kept.remove(resource.toString());
            }

            @Override
            public String describe() {
                return "keeping";
            }
        };
        ScepActions keepingActions = new ScepActions(fixture.client(keeping), "Scepter/test");
        EnrollmentContext request = new EnrollmentContext("intune", Optional.of("tx-1"), csr(challenge()), Optional.empty(), "192.0.2.7",
                Optional.empty(), Optional.empty());
        assertThat(keepingActions.validateRequest(request).success()).isTrue();
        // The kept Intune token has expired early as far as Intune is concerned (revoked, say).
        fixture.now.set(fixture.now.get().plus(Duration.ofMinutes(11)));
        EnrollmentContext again = new EnrollmentContext("intune", Optional.of("tx-2"), csr(challenge()), Optional.empty(), "192.0.2.7",
                Optional.empty(), Optional.empty());

        assertThat(keepingActions.validateRequest(again).success()).isTrue();
        assertThat(invalidated).containsExactly(URI.create(IntuneSimulator.INTUNE_AUDIENCE));
    }

    @Test
    void aSignInSlowerThanTheEnrollmentsBudgetCountsAgainstItAndTheDeviceGetsItsAnswerInTime() throws Exception {
        java.util.concurrent.CountDownLatch signedIn = new java.util.concurrent.CountDownLatch(1);
        AccessTokens slowForIntune = new AccessTokens() {
            @Override
            public String token(URI resource) {
                if (resource.toString().equals(IntuneSimulator.INTUNE_AUDIENCE)) {
                    try {
                        // The identity platform retrying: far longer than the enrollment's budget.
                        signedIn.await(20, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return fixture.tokens.mint(IntuneFixture.CLIENT, resource.toString(), Duration.ofHours(1));
            }

            @Override
            public String describe() {
                return "slow";
            }
        };
        ScepActions budgeted = new ScepActions(fixture.client(slowForIntune), "Scepter/test", Clock.systemUTC(), Duration.ofSeconds(1));
        EnrollmentEndpoint endpoint = new EnrollmentEndpoint(new EndpointProfile("intune", Binder.TYPE_INTUNE_DEVICE, Optional.empty(),
                List.of(KeyPurposeId.id_kp_clientAuth), KeyUsage.digitalSignature, EndpointProfile.Binding.VOUCHED),
                new IntuneChallengeVerifier(budgeted), RenewalPolicy.NONE, new IntuneNotifier(budgeted, true, background::add));
        try {
            long started = System.nanoTime();
            EnrollmentOutcome outcome = enroll(endpoint, csr(challenge()), "tx-1");
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(outcome).extracting(o -> ((EnrollmentOutcome.Rejected) o).reason()).isEqualTo(Reason.VERIFIER_UNAVAILABLE);
            assertThat(took).as("the budget of 1 s, not the sign-in's time").isLessThan(Duration.ofSeconds(3));
            assertThat(store.recorded()).isEmpty();
            assertThat(intune.validations()).as("no token, no call").isEmpty();
        } finally {
            signedIn.countDown();
        }
    }

    /** Intune devices are bound by their SAN URI; no look-up is needed. */
    private static final class NoDirectory implements Directory {
        @Override
        public DirectoryAnswer lookup(DirectoryObjectType type, UUID objectId) {
            throw new AssertionError("no look-up");
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
