package dev.scepter.e2e;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The server of a test class: a {@link ScepterProcess} started before the class's
 * {@code @BeforeAll} methods, on a data folder of its own, and stopped after its
 * {@code @AfterAll} methods, whatever failed in between. When a test (or a {@code @BeforeAll}
 * method) fails, the logs of the class's servers are printed, as {@link PrintServerLogOnFailure}
 * does.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ScepterServerExtension server = ScepterServerExtension.withSettings(Map.of(
 *         "AppConfig__StaticAADValidation__Enabled", "true"));
 * }</pre>
 *
 * <p>The field is the server: {@code server.url("scep")}, {@code server.staticChallenge()}.
 * Settings that depend on another fixture (a PostgreSQL, an LDAP server) come from a supplier,
 * read when the server starts; that fixture is a {@link ClassFixture} registered with a lower
 * {@link org.junit.jupiter.api.Order @Order}, so it starts first and stops last. Several servers in
 * one class start one after another in {@code @Order}.
 *
 * <p>A test that kills, restarts or starts its servers on a folder it chose keeps doing so itself
 * with {@link ScepterProcess}.
 */
public final class ScepterServerExtension implements Scepter, BeforeAllCallback, AfterAllCallback, TestWatcher,
        LifecycleMethodExecutionExceptionHandler {

    /** Fills the fresh data folder before the server first starts on it, for example with another node's CA. */
    @FunctionalInterface
    public interface DataFolderPreparation {
        void prepare(Path dataDir) throws Exception;
    }

    private final Supplier<Map<String, String>> settings;
    private final DataFolderPreparation preparation;
    /** The class (container) this server was started for: not a nested class inheriting the field. */
    private String startedFor;
    private Path ownDataDir;
    private volatile ScepterProcess process;

    private ScepterServerExtension(Supplier<Map<String, String>> settings, DataFolderPreparation preparation) {
        this.settings = Objects.requireNonNull(settings);
        this.preparation = preparation;
    }

    /** A server with the test defaults (RSA-2048 root key) and no other setting. */
    public static ScepterServerExtension withDefaults() {
        return withSettings(Map.of());
    }

    /** A server with these environment settings on top of the test defaults. */
    public static ScepterServerExtension withSettings(Map<String, String> settings) {
        Map<String, String> copy = Map.copyOf(settings);
        return new ScepterServerExtension(() -> copy, null);
    }

    /** A server with the settings {@code settings} returns when it starts, after the fixtures registered before it. */
    public static ScepterServerExtension withSettings(Supplier<Map<String, String>> settings) {
        return new ScepterServerExtension(settings, null);
    }

    /** The same server, on a data folder that {@code preparation} fills before the first start. */
    public ScepterServerExtension preparingDataFolder(DataFolderPreparation preparation) {
        return new ScepterServerExtension(settings, Objects.requireNonNull(preparation));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (startedFor != null) {
            return;
        }
        startedFor = context.getUniqueId();
        PrintServerLogOnFailure.rememberFirstServer(context);
        Map<String, String> chosen = settings.get();
        if (preparation == null) {
            process = ScepterProcess.start(chosen);
        } else {
            ownDataDir = Files.createTempDirectory("scepter-e2e-data-");
            preparation.prepare(ownDataDir);
            process = ScepterProcess.start(chosen, ownDataDir, ScepterProcess.javaExecutable());
        }
    }

    /** Runs also when this or a later {@code beforeAll} failed, so no server outlives its class. */
    @Override
    public void afterAll(ExtensionContext context) {
        if (!context.getUniqueId().equals(startedFor)) {
            return;
        }
        try {
            if (process != null) {
                process.close();
            }
        } finally {
            if (ownDataDir != null) {
                ScepterProcess.deleteRecursively(ownDataDir);
            }
            // Ready for the class to run again in this JVM (a rerun of failed tests).
            process = null;
            ownDataDir = null;
            startedFor = null;
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        PrintServerLogOnFailure.printOnce(context,
                "Test failed: " + context.getDisplayName() + " (" + context.getRequiredTestClass().getSimpleName() + ")");
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        PrintServerLogOnFailure.printOnce(context, "Set-up failed: " + context.getRequiredTestClass().getSimpleName() + " (" + throwable + ")");
        throw throwable;
    }

    /** The running process, for what only a process offers (its pid). */
    public ScepterProcess process() {
        ScepterProcess running = process;
        if (running == null) {
            throw new IllegalStateException("The class's server is not running: it starts before the @BeforeAll methods and after "
                    + "the extensions with a lower @Order, and stops after the @AfterAll methods");
        }
        return running;
    }

    @Override
    public URI baseUrl() {
        return process().baseUrl();
    }

    @Override
    public Path dataDir() {
        return process().dataDir();
    }

    @Override
    public HttpResponse<byte[]> send(HttpRequest request) {
        return process().send(request);
    }

    @Override
    public String log() {
        return process().log();
    }
}
