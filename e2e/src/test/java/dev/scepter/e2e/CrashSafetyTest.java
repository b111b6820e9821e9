package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.store.jdbc.PostgresServer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety: what a client received is in the store after {@code kill -9}.
 *
 * <p>Real scepclient processes enroll {@value #CONCURRENCY} at a time; the server is killed with
 * SIGKILL at a random moment while they do (after at least {@value #BEFORE_KILL} enrollments of the
 * round, then a random further delay), and started again on the same data folder; three times.
 * Clients whose enrollment the kill cut off try again, with the same key and CSR, on the next
 * server. Then every certificate a client holds ({@code cert.pem} in its folder) must be in the
 * store (the API's search) and answered {@code good} by {@code openssl ocsp}: on the embedded H2
 * and on PostgreSQL.
 *
 * <p>The random delays come from one seed, printed, and read from {@code -Dscepter.crashSeed=N}
 * to replay a failure's kill schedule.
 */
@ExtendWith(PrintServerLogOnFailure.class)
class CrashSafetyTest {

    private static final int CONCURRENCY = 8;
    private static final int KILLS = 3;
    /** Enrollments of a round that must have succeeded before its kill: the load is under way. */
    private static final int BEFORE_KILL = 8;
    /** The random part of the delay before a kill. */
    private static final int MAX_EXTRA_DELAY_MS = 2_000;
    private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(90);
    private static final int OCSP_BATCH = 25;

    private static final long SEED = Long.getLong("scepter.crashSeed", System.nanoTime());
    private static PostgresServer postgres;

    @BeforeAll
    static void startPostgres() {
        System.out.printf("CrashSafetyTest: seed %d (replay the kill schedule with -Dscepter.crashSeed=%d)%n", SEED, SEED);
        postgres = PostgresServer.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void nothingAClientReceivedIsLostOnTheEmbeddedH2(@TempDir Path dir) throws Exception {
        killAndRestartUnderLoad("H2", dir, Map.of(), new Random(SEED));
    }

    /**
     * Scepter sets nothing that weakens PostgreSQL's commit: its connections see
     * {@code synchronous_commit=on} (PostgreSQL's default), so a commit returns once its WAL
     * record is flushed. (This test server runs with {@code fsync=off}, for speed: it is never the
     * process killed here.)
     */
    @Test
    void nothingAClientReceivedIsLostOnPostgresql(@TempDir Path dir) throws Exception {
        String url = postgres.createDatabase("crash_one_node");
        try (Connection connection = DriverManager.getConnection(url, postgres.user(), postgres.password());
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("show synchronous_commit")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getString(1)).as("synchronous_commit").isEqualTo("on");
        }
        killAndRestartUnderLoad("PostgreSQL", dir, database(url), new Random(SEED + 1));
    }

    /**
     * Nodes A and B on one PostgreSQL database, each with its own data folder and a copy of A's CA
     * key store (docs/operations.md, "Several nodes"), enrolled on half and half; A is killed
     * mid-load. B keeps serving: every enrollment on B succeeds, before and after A's death, and B's
     * OCSP keeps answering {@code good} for certificates issued on both nodes. Nothing a client
     * received, from A or from B, is missing from the store.
     */
    @Test
    void whenOneOfTwoNodesIsKilledTheOtherKeepsServingAndNothingIsLost(@TempDir Path dir) throws Exception {
        Random random = new Random(SEED + 2);
        Map<String, String> settings = database(postgres.createDatabase("crash_two_nodes"));
        ScepterProcess nodeA = ScepterProcess.start(settings, Files.createDirectory(dir.resolve("node-a")), ScepterProcess.javaExecutable());
        ScepterProcess nodeB = null;
        try {
            Path dataB = Files.createDirectory(dir.resolve("node-b"));
            for (String file : List.of("ca.p12", "ca.p12.password")) {
                Files.copy(nodeA.dataDir().resolve(file), dataB.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
            }
            nodeB = ScepterProcess.start(settings, dataB, ScepterProcess.javaExecutable());
            ScepterProcess b = nodeB;
            Path caPem = nodeB.caCertificatePem(dir);
            assertThat(nodeB.caCertificate()).isEqualTo(nodeA.caCertificate());

            Path clients = Files.createDirectory(dir.resolve("clients"));
            EnrollmentLoad onA = new EnrollmentLoad(clients, "a");
            EnrollmentLoad onB = new EnrollmentLoad(clients, "b");
            EnrollmentLoad.Round roundA = onA.start("a", CONCURRENCY / 2, () -> nodeA);
            EnrollmentLoad.Round roundB = onB.start("b", CONCURRENCY / 2, () -> b);
            roundA.awaitSucceeded(BEFORE_KILL / 2, ROUND_TIMEOUT);
            roundB.awaitSucceeded(BEFORE_KILL / 2, ROUND_TIMEOUT);

            // OCSP on B, asked without a pause about certificates from both nodes, before and after the kill.
            Path oneFromA = onA.received().values().iterator().next();
            Path oneFromB = onB.received().values().iterator().next();
            AtomicReference<Boolean> probing = new AtomicReference<>(true);
            List<Command.Result> ocspFailures = new ArrayList<>();
            AtomicInteger ocspAnswered = new AtomicInteger();
            AtomicInteger ocspAfterKill = new AtomicInteger();
            AtomicReference<Long> killedAt = new AtomicReference<>(Long.MAX_VALUE);
            Thread prober = new Thread(() -> {
                while (probing.get()) {
                    long started = System.nanoTime();
                    Command.Result result = OpensslOcsp.query(dir, b.url("ocsp"), caPem, List.of(),
                            "-cert", oneFromA.toString(), "-cert", oneFromB.toString());
                    boolean good = result.exitCode() == 0 && result.stderr().contains("Response verify OK")
                            && OpensslOcsp.find(result, oneFromA.toString()).map(s -> s.status().equals("good")).orElse(false)
                            && OpensslOcsp.find(result, oneFromB.toString()).map(s -> s.status().equals("good")).orElse(false);
                    synchronized (ocspFailures) {
                        if (good) {
                            ocspAnswered.incrementAndGet();
                            if (started > killedAt.get()) {
                                ocspAfterKill.incrementAndGet();
                            }
                        } else {
                            ocspFailures.add(result);
                        }
                    }
                    OcspFixtures.sleep(Duration.ofMillis(50));
                }
            }, "ocsp-on-b");
            prober.setDaemon(true);
            prober.start();

            OcspFixtures.sleep(Duration.ofMillis(random.nextInt(MAX_EXTRA_DELAY_MS)));
            int bBeforeKill = roundB.succeeded();
            long killed = System.nanoTime();
            killedAt.set(killed);
            roundA.halt();
            nodeA.kill();
            List<EnrollmentLoad.Attempt> attemptsA = roundA.stop();
            // B goes on under load alone for a while.
            roundB.awaitSucceeded(bBeforeKill + CONCURRENCY, ROUND_TIMEOUT);
            List<EnrollmentLoad.Attempt> attemptsB = roundB.stop();
            probing.set(false);
            prober.join(Duration.ofSeconds(60).toMillis());

            List<EnrollmentLoad.Attempt> failedOnB = attemptsB.stream().filter(a -> !a.succeeded()).toList();
            long bAfterKill = attemptsB.stream().filter(a -> a.succeeded() && a.startedNanos() > killed).count();
            assertThat(roundA.failedBefore(killed)).as("enrollments on A that failed while A was up").isEmpty();
            assertThat(failedOnB).as("enrollments on B that failed (B was never killed)").isEmpty();
            assertThat(bAfterKill).as("enrollments on B started after A's kill").isGreaterThanOrEqualTo(CONCURRENCY / 2);
            synchronized (ocspFailures) {
                assertThat(ocspFailures).as("OCSP answers of B that were not good").isEmpty();
            }
            assertThat(ocspAfterKill.get()).as("good OCSP answers of B to requests sent after A's kill").isPositive();

            Map<BigInteger, Path> received = new LinkedHashMap<>(onA.received());
            received.putAll(onB.received());
            Set<BigInteger> stored = new CoreApi(nodeB).issuedSerials();
            Set<BigInteger> missing = missing(received.keySet(), stored);
            System.out.printf("CrashSafetyTest two nodes on PostgreSQL: A (pid %d) killed after %d ms of load; A's clients received %d "
                            + "certificates (%d enrollments cut off), B's %d (%d started after the kill, all succeeded); B's OCSP answered "
                            + "good %d times (%d after the kill), otherwise %d; received %d, found in the store %d, missing %d%n",
                    nodeA.pid(), roundA.elapsedAt(killed).toMillis(), onA.received().size(),
                    attemptsA.stream().filter(a -> !a.succeeded()).count(), onB.received().size(), bAfterKill,
                    ocspAnswered.get(), ocspAfterKill.get(), ocspFailures.size(), received.size(), received.size() - missing.size(),
                    missing.size());
            assertThat(missing).as("serials clients received that the store lacks").isEmpty();
            assertAllGood(nodeB, dir, caPem, received);
        } finally {
            nodeA.close();
            if (nodeB != null) {
                nodeB.close();
            }
        }
    }

    /**
     * {@value #KILLS} rounds of load each ended by {@code kill -9} at a random moment, each followed
     * by a restart on the same data folder and a count of what the clients received against what
     * the store holds; then a last round without a kill, in which the clients cut off enroll
     * again, and OCSP asked about every certificate.
     */
    private static void killAndRestartUnderLoad(String backend, Path dir, Map<String, String> settings, Random random) throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        Path clients = Files.createDirectory(dir.resolve("clients"));
        EnrollmentLoad load = new EnrollmentLoad(clients, "client");
        AtomicReference<ScepterProcess> server = new AtomicReference<>(
                ScepterProcess.start(settings, data, ScepterProcess.javaExecutable()));
        Path caPem = server.get().caCertificatePem(dir);
        List<String> perKill = new ArrayList<>();
        Set<BigInteger> lost = new TreeSet<>();
        try {
            for (int kill = 1; kill <= KILLS; kill++) {
                EnrollmentLoad.Round round = load.start("round-" + kill, CONCURRENCY, server::get);
                round.awaitSucceeded(BEFORE_KILL, ROUND_TIMEOUT);
                int delay = random.nextInt(MAX_EXTRA_DELAY_MS);
                OcspFixtures.sleep(Duration.ofMillis(delay));
                ScepterProcess victim = server.get();
                // No enrollment starts after the kill; those under way are cut off by it.
                round.halt();
                long killed = System.nanoTime();
                victim.kill();
                List<EnrollmentLoad.Attempt> attempts = round.stop();
                assertThat(round.failedBefore(killed)).as("enrollments that failed while the server was up").isEmpty();

                long restarting = System.nanoTime();
                server.set(victim.restart());
                Duration restart = Duration.ofNanos(System.nanoTime() - restarting);
                Map<BigInteger, Path> received = load.received();
                Set<BigInteger> missing = missing(received.keySet(), new CoreApi(server.get()).issuedSerials());
                int newlyMissing = (int) missing.stream().filter(s -> !lost.contains(s)).count();
                lost.addAll(missing);
                long succeeded = attempts.stream().filter(EnrollmentLoad.Attempt::succeeded).count();
                long ranFor = round.elapsedAt(killed).toMillis();
                String line = String.format("kill %d (pid %d, %d ms into the round: %d enrollments + %d ms): %d enrollments succeeded "
                                + "(%.1f/s), %d cut off; restarted in %d ms; clients hold %d certificates, the store has %d of them, "
                                + "missing %d (%d since the previous kill)%s",
                        kill, victim.pid(), ranFor, BEFORE_KILL, delay, succeeded, succeeded * 1000.0 / ranFor, attempts.size() - succeeded,
                        restart.toMillis(), received.size(), received.size() - missing.size(), missing.size(), newlyMissing,
                        missing.isEmpty() ? "" : " " + hex(missing));
                perKill.add(line);
                System.out.printf("CrashSafetyTest %s: %s%n", backend, line);
            }

            // The clients cut off by the last kill try again; a few new ones enroll too.
            EnrollmentLoad.Round last = load.start("after", CONCURRENCY, server::get);
            last.awaitSucceeded(CONCURRENCY, ROUND_TIMEOUT);
            List<EnrollmentLoad.Attempt> lastAttempts = last.stop();
            assertThat(lastAttempts.stream().filter(a -> !a.succeeded()).toList())
                    .as("enrollments that failed after the last restart").isEmpty();

            Map<BigInteger, Path> received = load.received();
            Set<BigInteger> stored = new CoreApi(server.get()).issuedSerials();
            Set<BigInteger> missing = missing(received.keySet(), stored);
            System.out.printf("CrashSafetyTest %s: after %d kills: clients received %d certificates in %d enrollment attempts; "
                            + "found in the store %d, missing %d (over the kills: %d missing after a restart); the store holds %d "
                            + "in all%n",
                    backend, KILLS, received.size(), load.attempts().size(), received.size() - missing.size(), missing.size(),
                    lost.size(), stored.size());
            assertThat(lost).as("certificates clients had received that were missing after a restart:\n%s", String.join("\n", perKill))
                    .isEmpty();
            assertThat(missing).as("serials clients received that the store lacks").isEmpty();
            assertAllGood(server.get(), dir, caPem, received);
        } finally {
            server.get().close();
        }
    }

    /** {@code openssl ocsp} asked about every certificate, {@value #OCSP_BATCH} per request: all good. */
    private static void assertAllGood(ScepterProcess server, Path dir, Path caPem, Map<BigInteger, Path> received) {
        List<Path> certificates = new ArrayList<>(received.values());
        int good = 0;
        for (int from = 0; from < certificates.size(); from += OCSP_BATCH) {
            List<Path> batch = certificates.subList(from, Math.min(from + OCSP_BATCH, certificates.size()));
            List<String> targets = new ArrayList<>();
            for (Path pem : batch) {
                targets.add("-cert");
                targets.add(pem.toString());
            }
            Command.Result result = OpensslOcsp.query(dir, server.url("ocsp"), caPem, List.of(), targets.toArray(String[]::new));
            OpensslOcsp.assertVerified(result);
            for (Path pem : batch) {
                assertThat(OpensslOcsp.statusOf(result, pem.toString()).status()).as("OCSP status of %s:\n%s", pem, result)
                        .isEqualTo("good");
                good++;
            }
        }
        assertThat(good).isEqualTo(received.size());
    }

    private static Set<BigInteger> missing(Set<BigInteger> received, Set<BigInteger> stored) {
        Set<BigInteger> missing = new TreeSet<>(received);
        missing.removeAll(stored);
        return missing;
    }

    private static String hex(Set<BigInteger> serials) {
        return serials.stream().map(s -> s.toString(16).toUpperCase(java.util.Locale.ROOT)).toList().toString();
    }

    private static Map<String, String> database(String url) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("AppConfig__Database__Url", url);
        settings.put("AppConfig__Database__User", postgres.user());
        settings.put("AppConfig__Database__Password", postgres.password());
        return settings;
    }
}
