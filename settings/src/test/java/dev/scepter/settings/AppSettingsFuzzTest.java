package dev.scepter.settings;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Fuzzes the settings as an admin writes them: {@code appsettings.json} read by
 * {@link AppSettingsFile#read} and bound by {@link ScepterSettings#bind}, and any values for the
 * settings Scepter knows. The contract: the settings bind or {@link InvalidSettingException} names
 * what is wrong, so that start-up stops with a message; anything else (a RuntimeException,
 * StackOverflowError, OutOfMemoryError, a hang) is a finding. Seeds:
 * {@code AppSettingsFuzzTestInputs/}.
 */
class AppSettingsFuzzTest {

    private static final Path FILE;

    static {
        try {
            Path folder = Files.createTempDirectory("scepter-settings-fuzz");
            folder.toFile().deleteOnExit();
            FILE = folder.resolve("appsettings.json");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void appSettingsJson(byte[] json) throws IOException {
        Files.write(FILE, json);
        try {
            ScepterSettings.bind(RawSettings.of(AppSettingsFile.read(FILE)));
        } catch (InvalidSettingException expected) {
            // start-up stops and names the setting
        }
    }

    /** Values for the settings Scepter knows, under any of their spellings. */
    @FuzzTest(maxDuration = "60s")
    void settingValues(FuzzedDataProvider data) {
        Map<String, String> values = new LinkedHashMap<>();
        int count = data.consumeInt(1, 6);
        for (int i = 0; i < count; i++) {
            String name = data.pickValue(Setting.values()).key();
            name = switch (data.consumeInt(0, 2)) {
                case 0 -> name;
                case 1 -> name.replace(":", "__");
                default -> name.toUpperCase(Locale.ROOT);
            };
            values.put(name, data.consumeString(200));
        }
        try {
            ScepterSettings.bind(RawSettings.of(values));
        } catch (InvalidSettingException expected) {
            // start-up stops and names the setting
        }
    }
}
