package dev.scepter.server.launcher;

import dev.scepter.settings.InvalidSettingException;
import dev.scepter.settings.RawSettings;
import dev.scepter.settings.ScepterSettings;
import dev.scepter.settings.SettingsSources;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options every local command shares: where the installation lives and its settings. */
public final class DataDirOptions {

    @Option(names = "--data-dir", defaultValue = "./scepter-data", paramLabel = "DIR",
            description = "The data folder: CA key, database, settings, secrets (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--settings", paramLabel = "FILE",
            description = "A settings file in appsettings.json's format; it overrides DIR/appsettings.json, the environment overrides it.")
    Path settingsFile;

    public Path dataDir() {
        return dataDir.toAbsolutePath().normalize();
    }

    public RawSettings rawSettings() throws InvalidSettingException {
        return SettingsSources.load(System.getenv(), Optional.ofNullable(settingsFile), dataDir());
    }

    public ScepterSettings settings() throws InvalidSettingException {
        return ScepterSettings.bind(rawSettings());
    }
}
