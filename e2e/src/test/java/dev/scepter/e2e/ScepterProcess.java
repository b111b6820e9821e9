package dev.scepter.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The built launcher ({@code scepter.jar}) running as a separate process on 127.0.0.1, on a port
 * of its own choosing, with a fresh data folder: the server exactly as a user starts it.
 *
 * <p>Its standard output and error go to a log file, printed when start-up fails and, through
 * {@link ScepterServerExtension} or {@link PrintServerLogOnFailure}, when a test fails.
 * {@link #close()} stops the process and removes the folder.
 *
 * <p>A test class's server comes from {@link ScepterServerExtension}; a test starts one here when it
 * needs a server of its own, on a folder it chose, or one it kills and restarts.
 */
public final class ScepterProcess implements Scepter, AutoCloseable {

    /** Always small root keys in tests: a 4096-bit key takes seconds to make on a 2-core machine. */
    public static final String ROOT_KEY_SIZE = "AppConfig__KeyVaultConfig__RootCertificateConfig__KeySize";
    public static final String RESPONSE_ENCRYPTION = "AppConfig__SCEPResponseEncryptionAlgorithm";

    private static final Pattern READY = Pattern.compile("Scepter ready: (http://127\\.0\\.0\\.1:\\d+/)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(Long.getLong("scepter.startTimeoutSeconds", 60));
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** Every server started in this JVM, in order, so a failing test can print the logs of its own. */
    private static final List<ScepterProcess> STARTED = new ArrayList<>();
    private static Path launcherCopy;

    private final Path workDir;
    private final Path dataDir;
    private final Path log;
    private final Process process;
    private final URI baseUrl;
    /** What {@link #restart()} starts again with. */
    private final Map<String, String> settings;
    private final String javaCommand;
    /** The log as it was when the process stopped, kept after the folder is removed. */
    private volatile String logAtClose;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private ScepterProcess(Path workDir, Path dataDir, Path log, Process process, URI baseUrl, Map<String, String> settings,
            String java) {
        this.workDir = workDir;
        this.dataDir = dataDir;
        this.log = log;
        this.process = process;
        this.baseUrl = baseUrl;
        this.settings = Map.copyOf(settings);
        this.javaCommand = java;
    }

    /** Starts a server with the test defaults (RSA-2048 root key) and no other setting. */
    public static ScepterProcess start() {
        return start(Map.of());
    }

    /**
     * Starts a server with these environment settings on top of the test defaults, and waits until
     * it prints its ready line. Settings inherited from the environment running the tests are
     * dropped, so what a test sets is all the server gets.
     */
    public static ScepterProcess start(Map<String, String> settings) {
        return start(settings, null, javaExecutable());
    }

    /**
     * Starts a server on a data folder of the test's own (which outlives the server, for a second
     * start), with the given {@code java} executable.
     */
    public static ScepterProcess start(Map<String, String> settings, Path dataDir, String java) {
        return start(settings, dataDir, java, List.of());
    }

    /**
     * Starts a server with these settings and JVM options (for example a trust store that holds a
     * simulator's certificate: {@code -Djavax.net.ssl.trustStore=...}), as {@code SCEPTER_JAVA_OPTS}
     * passes them to {@code bin/scepter}.
     */
    public static ScepterProcess start(Map<String, String> settings, List<String> jvmOptions) {
        return start(settings, null, javaExecutable(), jvmOptions);
    }

    private static ScepterProcess start(Map<String, String> settings, Path dataDir, String java, List<String> jvmOptions) {
        Launch launch = launch(settings, dataDir, java, jvmOptions);
        URI baseUrl = awaitReadyLine(launch);
        ScepterProcess server = new ScepterProcess(launch.workDir(), launch.dataDir(), launch.log(), launch.process(), baseUrl,
                settings, java);
        synchronized (STARTED) {
            STARTED.add(server);
        }
        return server;
    }

    /** How a server that was expected not to start ended. */
    public record Refusal(int exitCode, String log) {
    }

    /**
     * Starts a server with settings it must refuse, and waits for it to exit. A server that
     * becomes ready instead is stopped, and the test fails.
     */
    public static Refusal startExpectingRefusal(Map<String, String> settings) {
        return startExpectingRefusal(settings, null);
    }

    /** As {@link #startExpectingRefusal(Map)}, on a data folder of the test's own. */
    public static Refusal startExpectingRefusal(Map<String, String> settings, Path ownDataDir) {
        Launch launch = launch(settings, ownDataDir, javaExecutable(), List.of());
        try {
            Instant deadline = Instant.now().plus(START_TIMEOUT);
            while (Instant.now().isBefore(deadline)) {
                if (!launch.process().isAlive()) {
                    return new Refusal(launch.process().exitValue(), read(launch.log()));
                }
                if (READY.matcher(read(launch.log())).find()) {
                    throw new AssertionError("The server started with settings " + launch.env() + "\n" + logBlock(launch.log()));
                }
                sleep(Duration.ofMillis(100));
            }
            throw new AssertionError("The server neither started nor exited within " + START_TIMEOUT + "\n" + logBlock(launch.log()));
        } finally {
            launch.process().destroyForcibly();
            deleteRecursively(launch.workDir());
        }
    }

    private record Launch(Path workDir, Path dataDir, Path log, Process process, Map<String, String> env) {
    }

    private static Launch launch(Map<String, String> settings, Path ownDataDir, String java, List<String> jvmOptions) {
        Path jar = launcherJar();
        Path workDir;
        Path dataDir;
        Path log;
        try {
            workDir = Files.createTempDirectory("scepter-e2e-");
            dataDir = ownDataDir != null ? ownDataDir : Files.createDirectory(workDir.resolve("data"));
            log = workDir.resolve("server.log");
            Files.createDirectory(workDir.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put(ROOT_KEY_SIZE, "2048");
        env.putAll(settings);

        List<String> command = new ArrayList<>(List.of(java));
        // The server's temporary files (Tomcat's base folder, the portal's document base) in its work folder, which goes
        // with it, rather than in the machine's temporary folder, where each start left them.
        command.add("-Djava.io.tmpdir=" + workDir.resolve("tmp"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "serve", "--data-dir", dataDir.toString(), "--port", "0", "--host", "127.0.0.1"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.toLowerCase(Locale.ROOT).startsWith("appconfig"));
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            // A test JVM that dies (or is killed by a timeout) takes its servers with it.
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "stop-scepter-" + process.pid()));
            return new Launch(workDir, dataDir, log, process, env);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + builder.command(), e);
        }
    }

    private static URI awaitReadyLine(Launch launch) {
        Process process = launch.process();
        Path log = launch.log();
        Map<String, String> env = launch.env();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            Matcher ready = READY.matcher(read(log));
            if (ready.find()) {
                return URI.create(ready.group(1));
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("The server exited with status " + process.exitValue()
                        + " before it was ready; settings " + env + "\n" + logBlock(log));
            }
            sleep(Duration.ofMillis(100));
        }
        process.destroyForcibly();
        throw new IllegalStateException("The server printed no 'Scepter ready:' line within " + START_TIMEOUT
                + "; settings " + env + "\n" + logBlock(log));
    }

    @Override
    public URI baseUrl() {
        return baseUrl;
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    /** Sends {@code request}; one without a timeout of its own gets {@link #REQUEST_TIMEOUT}. */
    @Override
    public HttpResponse<byte[]> send(HttpRequest request) {
        HttpRequest bounded = request.timeout().isPresent() ? request
                : HttpRequest.newBuilder(request, (name, value) -> true).timeout(REQUEST_TIMEOUT).build();
        try {
            return http.send(bounded, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Everything the server printed so far (or until it was closed). */
    @Override
    public String log() {
        String closed = logAtClose;
        return closed != null ? closed : read(log);
    }

    @Override
    public void close() {
        if (logAtClose != null) {
            // Killed, or closed before: what is left of its folder goes.
            deleteRecursively(workDir);
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        logAtClose = read(log);
        deleteRecursively(workDir);
    }

    /** The server process's id, for the test's report. */
    public long pid() {
        return process.pid();
    }

    /**
     * Ends the server as {@code kill -9} does: SIGKILL, so no shutdown hook runs, nothing is
     * flushed and the store is not closed. (On Linux {@link Process#destroyForcibly()} sends
     * SIGKILL; the exit status 137, 128 + 9, shows that it did.) The data folder stays, for
     * {@link #restart()}; the log stays readable through {@link #log()}.
     */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("The server (pid " + process.pid() + ") outlived SIGKILL for " + STOP_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (process.exitValue() != 128 + 9) {
            throw new IllegalStateException("The server (pid " + process.pid() + ") ended with status " + process.exitValue()
                    + ", not by SIGKILL (137)");
        }
        logAtClose = read(log);
        if (!dataDir.startsWith(workDir)) {
            deleteRecursively(workDir);
        }
    }

    /**
     * Starts the server again, once this one has ended (killed or closed), on the same data folder
     * with the same settings: a new process, on a new port. The data folder must be one of the
     * test's own ({@link #start(Map, Path, String)}), which outlives the process.
     */
    public ScepterProcess restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("The server (pid " + process.pid() + ") still runs: kill or close it first");
        }
        if (dataDir.startsWith(workDir)) {
            throw new IllegalStateException("The data folder " + dataDir + " went with the server: start it on a folder of the test's own");
        }
        return start(settings, dataDir, javaCommand);
    }

    static List<ScepterProcess> startedSince(int index) {
        synchronized (STARTED) {
            return List.copyOf(STARTED.subList(Math.min(index, STARTED.size()), STARTED.size()));
        }
    }

    static int startedCount() {
        synchronized (STARTED) {
            return STARTED.size();
        }
    }

    static Path launcherJar() {
        synchronized (STARTED) {
            if (launcherCopy == null) {
                launcherCopy = copyOfLauncher();
            }
            return launcherCopy;
        }
    }

    /**
     * A private copy of the launcher, made once per test run: a jar rebuilt while a server runs
     * from it breaks that server's class loading.
     */
    private static Path copyOfLauncher() {
        String property = System.getProperty("scepter.jar");
        if (property == null || property.isBlank()) {
            throw new IllegalStateException("Set the system property scepter.jar to the built launcher (surefire does)");
        }
        Path jar = Paths.get(property).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("No launcher at " + jar + ": build the server module first (./mvnw -pl server -am package)");
        }
        try {
            Path copy = Files.createTempFile("scepter-e2e-", ".jar");
            Files.copy(jar, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            copy.toFile().deleteOnExit();
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not copy " + jar, e);
        }
    }

    /** The java running these tests, so the server runs on the same JDK. */
    static String javaExecutable() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String logBlock(Path log) {
        return "----- server log " + log + " -----\n" + read(log) + "\n----- end of server log -----";
    }

    private static String read(Path file) {
        try {
            // Lenient decoding: the server may be half-way through writing a character.
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not remove " + dir, e);
        }
    }
}
