package dev.scepter.server;

import dev.scepter.authority.ca.CaSigner;
import dev.scepter.azure.signin.AccessTokens;
import dev.scepter.azure.signin.SignIn;
import dev.scepter.authority.directory.Directory;
import dev.scepter.authority.store.Storage;
import dev.scepter.keys.KeyCustody;
import dev.scepter.settings.DataFolder;
import dev.scepter.settings.ScepterSettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What the launcher prepared before the web tier starts: settings bound, installation complete,
 * store open, CA key custody opened, the external directory connected when one is configured, and
 * the way it signs in to Microsoft's cloud.
 */
public record CoreContext(Path dataDir, ScepterSettings settings, Storage storage, KeyCustody keys, String host, int port,
        Optional<Directory> directory, AccessTokens accessTokens) {

    /** A core on the embedded directory, signed in nowhere. */
    public CoreContext(Path dataDir, ScepterSettings settings, Storage storage, KeyCustody keys, String host, int port) {
        this(dataDir, settings, storage, keys, host, port, Optional.empty(), SignIn.notConfigured());
    }

    public CoreContext {
        Objects.requireNonNull(accessTokens, "accessTokens");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(host, "host");
    }

    /** The data folder's files: keys, secrets, the embedded database. */
    public DataFolder dataFolder() {
        return new DataFolder(dataDir);
    }

    /** The CA's signer, from the key custody. */
    public CaSigner ca() {
        return keys.ca();
    }

    /** The URL a local user reaches: {@code localhost} stands for the wildcard address. */
    public URI localUrl() {
        String shownHost = "0.0.0.0".equals(host) || "::".equals(host) ? "localhost" : host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + shownHost + ":" + port + "/");
    }

    /** {@code AppConfig:BaseUrl}, or the local URL while it is not set. */
    public URI baseUrl() {
        return settings.web().baseUrl().orElse(localUrl());
    }
}
