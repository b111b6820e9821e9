package dev.scepter.settings;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The data folder of a local installation ({@code --data-dir}): the one place that names its
 * files and their modes, for the server (serve lock, CA and RA keys, static challenge, HTTPS
 * certificate) and for the installer that makes them. The folder holds the CA key, the database
 * and the installation's secrets, so it is its owner's alone: the folder (and any folder in it)
 * {@link #FOLDER_MODE 0700}, every file {@link #FILE_MODE 0600}.
 *
 * <p>It lives in {@code settings} because both the server and the installer depend on this
 * module, which has no framework and no adapter, and because {@code appsettings.json}, the
 * settings source of the folder, is already this module's. The embedded database's two names
 * are the JDBC adapter's too (H2 names its file after the database, and the adapter keeps the
 * password beside it; that module depends on no settings): the installer's tests hold them
 * equal.
 *
 * @param path the folder, as given (the launcher gives it absolute and normalized)
 */
public record DataFolder(Path path) {

    /** The folder and every folder in it: its owner's alone. */
    public static final Set<PosixFilePermission> FOLDER_MODE = PosixFilePermissions.fromString("rwx------");
    /** Every file in it: its owner's alone. */
    public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    /** The root CA's key and certificate (PKCS#12). */
    public static final String CA_KEY_STORE = "ca.p12";
    public static final String CA_PASSWORD = "ca.p12.password";
    /** The SCEP RA's key and certificate, beside a CA whose key cannot decrypt SCEP requests (EC). */
    public static final String RA_KEY_STORE = "ra.p12";
    public static final String RA_PASSWORD = "ra.p12.password";
    /** The installation's settings, SCEPman's names: the local twin of an App Service's application settings. */
    public static final String APP_SETTINGS = "appsettings.json";
    /** The static SCEP endpoint's challenge, unless the settings name one. */
    public static final String STATIC_CHALLENGE = "static-challenge";
    /** A bearer token holding every role of the core's API. */
    public static final String ADMIN_TOKEN = "admin-token";
    /** Certificate Master's own API credential. */
    public static final String CERTMASTER_CLIENT = "certmaster-client.json";
    /** The embedded H2 database (H2 adds {@code .mv.db} to the database's name). */
    public static final String EMBEDDED_DATABASE = "scepter.mv.db";
    /** The embedded database's password, made with the database. */
    public static final String EMBEDDED_DATABASE_PASSWORD = "database-password";
    /** The HTTPS listener's certificate, when our own CA issues it. */
    public static final String HTTPS_KEY_STORE = "https.p12";
    public static final String HTTPS_PASSWORD = "https.p12.password";
    /** Held by the one {@code serve} of this folder; says who holds it. */
    public static final String SERVE_LOCK = "serve.lock";

    /** The files an installation is made of, in the order {@code complete-installation --verbose} lists them. */
    public static final List<String> INSTALLATION_FILES = List.of(CA_KEY_STORE, CA_PASSWORD, RA_KEY_STORE, APP_SETTINGS,
            STATIC_CHALLENGE, ADMIN_TOKEN, CERTMASTER_CLIENT, EMBEDDED_DATABASE, EMBEDDED_DATABASE_PASSWORD);

    public DataFolder {
        Objects.requireNonNull(path, "path");
    }

    public Path caKeyStore() {
        return path.resolve(CA_KEY_STORE);
    }

    public Path caPassword() {
        return path.resolve(CA_PASSWORD);
    }

    public Path raKeyStore() {
        return path.resolve(RA_KEY_STORE);
    }

    public Path raPassword() {
        return path.resolve(RA_PASSWORD);
    }

    public Path appSettings() {
        return path.resolve(APP_SETTINGS);
    }

    public Path staticChallenge() {
        return path.resolve(STATIC_CHALLENGE);
    }

    public Path adminToken() {
        return path.resolve(ADMIN_TOKEN);
    }

    public Path certMasterClient() {
        return path.resolve(CERTMASTER_CLIENT);
    }

    public Path embeddedDatabase() {
        return path.resolve(EMBEDDED_DATABASE);
    }

    public Path embeddedDatabasePassword() {
        return path.resolve(EMBEDDED_DATABASE_PASSWORD);
    }

    public Path httpsKeyStore() {
        return path.resolve(HTTPS_KEY_STORE);
    }

    public Path httpsPassword() {
        return path.resolve(HTTPS_PASSWORD);
    }

    public Path serveLock() {
        return path.resolve(SERVE_LOCK);
    }

    /** Creates the folder, its owner's alone from the start; one made meanwhile by another command is kept. */
    public void create() throws IOException {
        Path absolute = path.toAbsolutePath();
        if (absolute.getParent() != null) {
            Files.createDirectories(absolute.getParent());
        }
        try {
            Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(FOLDER_MODE));
        } catch (UnsupportedOperationException notPosix) {
            Files.createDirectory(absolute);
        } catch (FileAlreadyExistsException raced) {
            // Made meanwhile (two starts at once): the serve lock decides which of them serves.
            if (!Files.isDirectory(absolute)) {
                throw raced;
            }
        }
    }
}
