package dev.scepter.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real client (scepclient, pki, openssl) as a process, bounded in time. */
public final class Command {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private Command() {
    }

    /** What a finished command did; {@link #toString()} is meant for assertion messages. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public String output() {
            return stdout + stderr;
        }

        @Override
        public String toString() {
            return "$ " + String.join(" ", command) + "\nexit code: " + exitCode
                    + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr + "\n--- end ---";
        }
    }

    public static Result run(Path workDir, String... command) {
        return run(workDir, DEFAULT_TIMEOUT, command);
    }

    /**
     * Runs {@code command} in {@code workDir} with no standard input. A command still running after
     * {@code timeout} is killed and the test fails with what it printed so far.
     */
    public static Result run(Path workDir, Duration timeout, String... command) {
        return run(workDir, timeout, false, command);
    }

    /**
     * As {@link #run(Path, String...)}, without the {@code AppConfig*} variables of the test's own
     * environment: Scepter reads its settings from them ahead of {@code --settings}, so one in a
     * developer's shell or on the CI runner would change what the command does (as {@link ScepterProcess} strips them).
     */
    public static Result runWithoutAppConfig(Path workDir, String... command) {
        return run(workDir, DEFAULT_TIMEOUT, true, command);
    }

    private static Result run(Path workDir, Duration timeout, boolean withoutAppConfig, String... command) {
        try {
            Path stdout = Files.createTempFile(workDir, "stdout-", ".txt");
            Path stderr = Files.createTempFile(workDir, "stderr-", ".txt");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile());
            if (withoutAppConfig) {
                builder.environment().keySet().removeIf(name -> name.toLowerCase(java.util.Locale.ROOT).startsWith("appconfig"));
            }
            Process process = builder.start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Result result = new Result(List.of(command), finished ? process.exitValue() : -1,
                    new String(Files.readAllBytes(stdout), StandardCharsets.UTF_8),
                    new String(Files.readAllBytes(stderr), StandardCharsets.UTF_8));
            Files.delete(stdout);
            Files.delete(stderr);
            if (!finished) {
                throw new AssertionError("Timed out after " + timeout + ":\n" + result);
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + List.of(command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
