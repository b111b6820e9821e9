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
 * <p>Settings that name files the server reads (a hook script, a keys file) come from
 * {@link #withScratchFolder(ScratchSettings)}: the files go into a folder made fresh at each start
 * and removed once the server has stopped, so a rerun of the class finds them again.
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

    /** Writes the files the server's settings name into a fresh scratch folder and returns those settings. */
    @FunctionalInterface
    public interface ScratchSettings {
        Map<String, String> prepare(Path scratch) throws Exception;
    }

    /** The settings for a start, given its scratch folder (null unless {@link #withScratchFolder}). */
    private final ScratchSettings settings;
    private final boolean scratchFolder;
    private final DataFolderPreparation preparation;
    /** The class (container) this server was started for: not a nested class inheriting the field. */
    private String startedFor;
    private Path ownDataDir;
    private volatile Path scratch;
    private volatile ScepterProcess process;

    private ScepterServerExtension(ScratchSettings settings, boolean scratchFolder, DataFolderPreparation preparation) {
        this.settings = Objects.requireNonNull(settings);
        this.scratchFolder = scratchFolder;
        this.preparation = preparation;
    }

    /** A server with the test defaults (RSA-2048 root key) and no other setting. */
    public static ScepterServerExtension withDefaults() {
        return withSettings(Map.of());
    }

    /** A server with these environment settings on top of the test defaults. */
    public static ScepterServerExtension withSettings(Map<String, String> settings) {
        Map<String, String> copy = Map.copyOf(settings);
        return new ScepterServerExtension(scratch -> copy, false, null);
    }

    /** A server with the settings {@code settings} returns when it starts, after the fixtures registered before it. */
    public static ScepterServerExtension withSettings(Supplier<Map<String, String>> settings) {
        Objects.requireNonNull(settings);
        return new ScepterServerExtension(scratch -> settings.get(), false, null);
    }

    /** A server whose settings name files that {@code settings} writes into its {@link #scratch()} folder at each start. */
    public static ScepterServerExtension withScratchFolder(ScratchSettings settings) {
        return new ScepterServerExtension(settings, true, null);
    }

    /** The same server, on a data folder that {@code preparation} fills before the first start. */
    public ScepterServerExtension preparingDataFolder(DataFolderPreparation preparation) {
        return new ScepterServerExtension(settings, scratchFolder, Objects.requireNonNull(preparation));
    }

    /** The folder of the files the settings name, while the server runs ({@link #withScratchFolder}). */
    public Path scratch() {
        Path folder = scratch;
        if (folder == null) {
            throw new IllegalStateException("No scratch folder: the server is not running or was made without withScratchFolder");
        }
        return folder;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (startedFor != null) {
            return;
        }
        startedFor = context.getUniqueId();
        PrintServerLogOnFailure.rememberFirstServer(context);
        if (scratchFolder) {
            scratch = Files.createTempDirectory("scepter-e2e-scratch-");
        }
        Map<String, String> chosen = settings.prepare(scratch);
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
            if (scratch != null) {
                ScepterProcess.deleteRecursively(scratch);
            }
            // Ready for the class to run again in this JVM (a rerun of failed tests).
            process = null;
            ownDataDir = null;
            scratch = null;
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
