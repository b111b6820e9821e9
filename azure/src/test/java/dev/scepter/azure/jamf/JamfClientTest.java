package dev.scepter.azure.jamf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.azure.sim.JamfSimulator;
import dev.scepter.azure.sim.SimServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** JamfClient against the simulated Jamf Pro: both sign-ins, token reuse and renewal, the lookups, and each failure named. */
class JamfClientTest {

    private final JamfFixture fixture = new JamfFixture();
    private final JamfSimulator jamf = fixture.jamf;

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void looksUpEachKindByIdUdidAndEmail() {
        JamfSimulator.Computer mac = jamf.addComputer("5CF418CE-3E46-481C-A171-7ACC9E1E2E7A", "Mac");
        JamfSimulator.MobileDevice phone = jamf.addMobileDevice("00008030-001A35E40C38802E", "iPhone");
        JamfSimulator.User user = jamf.addUser("jdoe", "jdoe@example.com");
        JamfClient client = fixture.client();

        assertThat(client.computerExists(mac.id())).isTrue();
        assertThat(client.computerExists(mac.id() + 1)).isFalse();
        assertThat(client.computerByUdid("5cf418ce-3e46-481c-a171-7acc9e1e2e7a")).hasValue(mac.id());
        assertThat(client.computerByUdid("00000000-0000-0000-0000-000000000000")).isEmpty();
        assertThat(client.mobileDeviceExists(phone.id())).isTrue();
        assertThat(client.mobileDeviceByUdid("00008030-001A35E40C38802E")).hasValue(phone.id());
        assertThat(client.userExists(user.id())).isTrue();
        assertThat(client.userByEmail("jdoe@example.com")).hasValue(user.id());
        assertThat(client.userByEmail("nobody@example.com")).isEmpty();
        jamf.deleteComputer(mac.id());
        assertThat(client.computerExists(mac.id())).isFalse();
    }

    @Test
    void oneTokenServesManyCallsAndIsRenewedBeforeItExpires() {
        JamfSimulator.Computer mac = jamf.addComputer("5CF418CE-3E46-481C-A171-7ACC9E1E2E7A", "Mac");
        JamfClient client = fixture.client();
        for (int i = 0; i < 5; i++) {
            assertThat(client.computerExists(mac.id())).isTrue();
        }
        assertThat(jamf.tokensIssued()).isEqualTo(1);
        // Ten minutes' lifetime: renewed two minutes ahead, so at 8m30s a new one is asked for before any call fails.
        fixture.now.set(fixture.now.get().plus(Duration.ofSeconds(510)));
        assertThat(client.computerExists(mac.id())).isTrue();
        assertThat(jamf.tokensIssued()).isEqualTo(2);
        assertThat(jamf.server().requests().stream().filter(r -> r.path().startsWith("/api/v1/computers-inventory")))
                .allMatch(r -> r.header("Authorization").startsWith("Bearer "));
    }

    @Test
    void aTokenJamfNoLongerTakesIsReplacedOnce() {
        JamfSimulator.Computer mac = jamf.addComputer("5CF418CE-3E46-481C-A171-7ACC9E1E2E7A", "Mac");
        JamfClient client = fixture.client();
        assertThat(client.computerExists(mac.id())).isTrue();
        jamf.invalidateTokens();
        assertThat(client.computerExists(mac.id())).isTrue();
        assertThat(jamf.tokensIssued()).isEqualTo(2);
    }

    @Test
    void theLegacyAccountSignsInWithBasic() {
        JamfSimulator.User user = jamf.addUser("jdoe", "jdoe@example.com");
        JamfClient client = fixture.client(new JamfClient.UserAccount("scepter-api", "account-password-value"), Duration.ofSeconds(2));
        assertThat(client.userExists(user.id())).isTrue();
        SimServer.Request signIn = jamf.server().requests().get(0);
        assertThat(signIn.path()).isEqualTo("/api/v1/auth/token");
        assertThat(signIn.header("Authorization")).startsWith("Basic ");
    }

    @Test
    void wrongCredentialsNameTheSettingsAndNeverTheSecret() {
        JamfClient client = fixture.client(new JamfClient.ApiClient("scepter", "not-the-secret"), Duration.ofSeconds(2));
        assertThatThrownBy(() -> client.computerExists(1)).isInstanceOf(JamfUnavailableException.class)
                .hasMessageContaining("AppConfig:JamfValidation:ClientID and ClientSecret").hasMessageNotContaining("not-the-secret");
        JamfClient account = fixture.client(new JamfClient.UserAccount("scepter-api", "wrong-password"), Duration.ofSeconds(2));
        assertThatThrownBy(() -> account.userExists(1)).isInstanceOf(JamfUnavailableException.class)
                .hasMessageContaining("APIUsername and APIPassword").hasMessageNotContaining("wrong-password");
    }

    @Test
    void aMissingPrivilegeIsNamedNotTakenForNotFound() {
        jamf.addApiClient("narrow", "s", Duration.ofMinutes(10), Set.of(JamfSimulator.READ_COMPUTERS));
        JamfClient client = fixture.client(new JamfClient.ApiClient("narrow", "s"), Duration.ofSeconds(2));
        assertThatThrownBy(() -> client.mobileDeviceExists(1)).isInstanceOf(JamfUnavailableException.class)
                .hasMessageContaining("Read Mobile Devices");
    }

    @Test
    void downOrSlowIsUnavailableNeverNotFound() {
        JamfClient client = fixture.client(new JamfClient.ApiClient("scepter", "client-secret-value"), Duration.ofMillis(500));
        jamf.server().down(true);
        assertThatThrownBy(() -> client.computerExists(1)).isInstanceOf(JamfUnavailableException.class).hasMessageContaining("no answer");
        jamf.server().down(false);
        jamf.server().silence(Duration.ofSeconds(2));
        assertThatThrownBy(() -> client.computerExists(1)).isInstanceOf(JamfUnavailableException.class).hasMessageContaining("no answer");
        jamf.server().silence(Duration.ZERO);
        jamf.server().throttleNext(1, 503, 30);
        assertThatThrownBy(() -> client.computerExists(1)).isInstanceOf(JamfUnavailableException.class);
    }

    @Test
    void duringAnOutageConcurrentLookupsShareOneSignInAndThenFailAtOnceUntilItIsTriedAgain() throws Exception {
        Duration timeout = Duration.ofMillis(500);
        JamfClient client = fixture.client(new JamfClient.ApiClient("scepter", "client-secret-value"), timeout);
        jamf.server().silence(Duration.ofSeconds(3));
        int callers = 16;
        ExecutorService threads = Executors.newFixedThreadPool(callers);
        try {
            List<Long> waited = wave(client, threads, callers);
            assertThat(jamf.server().arrivals("/api/oauth/token")).as("one sign-in for %s lookups", callers).isEqualTo(1);
            assertThat(Collections.max(waited)).as("the longest wait, in ms: about one timeout").isLessThan(timeout.toMillis() + 700);

            waited = wave(client, threads, callers);
            assertThat(jamf.server().arrivals("/api/oauth/token")).as("none tried again within 30 s").isEqualTo(1);
            assertThat(Collections.max(waited)).as("failing at once, in ms").isLessThan(300);

            jamf.server().silence(Duration.ZERO);
            fixture.now.set(fixture.now.get().plus(JamfClient.RETRY_AFTER_FAILURE).plusSeconds(1));
            JamfSimulator.Computer mac = jamf.addComputer("5CF418CE-3E46-481C-A171-7ACC9E1E2E7A", "Mac");
            assertThat(client.computerExists(mac.id())).as("signed in again after 30 s").isTrue();
            assertThat(jamf.server().arrivals("/api/oauth/token")).isEqualTo(2);
        } finally {
            threads.shutdownNow();
            jamf.server().silence(Duration.ZERO);
        }
    }

    /** Lookups at once, each of which Jamf Pro cannot answer; how long each waited, in ms. */
    private static List<Long> wave(JamfClient client, ExecutorService threads, int callers) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Long>> waits = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            long id = i + 1;
            waits.add(threads.submit(() -> {
                start.await();
                long begun = System.nanoTime();
                assertThatThrownBy(() -> client.computerExists(id)).isInstanceOf(JamfUnavailableException.class);
                return Duration.ofNanos(System.nanoTime() - begun).toMillis();
            }));
        }
        start.countDown();
        List<Long> waited = new ArrayList<>();
        for (Future<Long> wait : waits) {
            waited.add(wait.get());
        }
        return waited;
    }

    @Test
    void aNotFoundWithoutJamfProsErrorBodyIsUnavailableNotADeletion() {
        JamfClient client = fixture.client();
        JamfSimulator.Computer mac = jamf.addComputer("0F1E2D3C-4B5A-4968-8776-A5B4C3D2E1F0", "Mac");
        assertThat(client.computerExists(mac.id())).isTrue();
        // A proxy's or a maintenance page's 404, not Jamf Pro's {"httpStatus":404,...}: never read as "deleted".
        jamf.server().throttleNext(1, 404, 0);
        assertThatThrownBy(() -> client.computerExists(mac.id())).isInstanceOf(JamfUnavailableException.class)
                .hasMessageContaining("AppConfig:JamfValidation:URL");
        assertThat(client.computerExists(mac.id())).isTrue();
    }

    @Test
    void aUdidThatCouldCarryRsqlIsNotSent() {
        JamfClient client = fixture.client();
        assertThatThrownBy(() -> client.computerByUdid("x\" or udid==\"*")).isInstanceOf(IllegalArgumentException.class);
        assertThat(jamf.server().requests()).isEmpty();
    }
}
