package dev.scepter.settings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where settings come from, strongest first: the environment, {@code --settings FILE},
 * {@code DATA_DIR/appsettings.json}, then the built-in defaults (in {@link Setting}).
 */
public final class SettingsSources {

    /** Set by App Service: the app's name, and its deployment slot ("Production" for none). */
    public static final String APP_SERVICE_NAME = "WEBSITE_SITE_NAME";
    public static final String APP_SERVICE_SLOT = "WEBSITE_SLOT_NAME";
    /** Set by App Service when the app has a managed identity: its local token endpoint, and the secret header that endpoint wants. */
    public static final String IDENTITY_ENDPOINT = "IDENTITY_ENDPOINT";
    public static final String IDENTITY_HEADER = "IDENTITY_HEADER";

    private SettingsSources() {
    }

    public static RawSettings load(Map<String, String> environment, Optional<Path> settingsFile, Path dataDir)
            throws InvalidSettingException {
        List<Map.Entry<String, Map<String, String>>> sources = new ArrayList<>();
        sources.add(Map.entry("the environment", appConfigOnly(environment)));
        if (settingsFile.isPresent()) {
            if (!settingsFile.get().toFile().isFile()) {
                throw new InvalidSettingException("--settings " + settingsFile.get() + ": no such file");
            }
            sources.add(Map.entry(settingsFile.get().toString(), AppSettingsFile.read(settingsFile.get())));
        }
        Path appSettings = new DataFolder(dataDir).appSettings();
        sources.add(Map.entry(appSettings.toString(), AppSettingsFile.read(appSettings)));
        return RawSettings.merge(sources);
    }

    /** The process environment holds much else; only SCEPman-style names, and where App Service runs us, are settings. */
    private static Map<String, String> appConfigOnly(Map<String, String> environment) {
        Map<String, String> settings = new LinkedHashMap<>();
        environment.forEach((name, value) -> {
            if (name.toLowerCase(Locale.ROOT).startsWith("appconfig:") || name.toLowerCase(Locale.ROOT).startsWith("appconfig__")
                    || name.equals(APP_SERVICE_NAME) || name.equals(APP_SERVICE_SLOT)
                    || name.equals(IDENTITY_ENDPOINT) || name.equals(IDENTITY_HEADER)) {
                settings.put(name, value);
            }
        });
        return settings;
    }
}
