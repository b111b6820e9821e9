package dev.scepter.certmaster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A portal that stops (alone, or beside a core that serves on) sends the sign-in reports still
 * open to the core, within a bound, and ends the thread that sends them.
 */
class PortalStopTest {

    /** The reporting thread's name ({@code SignInLog.THREAD}) and how long a stop may wait for the core ({@code SignInLog.DRAIN}). */
    private static final String THREAD = "certmaster-sign-in-audit";
    private static final Duration DRAIN = Duration.ofSeconds(5);

    @Test
    void stoppingSendsTheRefusalsStillCountedAtOnceAndEndsTheReportingThread() throws Exception {
        Set<Thread> before = reportingThreads();
        RunningPortal portal = RunningPortal.start();
        try {
            Browser browser = portal.browser();
            // Two refusals of one name from one address: the first goes to the core at once, the second is counted
            // for the end of the minute, which a stopping portal does not wait for.
            browser.signIn("admin", "wrong-1");
            browser.signIn("admin", "wrong-2");
            assertThat(portal.core.awaitCall("POST", "/api/manage/audit/sign-in", call -> call.text().contains("\"succeeded\":false")))
                    .isPresent();
            Set<Thread> threads = new HashSet<>(reportingThreads());
            threads.removeAll(before);
            assertThat(threads).as("this portal's reporting thread").hasSize(1).allMatch(Thread::isAlive);

            long started = System.nanoTime();
            portal.context.close();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(portal.core.calls("POST", "/api/manage/audit/sign-in")).as("the count, sent as the portal stopped")
                    .anySatisfy(call -> assertThat(call.text()).contains("1 more refusals in 60 s (0 throttled)"));
            assertThat(took).isLessThan(DRAIN);
            for (Thread thread : threads) {
                thread.join(5_000);
                assertThat(thread.isAlive()).as("the reporting thread after the stop").isFalse();
            }
        } finally {
            portal.close();
        }
    }

    @Test
    void aCoreThatNeverAnswersHoldsTheStopNoLongerThanTheBound(@TempDir Path dataDir) throws Exception {
        Set<Thread> before = reportingThreads();
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silentCore = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!silentCore.isClosed()) {
                    try {
                        Socket socket = silentCore.accept();
                        synchronized (held) {
                            held.add(socket);
                        }
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            Path clientFile = dataDir.resolve("certmaster-client.json");
            Files.writeString(clientFile, "{\"name\":\"certmaster\",\"token\":\"portal-secret-token\",\"roles\":[\"CSR.Request\",\"Manage.All\"]}",
                    StandardCharsets.UTF_8);
            ConfigurableApplicationContext context = CertMasterApplication.runAlone(
                    new CertMasterOptions(URI.create("http://127.0.0.1:" + silentCore.getLocalPort() + "/"), clientFile, dataDir), "127.0.0.1", 0);
            java.io.File tomcatBase = RunningPortal.tomcatBase(context);
            try {
                Browser browser = new Browser("http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort()
                        + CertMasterOptions.CONTEXT_PATH);
                // Each refusal from another name: each one a report, every one of them stuck at the core.
                for (int i = 0; i < 3; i++) {
                    assertThat(browser.signIn("someone-" + i, "wrong").statusCode()).isEqualTo(302);
                }
                long until = System.nanoTime() + 10_000_000_000L;
                while (connections(held) == 0 && System.nanoTime() < until) {
                    Thread.sleep(20);
                }
                assertThat(connections(held)).as("the report is on its way to the core").isPositive();
                Set<Thread> threads = new HashSet<>(reportingThreads());
                threads.removeAll(before);
                assertThat(threads).hasSize(1);

                long started = System.nanoTime();
                context.close();
                Duration took = Duration.ofNanos(System.nanoTime() - started);

                assertThat(took).as("the stop waited for the core no longer than the bound").isGreaterThanOrEqualTo(DRAIN.minusSeconds(1))
                        .isLessThan(DRAIN.plusSeconds(10));
                for (Thread thread : threads) {
                    thread.join(5_000);
                    assertThat(thread.isAlive()).as("the reporting thread after the stop").isFalse();
                }
            } finally {
                context.close();
                RunningPortal.removeTomcatBase(tomcatBase);
            }
        } finally {
            synchronized (held) {
                for (Socket socket : held) {
                    socket.close();
                }
            }
        }
    }

    private static int connections(List<Socket> held) {
        synchronized (held) {
            return held.size();
        }
    }

    private static Set<Thread> reportingThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(THREAD)).collect(Collectors.toSet());
    }
}
