package dev.scepter.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real SoftHSM2 token (Debian {@code softhsm2}) in a folder of the test's own: its
 * configuration file and token folder are there, and {@code SOFTHSM2_CONF} points the launcher at
 * them, as docs/hsm.md tells an administrator to do. The launcher is a process of its own, so it
 * sees every token initialised before it starts.
 *
 * @param conf the {@code softhsm2.conf} of this folder
 * @param slot the slot id {@code softhsm2-util} reassigned the token to
 */
record SoftHsmToken(Path conf, String label, long slot) {

    static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    static final String PIN = "1234";
    private static final String SO_PIN = "87654321";
    private static final Pattern SLOT = Pattern.compile("reassigned to slot (\\d+)");
    private static final Pattern UNINITIALISED_SLOT = Pattern.compile("(?m)^Slot (\\d+)\\s*$(?:(?!^Slot ).)*?Initialized:\\s+no",
            Pattern.DOTALL);

    /** Initialises a token labelled {@code label}, with user PIN {@link #PIN}, in the SoftHSM2 of {@code folder}. */
    static SoftHsmToken init(Path folder, String label) {
        try {
            Path conf = folder.resolve("softhsm2.conf");
            if (!Files.exists(conf)) {
                Path tokens = Files.createDirectories(folder.resolve("tokens"));
                Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n",
                        StandardCharsets.UTF_8);
            }
            String out = run(conf, "softhsm2-util", "--init-token", "--free", "--label", label, "--pin", PIN, "--so-pin", SO_PIN);
            Matcher slot = SLOT.matcher(out);
            if (!slot.find()) {
                throw new IllegalStateException("softhsm2-util said: " + out);
            }
            return new SoftHsmToken(conf, label, Long.parseLong(slot.group(1)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The id of the slot whose token is not initialised yet: SoftHSM2 always offers one, as an
     * HSM offers a slot whose token was never set up.
     */
    long uninitialisedSlot() {
        String out = run(conf, "softhsm2-util", "--show-slots");
        Matcher slot = UNINITIALISED_SLOT.matcher(out);
        if (!slot.find()) {
            throw new IllegalStateException("softhsm2-util --show-slots listed no uninitialised token: " + out);
        }
        return Long.parseLong(slot.group(1));
    }

    /** The launcher's environment for the CA key in this token, with {@code pin} as AppConfig__KeyVaultConfig__Pkcs11__Pin. */
    Map<String, String> settings(String pin) {
        return Map.of("SOFTHSM2_CONF", conf.toString(),
                "AppConfig__KeyVaultConfig__Pkcs11__Library", LIBRARY.toString(),
                "AppConfig__KeyVaultConfig__Pkcs11__Slot", String.valueOf(slot),
                "AppConfig__KeyVaultConfig__Pkcs11__Pin", pin);
    }

    private static String run(Path conf, String... command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("SOFTHSM2_CONF", conf.toString());
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
