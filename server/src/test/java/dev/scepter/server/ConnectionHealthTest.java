package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.azure.sim.EntraIdSimulator;
import dev.scepter.azure.sim.GraphSimulator;
import dev.scepter.azure.sim.IntuneSimulator;
import dev.scepter.azure.sim.JamfSimulator;
import dev.scepter.azure.sim.SimServer;
import dev.scepter.azure.sim.SimTls;
import dev.scepter.azure.sim.SimTokens;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The homepage and {@code /probe} show each configured connection (Microsoft sign-in, Graph per
 * directory read, Intune validation and revocation, Jamf Pro) with its reason and the permission a
 * service refused, by name; the probe fails while a configured one is down, and costs no call to
 * Microsoft or Jamf Pro per request. The core signs in as an app registration with a client secret
 * through the simulated Entra ID, as in production.
 */
class ConnectionHealthTest {

    private static final String TENANT = "6f1c5b1e-8a4e-4c1a-9d61-0c1e2b3a4d5f";
    private static final String APP = "0b5d7a9e-1c33-4f43-9b6e-1f6f3b7c8a11";
    private static final String NARROW_APP = "7c1d2e3f-4a5b-4c6d-8e7f-901234567890";
    private static final String SECRET = "app-secret-never-shown";
    private static final String JAMF_SECRET = "jamf-secret-never-shown";
    private static SSLContext defaultTls;
    private static SimTls tls;
    private static SimTokens tokens;
    private static SimServer login;
    private static SimServer graphHost;
    private static GraphSimulator graph;
    private static IntuneSimulator intune;
    private static JamfSimulator jamf;

    @BeforeAll
    static void start() throws Exception {
        tls = SimTls.generate();
        tokens = new SimTokens(Instant::now);
        login = SimServer.start("entra-id", tls);
        new EntraIdSimulator(login, tokens).addSecret(TENANT, APP, SECRET).addSecret(TENANT, NARROW_APP, SECRET);
        graphHost = SimServer.start("graph", tls);
        graph = new GraphSimulator(graphHost, tokens, Instant::now);
        intune = IntuneSimulator.start(tls, tokens, graphHost, Instant::now);
        jamf = JamfSimulator.start(tls, Instant::now);
        // Every permission docs/microsoft-cloud.md asks for.
        for (String role : new String[] {"Device.Read.All", "DeviceManagementManagedDevices.Read.All", "User.Read.All", IntuneSimulator.GRAPH_ROLE}) {
            tokens.grant(APP, graph.audience(), role);
        }
        tokens.grant(APP, IntuneSimulator.INTUNE_AUDIENCE, IntuneSimulator.SCEP_ROLE);
        jamf.addApiClient("scepter", JAMF_SECRET, Duration.ofMinutes(20), JamfSimulator.ALL_READ);
        // An app registration whose admin left out Device.Read.All and Intune's scep_challenge_provider, and an
        // API role without Read Mobile Devices.
        tokens.grant(NARROW_APP, graph.audience(), "DeviceManagementManagedDevices.Read.All");
        tokens.grant(NARROW_APP, graph.audience(), IntuneSimulator.GRAPH_ROLE);
        jamf.addApiClient("narrow", JAMF_SECRET, Duration.ofMinutes(20), Set.of(JamfSimulator.READ_COMPUTERS, JamfSimulator.READ_USERS));
        // The core trusts the JVM's trust store for Intune and Jamf Pro, as it trusts their public certificates in production.
        defaultTls = SSLContext.getDefault();
        SSLContext.setDefault(tls.clientContext());
    }

    @AfterAll
    static void stop() {
        SSLContext.setDefault(defaultTls);
        jamf.close();
        intune.close();
        graphHost.close();
        login.close();
    }

    /** A complete app registration (tenant, application, client secret), Graph as the directory, Intune and Jamf Pro. */
    private static Map<String, String> settings(String app, String jamfClient, String revocationPollSeconds) {
        Map<String, String> settings = new HashMap<>();
        settings.put("AppConfig:AuthConfig:TenantId", TENANT);
        settings.put("AppConfig:AuthConfig:SignInApplicationId", app);
        settings.put("AppConfig:AuthConfig:SignInClientSecret", SECRET);
        settings.put("AppConfig:AzureCloudConfig:AzureADEndpoint", login.uri().toString());
        settings.put("AppConfig:AzureCloudConfig:MSGraphEndpoint", graph.audience());
        settings.put("AppConfig:AzureCloudConfig:ManagementEndpoint", IntuneSimulator.INTUNE_AUDIENCE);
        settings.put("AppConfig:Directory:Type", "Graph");
        settings.put("AppConfig:IntuneValidation:DeviceDirectory", "AADAndIntune");
        settings.put("AppConfig:IntuneValidation:RevocationPollSeconds", revocationPollSeconds);
        settings.put("AppConfig:JamfValidation:URL", jamf.uri().toString());
        settings.put("AppConfig:JamfValidation:ClientID", jamfClient);
        settings.put("AppConfig:JamfValidation:ClientSecret", JAMF_SECRET);
        return settings;
    }

    private static RunningServer start(Map<String, String> settings) throws Exception {
        return RunningServer.start(settings, null, tls.clientContext());
    }

    /** The probe once the first check since start-up has ended (until then, rows say CHECKING and never wait for it). */
    private static String probe(RunningServer server, int status) throws Exception {
        HttpResponse<byte[]> response = server.get("/probe");
        String body = new String(response.body(), StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (body.contains("CHECKING") && System.nanoTime() < deadline) {
            Thread.sleep(100);
            response = server.get("/probe");
            body = new String(response.body(), StandardCharsets.UTF_8);
        }
        assertThat(response.statusCode()).as(body).isEqualTo(status);
        return body;
    }

    @Test
    void everyConfiguredConnectionIsConnectedAndTheProbeCostsNoCallPerRequest() throws Exception {
        try (RunningServer server = start(settings(APP, "scepter", "1"))) {
            String body = probe(server, 200);
            assertThat(body).contains("Microsoft sign-in: CONNECTED", "Directory: CONNECTED", "Graph (Entra ID devices): CONNECTED",
                    "Graph (Intune managed devices): CONNECTED", "Intune validation: CONNECTED", "Intune revocation: CONNECTED", "Jamf Pro: CONNECTED");
            String page = server.text("/");
            assertThat(page).contains("Microsoft sign-in", "app registration", "Graph (Entra ID devices)", "Intune validation",
                    "Jamf Pro " + jamf.uri()).doesNotContain("NOT CONNECTED", "missing permission", SECRET, JAMF_SECRET);

            long graphCalls = graphHost.requests().size();
            long jamfCalls = jamf.server().requests().size();
            long signIns = login.requests().size();
            for (int i = 0; i < 30; i++) {
                probe(server, 200);
                server.text("/");
                Thread.sleep(100);
            }
            assertThat(graphHost.requests()).as("Graph, Intune's service discovery: no call per probe").hasSize((int) graphCalls);
            assertThat(jamf.server().requests()).as("Jamf Pro: no call per probe").hasSize((int) jamfCalls);
            assertThat(login.requests()).as("Entra ID: no sign-in per probe").hasSize((int) signIns);
        }
    }

    @Test
    void aPermissionTheServiceRefusesIsNamedAndFailsTheProbe() throws Exception {
        Map<String, String> settings = settings(NARROW_APP, "narrow", "1");
        settings.put("AppConfig:Probe:ConnectionCheckSeconds", "2");
        try (RunningServer server = start(settings)) {
            // Intune's refusal shows once the revocation poll (every second) has called it: nothing else may call Intune. The
            // poller records a call's outcome before it sends the next, so a second call means the first one's refusal is kept.
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (intune.server().requests().stream().filter(r -> r.path().endsWith("downloadRevocationRequests")).count() < 2
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            // The rows checked at start-up may predate that refusal: they stand for ConnectionCheckSeconds (2 s here, 30 s
            // unless set), then the next check says it. Waiting less than 30 s makes this fail if the setting were ignored.
            long shown = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!new String(server.get("/probe").body(), StandardCharsets.UTF_8).contains("Intune revocation: NOT CONNECTED")
                    && System.nanoTime() < shown) {
                Thread.sleep(500);
            }
            String body = probe(server, 503);
            assertThat(body).contains("Microsoft sign-in: CONNECTED", "Directory: NOT CONNECTED", "Graph (Entra ID devices): NOT CONNECTED",
                    "Graph (Intune managed devices): CONNECTED", "Intune validation: NOT CONNECTED", "Intune revocation: NOT CONNECTED", "Jamf Pro: NOT CONNECTED");
            String page = server.text("/");
            assertThat(page).contains("NOT CONNECTED", "missing permission", "Device.Read.All or Directory.Read.All",
                    "scep_challenge_provider", "Read Mobile Devices").doesNotContain(SECRET, JAMF_SECRET);
        }
    }

    @Test
    void aServiceThatIsDownIsNotConnectedAndFailsTheProbe() throws Exception {
        graphHost.down(true);
        jamf.server().down(true);
        try (RunningServer server = start(settings(APP, "scepter", "0"))) {
            String body = probe(server, 503);
            assertThat(body).contains("Microsoft sign-in: CONNECTED", "Graph (Entra ID devices): NOT CONNECTED", "Graph (Intune managed devices): NOT CONNECTED",
                    "Intune validation: NOT CONNECTED", "Jamf Pro: NOT CONNECTED").doesNotContain("Intune revocation");
            String page = server.text("/");
            assertThat(page).contains("NOT CONNECTED", "no answer").doesNotContain("missing permission");
        } finally {
            graphHost.down(false);
            jamf.server().down(false);
        }
    }

    @Test
    void aWrongClientSecretIsASignInThatIsNotConnected() throws Exception {
        Map<String, String> settings = settings(APP, "scepter", "0");
        settings.put("AppConfig:AuthConfig:SignInClientSecret", "the-secret-id-not-its-value");
        try (RunningServer server = start(settings)) {
            String body = probe(server, 503);
            assertThat(body).contains("Microsoft sign-in: NOT CONNECTED", "Jamf Pro: CONNECTED");
            assertThat(server.text("/")).contains("AADSTS7000215").doesNotContain("the-secret-id-not-its-value");
        }
    }

    @Test
    void nothingConfiguredHasNoConnectionRowsAndTheProbePasses() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of())) {
            String body = probe(server, 200);
            assertThat(body).isEqualTo("CA: VALID\nStorage: CONNECTED\nDirectory: CONNECTED\n");
            assertThat(server.text("/")).doesNotContain("NOT CONNECTED", "<th>Microsoft sign-in</th>", "<th>Jamf Pro</th>");
        }
    }
}
