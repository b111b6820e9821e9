package dev.scepter.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real SoftHSM2 whose tokens live in a folder of this test run: surefire points
 * {@code SOFTHSM2_CONF} at a file under {@code target}, which this writes (with a fresh token
 * folder) before the module is first loaded. A loaded module does not see tokens initialised
 * after it (SoftHSM2 reads its token folder once, in C_Initialize), so a pool of tokens is
 * initialised up front and each test takes a fresh one.
 */
public final class SoftHsm {

    public static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    public static final String SO_PIN = "87654321";
    private static final Pattern SLOT = Pattern.compile("reassigned to slot (\\d+)");
    private static final AtomicInteger TOKENS = new AtomicInteger();
    private static final int POOL_SIZE = 24;
    private static final List<Token> POOL = new java.util.ArrayList<>();
    public static final String PIN = "1234";
    private static Path tokenDir;

    /** A token just initialised: its label, slot id and user PIN. */
    public record Token(String label, long slot, String pin) {
    }

    private SoftHsm() {
    }

    /** A fresh token, never used before in this run, with user PIN {@link #PIN}. */
    public static synchronized Token newToken() throws IOException, InterruptedException {
        if (POOL.isEmpty()) {
            if (tokenDir != null) {
                throw new IllegalStateException("the pool of " + POOL_SIZE + " SoftHSM2 tokens is used up: make it larger");
            }
            configure();
            for (int i = 0; i < POOL_SIZE; i++) {
                POOL.add(initToken());
            }
        }
        return POOL.remove(0);
    }

    /**
     * How many objects the tokens of this run hold (SoftHSM2's file store keeps one
     * {@code .object} file per token object): a key or certificate left behind shows here, where
     * SunPKCS11's key store, which lists only keys with their certificate, does not show it.
     */
    public static synchronized long objects() throws IOException {
        try (var files = Files.walk(tokenDir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".object")).count();
        }
    }

    private static Token initToken() throws IOException, InterruptedException {
        String label = "scepter-test-" + TOKENS.incrementAndGet();
        String out = run(List.of("softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", SO_PIN, "--pin", PIN));
        Matcher slot = SLOT.matcher(out);
        if (!slot.find()) {
            throw new IllegalStateException("softhsm2-util said: " + out);
        }
        return new Token(label, Long.parseLong(slot.group(1)), PIN);
    }

    private static void configure() throws IOException {
        if (tokenDir != null) {
            return;
        }
        String conf = System.getenv("SOFTHSM2_CONF");
        if (conf == null) {
            throw new IllegalStateException("SOFTHSM2_CONF is not set: surefire sets it for the modules whose tests use SoftHSM2 (keys/pom.xml, installer/pom.xml)");
        }
        Path confFile = Path.of(conf);
        Files.createDirectories(confFile.getParent());
        tokenDir = Files.createTempDirectory(confFile.getParent(), "tokens-");
        Files.writeString(confFile, "directories.tokendir = " + tokenDir + "\nobjectstore.backend = file\nlog.level = ERROR\n",
                StandardCharsets.UTF_8);
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(command + " failed: " + out);
        }
        return out;
    }
}
