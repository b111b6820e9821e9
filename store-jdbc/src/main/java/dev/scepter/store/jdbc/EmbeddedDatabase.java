package dev.scepter.store.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The embedded H2 database of a data folder and its password file: where they are, the URL that
 * opens the database, and the password that guards it. The database is opened in H2's automatic
 * mixed mode ({@code AUTO_SERVER=TRUE}): the first process to open it serves it to the others on
 * loopback, and admits only who knows the password in {@code database-password}, which only the
 * data folder's owner can read. Another local account could otherwise connect and, for example,
 * add an API token with every role.
 *
 * <p>H2 must listen on loopback before its classes load: {@link JdbcStorage} says so when it
 * loads, and {@link #in(Path)} refuses to go on when something loaded H2 first.
 */
final class EmbeddedDatabase {

    /** The embedded database's name in the data folder; H2 adds {@code .mv.db}. */
    static final String NAME = "scepter";
    /**
     * The embedded database's file, as H2 names it. The data folder's layout (settings'
     * {@code DataFolder}) names it too, for the installer; the installer's tests hold the two equal.
     */
    static final String FILE = NAME + ".mv.db";
    /** The embedded database's password (0600), made with the database; named in {@code DataFolder} too. */
    static final String PASSWORD_FILE = "database-password";
    /** Where {@link #protect()} writes a password before the database takes it. */
    private static final String PENDING_PASSWORD_FILE = PASSWORD_FILE + ".new";
    /** The embedded database's only user: the one that created it, its administrator. */
    static final String USER = "sa";
    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");

    /**
     * {@code WRITE_DELAY=0}: a commit writes its changes to the file before it returns. H2 2.x
     * (MVStore) otherwise writes committed changes to the file from a background thread, up to
     * {@code WRITE_DELAY} (500 ms by default) later, so a process killed in between ({@code kill -9},
     * the kernel's OOM killer, a JVM crash) loses commits whose answers had already left: a
     * certificate a client holds, a revocation the API confirmed. The write is not followed by an
     * fsync: the commit survives the process, and the operating system writes it to the disk (see
     * docs/operations.md, "Durability").
     */
    static final String DURABILITY_SETTINGS = ";WRITE_DELAY=0";

    private final Path folder;

    private EmbeddedDatabase(Path folder) {
        this.folder = folder;
    }

    /**
     * The embedded database of a data folder, which need not exist yet.
     *
     * @throws IllegalStateException    when H2 was loaded before it could be told to listen on loopback
     * @throws IllegalArgumentException when the folder's path would break the JDBC URL
     */
    static EmbeddedDatabase in(Path dataDir) {
        Objects.requireNonNull(dataDir, "dataDir");
        String bindAddress = org.h2.engine.SysProperties.BIND_ADDRESS;
        if (bindAddress == null || !isLoopback(bindAddress)) {
            // Something loaded H2 before JdbcStorage could tell it where to listen.
            throw new IllegalStateException("H2 would serve the embedded database on " + (bindAddress == null ? "every interface" : bindAddress)
                    + ": set the system property h2.bindAddress=127.0.0.1");
        }
        Path folder = dataDir.toAbsolutePath().normalize();
        if (folder.toString().indexOf(';') >= 0) {
            throw new IllegalArgumentException("the data folder's path must not contain ';': " + folder);
        }
        return new EmbeddedDatabase(folder);
    }

    /** Whether the data folder holds an embedded database that has no password yet (made by an earlier version). */
    static boolean needsPassword(Path dataDir) {
        Path folder = dataDir.toAbsolutePath().normalize();
        return Files.exists(folder.resolve(FILE)) && !Files.exists(folder.resolve(PASSWORD_FILE));
    }

    /** The database's file, as H2 names it. */
    Path file() {
        return folder.resolve(FILE);
    }

    /**
     * No trace file: H2 would make {@code scepter.trace.db} whenever a statement fails, with the
     * process's umask rather than the data folder's modes; failures reach our log as exceptions.
     */
    String url() {
        return "jdbc:h2:file:" + folder.resolve(NAME) + ";AUTO_SERVER=TRUE;TRACE_LEVEL_FILE=0" + DURABILITY_SETTINGS;
    }

    /**
     * The password to open the database with, made (with the data folder, the owner's only) when
     * neither database nor password exists yet.
     *
     * @throws StorageException when the database exists without its password file
     */
    String passwordToOpen() {
        try {
            if (!Files.isDirectory(folder)) {
                Files.createDirectories(folder.getParent());
                // The data folder is its owner's only (a command may be the first to make it).
                Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        } catch (FileAlreadyExistsException raced) {
            // Made meanwhile by another command.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data folder " + folder, e);
        }
        Path file = file();
        Path passwordFile = folder.resolve(PASSWORD_FILE);
        if (Files.exists(passwordFile)) {
            return readPassword(passwordFile);
        } else if (!Files.exists(file)) {
            return newPassword(passwordFile);
        }
        throw new StorageException("The embedded database " + file + " has no " + PASSWORD_FILE
                + " beside it: run complete-installation to give it a password (databases made by earlier versions have none), "
                + "or restore " + PASSWORD_FILE + " from the backup this database came from.");
    }

    /**
     * Gives a database made without a password (by an earlier version, as user {@code sa} with an
     * empty password) a generated one, kept in {@code database-password}. The password is written
     * beside the database before the database is changed, so that a crash in between leaves a
     * password file that opens it either way: the next run sets it again.
     *
     * @throws StorageException when the database refuses the empty password (somebody set another)
     */
    void protect() {
        Path passwordFile = folder.resolve(PASSWORD_FILE);
        Path pending = folder.resolve(PENDING_PASSWORD_FILE);
        String password = Files.exists(pending) ? readPassword(pending) : newPassword(pending);
        String url = url() + ";IFEXISTS=TRUE";
        try (Connection connection = connectWithEither(url, password);
                var statement = connection.createStatement()) {
            // H2 takes no parameter here; the password is base64url, so it needs no quoting.
            statement.execute("ALTER USER " + USER + " SET PASSWORD '" + password + "'");
        } catch (SQLException e) {
            throw new StorageException("cannot set a password on the embedded database in " + folder + ": " + e.getMessage(), e);
        }
        try {
            Files.move(pending, passwordFile, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the embedded database's password in " + passwordFile
                    + "; it is in " + pending + ": rename that file to " + PASSWORD_FILE, e);
        }
        restrictFiles();
    }

    /** Inspects the database, which must exist (with the empty password of earlier versions while it has none). */
    JdbcStorage.Inspection inspect() {
        Path passwordFile = folder.resolve(PASSWORD_FILE);
        if (Files.exists(passwordFile)) {
            return MigratedDatabase.inspect(url(), USER, readPassword(passwordFile));
        }
        // No password yet, or a protect that stopped between setting it and keeping it.
        Path pending = folder.resolve(PENDING_PASSWORD_FILE);
        if (Files.exists(pending)) {
            try {
                return MigratedDatabase.inspect(url(), USER, readPassword(pending));
            } catch (StorageException setNotYet) {
                // The earlier run wrote the password but stopped before the database took it.
            }
        }
        return MigratedDatabase.inspect(url(), USER, "");
    }

    /**
     * H2 makes its files with the process's umask (often 0644) and makes the lock file anew at
     * every open: they are the owner's only, like every file of the data folder.
     */
    void restrictFiles() {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(NAME + ".")).toList()) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(file, OWNER_READ_WRITE);
                }
            }
        } catch (UnsupportedOperationException notPosix) {
            // No POSIX modes on this file system (Windows): its ACLs are the owner's affair.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the embedded database's files private in " + folder, e);
        }
    }

    /** The empty password of an earlier version first; the new one if an interrupted run already set it. */
    private static Connection connectWithEither(String url, String password) throws SQLException {
        try {
            return DriverManager.getConnection(url, USER, "");
        } catch (SQLException emptyRefused) {
            try {
                return DriverManager.getConnection(url, USER, password);
            } catch (SQLException e) {
                throw new SQLException("it refuses the empty password of earlier versions, and " + PASSWORD_FILE
                        + " is missing: restore " + PASSWORD_FILE + " from your backup", emptyRefused);
            }
        }
    }

    private static boolean isLoopback(String address) {
        try {
            return java.net.InetAddress.getByName(address).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** A new random password in the file, unless another process kept one there first: then that one. */
    private static String newPassword(Path file) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Path temp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE));
            Files.writeString(temp, password + "\n", StandardCharsets.UTF_8);
            try {
                // A link, not a rename: it never replaces a password another process kept first.
                Files.createLink(file, temp);
            } catch (FileAlreadyExistsException anotherWasFirst) {
                return readPassword(file);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the embedded database's password to " + file, e);
        }
        return password;
    }

    private static String readPassword(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the embedded database's password from " + file, e);
        }
    }
}
