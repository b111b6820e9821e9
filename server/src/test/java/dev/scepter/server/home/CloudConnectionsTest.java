package dev.scepter.server.home;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.azure.connection.ConnectionStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** No page load waits for a remote call: the rows come at once, as last checked, and say when they are being checked. */
class CloudConnectionsTest {

    /** A connection whose checks block until the test lets them answer, as a service that has gone silent. */
    private static final class Silent implements dev.scepter.azure.connection.Connection {
        final AtomicReference<CountDownLatch> answer = new AtomicReference<>(new CountDownLatch(0));
        final AtomicReference<ConnectionStatus> state = new AtomicReference<>(ConnectionStatus.connected("Jamf Pro", "answered"));
        final AtomicInteger checks = new AtomicInteger();

        @Override
        public List<ConnectionStatus> check() {
            checks.incrementAndGet();
            try {
                answer.get().await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of(state.get());
        }
    }

    private static Duration timed(Runnable call) {
        long started = System.nanoTime();
        call.run();
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private static void awaitRows(CloudConnections connections, ConnectionStatus.State state, String reason) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<ConnectionStatus> rows = connections.statuses();
        while (System.nanoTime() < deadline && !rows.stream().allMatch(row -> row.state() == state && row.reason().equals(reason))) {
            Thread.sleep(20);
            rows = connections.statuses();
        }
        assertThat(rows).isNotEmpty().allSatisfy(row -> {
            assertThat(row.state()).isEqualTo(state);
            assertThat(row.reason()).isEqualTo(reason);
        });
    }

    @Test
    void beforeTheFirstCheckEndsTheRowsSayCheckingAtOnceAndDoNotFailTheProbe() throws Exception {
        Silent jamf = new Silent();
        jamf.answer.set(new CountDownLatch(1));
        try (CloudConnections connections = new CloudConnections(List.of(new CloudConnections.Named("Jamf Pro", jamf)), Duration.ofMinutes(1))) {
            List<ConnectionStatus>[] rows = new List[1];
            Duration took = timed(() -> rows[0] = connections.statuses());

            assertThat(took).as("no wait for the check under way").isLessThan(Duration.ofMillis(500));
            assertThat(rows[0]).singleElement().satisfies(row -> {
                assertThat(row.state()).isEqualTo(ConnectionStatus.State.CHECKING);
                assertThat(row.ok()).isTrue();
                assertThat(InstanceStatus.Check.of(row).state()).isEqualTo("CHECKING");
            });
            jamf.answer.get().countDown();
            awaitRows(connections, ConnectionStatus.State.CONNECTED, "answered");
            assertThat(jamf.checks.get()).as("one check, started with the instance").isEqualTo(1);
        }
    }

    @Test
    void afterAQuietSpellTheLastKnownStateIsShownAtOnceMarkedAsBeingCheckedAgainWhileTheServiceIsSilent() throws Exception {
        Silent jamf = new Silent();
        try (CloudConnections connections = new CloudConnections(List.of(new CloudConnections.Named("Jamf Pro", jamf)),
                Duration.ofMillis(200))) {
            awaitRows(connections, ConnectionStatus.State.CONNECTED, "answered");
            // The service goes down and silent (a check hangs up to the 10 s the rows give it) during a quiet spell.
            jamf.state.set(ConnectionStatus.notConnected("Jamf Pro", "no answer", java.util.Optional.empty()));
            jamf.answer.set(new CountDownLatch(1));
            Thread.sleep(300);

            List<ConnectionStatus>[] rows = new List[1];
            Duration took = timed(() -> rows[0] = connections.statuses());

            assertThat(took).as("the page does not wait for the silent service").isLessThan(Duration.ofMillis(500));
            assertThat(rows[0]).singleElement().satisfies(row -> {
                assertThat(row.state()).as("as last known").isEqualTo(ConnectionStatus.State.CONNECTED);
                assertThat(row.reason()).startsWith("answered (checked at ").endsWith("; being checked again)");
            });
            // The second check runs on the connections' own thread, which may not have begun yet under load: wait
            // for it to begin, then ask many times more; still only that one check is under way.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (jamf.checks.get() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            for (int i = 0; i < 20; i++) {
                connections.statuses();
            }
            Thread.sleep(100);
            assertThat(jamf.checks.get()).as("one check under way, however many ask").isEqualTo(2);

            jamf.answer.get().countDown();
            awaitRows(connections, ConnectionStatus.State.NOT_CONNECTED, "no answer");
        }
    }
}
