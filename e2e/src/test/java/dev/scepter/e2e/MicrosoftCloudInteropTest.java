package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.azure.sim.EntraIdSimulator;
import dev.scepter.azure.sim.GraphSimulator;
import dev.scepter.azure.sim.IntuneSimulator;
import dev.scepter.azure.sim.JamfSimulator;
import dev.scepter.azure.sim.SimServer;
import dev.scepter.azure.sim.SimTls;
import dev.scepter.azure.sim.SimTokens;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built launcher signed in to Microsoft's cloud and Jamf Pro, all simulated on loopback
 * (nothing leaves this machine; the launcher trusts the simulators' certificate through its trust
 * store, as it trusts Microsoft's public ones in production). It signs in as an app registration
 * with a client secret (the real azure-identity client against the simulated token endpoint),
 * enrolls through Intune's endpoint with micromdm's scepclient (validated, then notified), and
 * openssl ocsp follows the device in the simulated Entra ID: good, on hold while disabled or not
 * compliant, revoked for good once deleted; Intune's revocation request revokes and its result is
 * uploaded; Graph down answers tryLater, never revoked; a Jamf computer's certificate follows
 * the computer.
 */
@ExtendWith(PrintServerLogOnFailure.class)
class MicrosoftCloudInteropTest {

    private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private static final String APP = "6b0a3f49-6f3c-4bbd-9a8c-7c1f0e2d5a11";
    private static final String SECRET = "simulated-client-secret-" + UUID.randomUUID();
    private static final String JAMF_CHALLENGE = "jamf-challenge-e2e";
    /** Directory:CacheSeconds is 1: a change shows within it plus a signed answer's own work. */
    private static final Duration BOUND = Duration.ofSeconds(8);

    private static SimTls tls;
    private static SimTokens tokens;
    private static SimServer login;
    private static EntraIdSimulator entraId;
    private static SimServer graphHost;
    private static GraphSimulator graph;
    private static IntuneSimulator intune;
    private static JamfSimulator jamf;
    private static ScepterProcess server;
    private static Path caPem;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        tls = SimTls.generate();
        tokens = new SimTokens(Instant::now);
        login = SimServer.start("entra-id", tls);
        entraId = new EntraIdSimulator(login, tokens).addSecret(TENANT, APP, SECRET);
        graphHost = SimServer.start("graph", tls);
        graph = new GraphSimulator(graphHost, tokens, Instant::now);
        intune = IntuneSimulator.start(tls, tokens, graphHost, Instant::now);
        jamf = JamfSimulator.start(tls, Instant::now);
        jamf.addApiClient("scepter-e2e", "jamf-secret", Duration.ofMinutes(20), JamfSimulator.ALL_READ);
        // The application permissions an admin grants the app registration (docs/microsoft-cloud.md).
        tokens.grant(APP, graph.audience(), "Device.Read.All");
        tokens.grant(APP, graph.audience(), "User.Read.All");
        tokens.grant(APP, graph.audience(), IntuneSimulator.GRAPH_ROLE);
        tokens.grant(APP, IntuneSimulator.INTUNE_AUDIENCE, IntuneSimulator.SCEP_ROLE);

        Path trustStore = dir.resolve("simulators.p12");
        tls.writeTrustStore(trustStore);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("AppConfig__AuthConfig__TenantId", TENANT);
        settings.put("AppConfig__AuthConfig__SignInApplicationId", APP);
        settings.put("AppConfig__AuthConfig__SignInClientSecret", SECRET);
        settings.put("AppConfig__AzureCloudConfig__AzureADEndpoint", login.uri().toString());
        settings.put("AppConfig__AzureCloudConfig__MSGraphEndpoint", graphHost.uri().toString());
        settings.put("AppConfig__AzureCloudConfig__ManagementEndpoint", IntuneSimulator.INTUNE_AUDIENCE);
        settings.put("AppConfig__IntuneValidation__DeviceDirectory", "AAD");
        settings.put("AppConfig__IntuneValidation__ComplianceCheck", "Always");
        settings.put("AppConfig__IntuneValidation__ComplianceGracePeriodMinutes", "60");
        settings.put("AppConfig__IntuneValidation__RevocationPollSeconds", "1");
        settings.put("AppConfig__Directory__CacheSeconds", "1");
        settings.put("AppConfig__JamfValidation__Enabled", "true");
        settings.put("AppConfig__JamfValidation__RequestPassword", JAMF_CHALLENGE);
        settings.put("AppConfig__JamfValidation__URL", jamf.uri().toString());
        settings.put("AppConfig__JamfValidation__ClientID", "scepter-e2e");
        settings.put("AppConfig__JamfValidation__ClientSecret", "jamf-secret");
        server = ScepterProcess.start(settings, List.of("-Djavax.net.ssl.trustStore=" + trustStore,
                "-Djavax.net.ssl.trustStorePassword=simulator", "-Djavax.net.ssl.trustStoreType=PKCS12"));
        caPem = server.caCertificatePem(dir);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        for (AutoCloseable simulator : new AutoCloseable[] {jamf, intune, graphHost, login}) {
            try {
                if (simulator != null) {
                    simulator.close();
                }
            } catch (Exception e) {
                // closing a simulator that failed to start
            }
        }
    }

    /** An Entra device that enrolled through Intune two hours ago and is compliant. */
    private static UUID compliantDevice(Duration registeredAgo) {
        UUID id = UUID.randomUUID();
        GraphSimulator.Device device = graph.addDevice(id);
        device.isCompliant = true;
        device.registrationDateTime = Instant.now().minus(registeredAgo);
        return id;
    }

    /** scepclient through Intune's endpoint with the challenge Intune's profile gave the device: CN is the Entra device id. */
    private static OcspFixtures.Issued enrollThroughIntune(UUID device) throws Exception {
        // scepclient's subject: C, O and OU of its defaults, then the CN.
        String challenge = intune.challengeFor("C=US,O=scep-client,OU=MDM,CN=" + device, Optional.empty(), Duration.ofMinutes(10));
        Path client = Files.createDirectories(dir.resolve("intune-" + device));
        Command.Result enrolled = Scepclient.enroll(client, server.url("certsrv/mscep/mscep.dll"), challenge, device.toString());
        assertThat(enrolled.exitCode()).as("scepclient on Intune's endpoint:\n%s", enrolled).isZero();
        Path pem = Scepclient.certificate(client);
        String serial = Openssl.serial(client, pem);
        assertThat(new BigInteger(serial, 16).shiftRight(152).intValue()).as("type byte of %s: an Entra device", serial).isEqualTo(0x40);
        return new OcspFixtures.Issued(pem, serial);
    }

    private static Command.Result ocsp(OcspFixtures.Issued certificate) {
        return OpensslOcsp.queryCert(dir, server.url("ocsp"), caPem, certificate.pem());
    }

    private static void await(String what, OcspFixtures.Issued certificate, String status, String reason) {
        OcspFixtures.awaitStatus(what, BOUND, () -> ocsp(certificate), certificate.pem().toString(),
                new OpensslOcsp.Status(status, Optional.ofNullable(reason)));
    }

    @Test
    void anIntuneEnrollmentIsValidatedNotifiedAndFollowsItsDeviceInEntraId() throws Exception {
        UUID id = compliantDevice(Duration.ofHours(2));
        OcspFixtures.Issued issued = enrollThroughIntune(id);

        // Intune validated the request, then heard of the certificate: its serial and SHA-1 thumbprint.
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(issued.pem())));
        String thumbprint = HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded()));
        assertThat(intune.validations()).anySatisfy(validation ->
                assertThat(validation.path("request").path("certificateRequest").asString()).isNotBlank());
        assertThat(intune.notifications()).filteredOn(n -> n.action().contains("success"))
                .anySatisfy(success -> {
                    assertThat(success.field("certificateSerialNumber").asString()).isEqualToIgnoringCase(issued.serialHex());
                    assertThat(success.field("certificateThumbprint").asString()).isEqualTo(thumbprint);
                });

        OpensslOcsp.assertStatus(ocsp(issued), issued.pem(), "good", null);
        // It signed in as the app registration, through the token endpoint, and never logged the secret.
        assertThat(entraId.tokenRequests()).isNotEmpty().allSatisfy(request -> assertThat(request.path()).isEqualTo("/" + TENANT + "/oauth2/v2.0/token"));
        assertThat(server.log()).doesNotContain(SECRET);

        graph.disableDevice(id);
        await("disabled in Entra ID", issued, "revoked", "certificateHold");
        graph.enableDevice(id);
        await("enabled again", issued, "good", null);

        // Enrolled two hours ago, past the 60-minute grace period: not compliant is on hold.
        graph.device(id).isCompliant = false;
        await("not compliant", issued, "revoked", "certificateHold");
        graph.device(id).isCompliant = true;
        await("compliant again", issued, "good", null);

        graph.deleteDevice(id);
        await("deleted from Entra ID", issued, "revoked", "cessationOfOperation");
    }

    @Test
    void aDeviceWithinItsComplianceGracePeriodStaysGood() throws Exception {
        UUID id = compliantDevice(Duration.ofMinutes(5));
        OcspFixtures.Issued issued = enrollThroughIntune(id);
        graph.device(id).isCompliant = false;
        OcspFixtures.sleep(Duration.ofSeconds(2));
        OpensslOcsp.assertStatus(ocsp(issued), issued.pem(), "good", null);
    }

    @Test
    void intunesRevocationRequestRevokesAndItsResultIsUploaded() throws Exception {
        OcspFixtures.Issued issued = enrollThroughIntune(compliantDevice(Duration.ofHours(2)));
        OpensslOcsp.assertStatus(ocsp(issued), issued.pem(), "good", null);

        // Intune asks with the issuer name it was told in the success notification.
        String issuer = intune.notifications().stream().filter(n -> n.action().contains("success"))
                .filter(n -> n.field("certificateSerialNumber").asString().equalsIgnoreCase(issued.serialHex())).findFirst().orElseThrow()
                .field("issuingCertificateAuthority").asString();
        String context = intune.requestRevocation(issued.serialHex().toUpperCase(Locale.ROOT), issuer);

        await("revoked at Intune's request", issued, "revoked", "cessationOfOperation");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (intune.uploadedResults().stream().noneMatch(r -> r.path("requestContext").asString().equals(context))
                && System.nanoTime() < deadline) {
            OcspFixtures.sleep(Duration.ofMillis(100));
        }
        assertThat(intune.uploadedResults()).filteredOn(r -> r.path("requestContext").asString().equals(context)).singleElement()
                .satisfies(result -> {
                    assertThat(result.path("succeeded").asBoolean()).isTrue();
                    assertThat(result.path("errorCode").asString()).isEqualTo("0");
                });
    }

    @Test
    void aGraphOutageAnswersTryLaterAndNeverRevokesAGoodDevice() throws Exception {
        UUID id = compliantDevice(Duration.ofHours(2));
        OcspFixtures.Issued issued = enrollThroughIntune(id);
        OpensslOcsp.assertStatus(ocsp(issued), issued.pem(), "good", null);
        graphHost.down(true);
        try {
            OcspFixtures.sleep(Duration.ofSeconds(2));
            Command.Result during = ocsp(issued);
            assertThat(during.output()).as("openssl ocsp during the outage:\n%s", during).contains("trylater")
                    .doesNotContain(": revoked");
        } finally {
            graphHost.down(false);
        }
        await("Graph back", issued, "good", null);
    }

    @Test
    void aJamfComputersCertificateFollowsTheComputer() throws Exception {
        JamfSimulator.Computer mac = jamf.addComputer(UUID.randomUUID().toString().toUpperCase(Locale.ROOT), "MacBook");
        Path client = Files.createDirectories(dir.resolve("jamf-" + mac.id()));
        Command.Result enrolled = Scepclient.enroll(client, server.url("jamf"), JAMF_CHALLENGE, Long.toString(mac.id()), "computers");
        assertThat(enrolled.exitCode()).as("scepclient on /jamf:\n%s", enrolled).isZero();
        Path pem = Scepclient.certificate(client);
        String serial = Openssl.serial(client, pem);
        assertThat(new BigInteger(serial, 16).shiftRight(152).intValue()).as("type byte of %s: a Jamf computer", serial).isEqualTo(0x54);
        OcspFixtures.Issued issued = new OcspFixtures.Issued(pem, serial);
        OpensslOcsp.assertStatus(ocsp(issued), pem, "good", null);

        jamf.deleteComputer(mac.id());
        await("computer deleted in Jamf Pro", issued, "revoked", "cessationOfOperation");
    }
}
