package dev.scepter.server;

import dev.scepter.authority.ca.CaSigner;
import dev.scepter.settings.ScepterSettings;
import dev.scepter.store.jdbc.JdbcStorage;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What the launcher prepared before the web tier starts: settings bound, installation complete,
 * store open, CA key loaded.
 */
public record CoreContext(Path dataDir, ScepterSettings settings, JdbcStorage storage, CaSigner ca, String host, int port) {
    public CoreContext {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(host, "host");
    }

    /** The URL a local user reaches: {@code localhost} stands for the wildcard address. */
    public URI localUrl() {
        String shownHost = "0.0.0.0".equals(host) || "::".equals(host) ? "localhost" : host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + shownHost + ":" + port + "/");
    }

    /** {@code AppConfig:BaseUrl}, or the local URL while it is not set. */
    public URI baseUrl() {
        return settings.baseUrl().orElse(localUrl());
    }
}
