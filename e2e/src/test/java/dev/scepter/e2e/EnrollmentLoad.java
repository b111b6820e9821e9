package dev.scepter.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Enrollments by micromdm's {@code scepclient}, several at a time, as a fleet of devices makes
 * them: each client in a folder of its own (scepclient keeps its key and {@code csr.pem} there
 * and reuses them), each certificate it receives written to {@code cert.pem} in that folder. A
 * client whose enrollment failed (its server was killed under it) tries again later with the
 * same key and CSR, as a device does.
 *
 * <p>What the clients received is what is in their folders, whatever the server says.
 */
final class EnrollmentLoad {

    /** One scepclient run: when it started and ended ({@link System#nanoTime()}), and how. */
    record Attempt(Path client, String server, long startedNanos, long endedNanos, Command.Result result) {
        boolean succeeded() {
            return result.exitCode() == 0 && Files.isRegularFile(Scepclient.certificate(client));
        }
    }

    private final Path root;
    private final String prefix;
    private final AtomicInteger nextClient = new AtomicInteger();
    private final ConcurrentLinkedQueue<Path> retries = new ConcurrentLinkedQueue<>();
    private final List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());

    /** Clients are folders {@code root/prefix-N}. */
    EnrollmentLoad(Path root, String prefix) {
        this.root = root;
        this.prefix = prefix;
    }

    /**
     * Starts {@code workers} threads, each running one scepclient after another against the
     * server {@code target} names at the time (so a test can switch it), until the round is stopped.
     */
    Round start(String name, int workers, Supplier<ScepterProcess> target) {
        Round round = new Round(name);
        for (int i = 0; i < workers; i++) {
            Thread worker = new Thread(() -> round.work(target), "enroll-" + name + "-" + i);
            worker.setDaemon(true);
            round.threads.add(worker);
            worker.start();
        }
        return round;
    }

    /** Enrollments running until {@link #stop()}. */
    final class Round {
        private final String name;
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final List<Attempt> own = Collections.synchronizedList(new ArrayList<>());
        private final long startedNanos = System.nanoTime();

        private Round(String name) {
            this.name = name;
        }

        private void work(Supplier<ScepterProcess> target) {
            while (!stopped.get()) {
                Path client = retries.poll();
                if (client == null) {
                    client = root.resolve(prefix + "-" + nextClient.incrementAndGet());
                }
                ScepterProcess server = target.get();
                try {
                    Files.createDirectories(client);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                long started = System.nanoTime();
                Command.Result result;
                try {
                    result = Scepclient.enroll(client, server.url("scep"), server.staticChallenge(), client.getFileName().toString());
                } catch (AssertionError timedOut) {
                    result = new Command.Result(List.of("scepclient"), -1, "", timedOut.getMessage());
                }
                Attempt attempt = new Attempt(client, server.baseUrl().toString(), started, System.nanoTime(), result);
                attempts.add(attempt);
                own.add(attempt);
                if (!attempt.succeeded()) {
                    retries.add(client);
                }
            }
        }

        /** Enrollments of this round that succeeded so far. */
        int succeeded() {
            synchronized (own) {
                return (int) own.stream().filter(Attempt::succeeded).count();
            }
        }

        /** Waits until {@code count} enrollments of this round succeeded; fails after {@code timeout}. */
        void awaitSucceeded(int count, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (succeeded() < count) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("round " + name + ": " + succeeded() + " of " + count + " enrollments within " + timeout
                            + "; last attempts:\n" + lastAttempts(3));
                }
                OcspFixtures.sleep(Duration.ofMillis(50));
            }
        }

        /** Starts no further enrollment; those under way go on. */
        void halt() {
            stopped.set(true);
        }

        /** Starts no further enrollment and waits for those under way (each bounded by {@link Command}'s timeout). */
        List<Attempt> stop() {
            halt();
            for (Thread thread : threads) {
                try {
                    thread.join(Duration.ofSeconds(90).toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                if (thread.isAlive()) {
                    throw new IllegalStateException(thread.getName() + " still runs");
                }
            }
            synchronized (own) {
                return List.copyOf(own);
            }
        }

        /**
         * Attempts that failed although they ended before {@code killedNanos}: with the server up
         * from start to end, an enrollment must succeed.
         */
        List<Attempt> failedBefore(long killedNanos) {
            synchronized (own) {
                return own.stream().filter(a -> !a.succeeded() && a.endedNanos() < killedNanos).toList();
            }
        }

        /** How long the round had run at {@code nanos} ({@link System#nanoTime()}). */
        Duration elapsedAt(long nanos) {
            return Duration.ofNanos(nanos - startedNanos);
        }

        private String lastAttempts(int count) {
            synchronized (own) {
                List<Attempt> last = own.subList(Math.max(0, own.size() - count), own.size());
                return last.stream().map(a -> a.result().toString()).reduce("", (x, y) -> x + y + "\n");
            }
        }
    }

    /** Every attempt of every round, in the order they ended. */
    List<Attempt> attempts() {
        synchronized (attempts) {
            return List.copyOf(attempts);
        }
    }

    /**
     * The certificates the clients received: every {@code cert.pem} in their folders, by serial
     * number, with the file it is in.
     */
    Map<BigInteger, Path> received() {
        Map<BigInteger, Path> received = new LinkedHashMap<>();
        for (int i = 1; i <= nextClient.get(); i++) {
            Path pem = Scepclient.certificate(root.resolve(prefix + "-" + i));
            if (Files.isRegularFile(pem)) {
                Path previous = received.put(read(pem).getSerialNumber(), pem);
                if (previous != null) {
                    throw new AssertionError("two clients hold serial " + read(pem).getSerialNumber().toString(16) + ": " + previous
                            + " and " + pem);
                }
            }
        }
        return received;
    }

    private static X509Certificate read(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (CertificateException e) {
            throw new AssertionError(pem + " is not a certificate", e);
        }
    }
}
