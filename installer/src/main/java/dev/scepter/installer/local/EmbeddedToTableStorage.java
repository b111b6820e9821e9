package dev.scepter.installer.local;

import dev.scepter.authority.directory.EmbeddedDirectory;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.Revocation;
import dev.scepter.authority.store.RevocationOutcome;
import dev.scepter.azure.tables.TableStorage;
import dev.scepter.store.jdbc.JdbcCertificateStore;
import dev.scepter.store.jdbc.JdbcStorage;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-time copy of an installation's certificates from its embedded H2 database into Azure
 * Table Storage, for an installation that kept them in H2 before it used Table Storage (earlier
 * versions ignored {@code TableStorageEndpoint}, which SCEPman's and our Azure installation set).
 * Without it the switch would lose every certificate: OCSP would answer "unknown" for them, the CRL
 * would forget their revocations, and search would not find them.
 *
 * <p>Idempotent: a certificate already in the table is left as it is (a revocation it lacks is
 * added), so a run that stopped halfway, or another node that copied first, is simply continued.
 * It ends by checking that every certificate of H2 is in the table, with its revocation, and only
 * then writes {@link #MARKER} into the data folder, which ends the copying. The embedded directory's
 * devices and users are copied the same way (a certificate bound to one the table does not know
 * would read as deleted). The H2 file stays, as a backup; API tokens, one-time challenges and the
 * audit trail stay in it (the admin token and Certificate Master's credential, kept in files, are
 * registered in the table by the installation; other API tokens are made again).
 */
final class EmbeddedToTableStorage {

    /** Written into the data folder once every certificate is in Table Storage: what was copied, and when. */
    static final String MARKER = "table-storage-migration.txt";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedToTableStorage.class);

    /** Certificates read from H2 at a time (ten Table Storage transactions). */
    private static final int PAGE = 1000;

    /** How often a long copy says how far it is. */
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    private EmbeddedToTableStorage() {
    }

    /** Whether the data folder holds an embedded database whose certificates were not yet copied. */
    static boolean pending(Path dataDir, Path embeddedDatabase) {
        return Files.exists(embeddedDatabase) && !Files.exists(dataDir.resolve(MARKER));
    }

    /** How long a start waits for another process or node that holds the embedded database open. */
    static final Duration IN_USE_PATIENCE = Duration.ofMinutes(10);

    private static final Duration IN_USE_RETRY = Duration.ofSeconds(2);

    /**
     * H2's "database may be already in use" (90020: another process holds its lock file) and
     * "connection broken" (90067: the lock names a server on another node's loopback, which this
     * node cannot reach): an App Service instance sharing {@code /home} while another copies.
     */
    static boolean inUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && (sql.getErrorCode() == 90020 || sql.getErrorCode() == 90067)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code open} once the embedded database is not in use elsewhere, waiting up to
     * {@code patience}; empty when, meanwhile, the other process finished the copy (the marker is
     * there).
     *
     * @throws dev.scepter.store.jdbc.StorageException when it fails otherwise, or is still in use after {@code patience}
     */
    static <T> Optional<T> whileInUse(Path dataDir, Path embeddedDatabase, java.util.function.Supplier<T> open, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        boolean said = false;
        while (true) {
            if (!pending(dataDir, embeddedDatabase)) {
                return Optional.empty();
            }
            try {
                return Optional.of(open.get());
            } catch (RuntimeException e) {
                if (!inUse(e) || System.nanoTime() > deadline) {
                    throw e;
                }
                if (!said) {
                    LOG.info("The embedded database {} is in use by another process or node sharing the data folder (copying its"
                            + " certificates into Azure Table Storage, most likely): waiting up to {} seconds for it", embeddedDatabase,
                            patience.toSeconds());
                    said = true;
                }
            }
            try {
                Thread.sleep(Math.min(IN_USE_RETRY.toMillis(), Math.max(1, patience.toMillis())));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the embedded database", interrupted);
            }
        }
    }

    /** What a copy did. */
    record Copied(long inEmbedded, long copied, long revocationsAdded) {
    }

    /**
     * Copies every certificate of {@code embedded} into {@code table}, checks them all there and
     * writes the marker.
     *
     * @throws IllegalStateException when a certificate is missing from the table afterwards, or
     *                               recorded there with another revocation state (nothing is
     *                               marked: the next run tries again)
     */
    static Copied copy(Path dataDir, JdbcStorage embedded, TableStorage target, Clock clock) throws IOException {
        // The embedded directory first: a certificate bound to a device it no longer knows would read as deleted (revoked).
        EmbeddedDirectory directory = target.embeddedDirectory();
        List<EmbeddedDirectory.Entry> entries = embedded.directoryEntries();
        for (EmbeddedDirectory.Entry entry : entries) {
            if (directory.get(entry.type(), entry.objectId()).isEmpty()) {
                directory.put(entry);
            }
        }
        for (EmbeddedDirectory.Entry entry : entries) {
            if (directory.get(entry.type(), entry.objectId()).isEmpty()) {
                throw new IllegalStateException("the embedded directory's " + entry.type().name().toLowerCase(java.util.Locale.ROOT) + " "
                        + entry.objectId() + " is not in Table Storage after the copy; nothing is marked, the next run copies again");
            }
        }
        CertificateStore table = target.certificateStore();
        long total = embedded.certificateStore().count();
        long inEmbedded = 0;
        long copied = 0;
        long revocationsAdded = 0;
        long lastLogged = System.nanoTime();
        for (String issuer : embedded.issuers()) {
            // What an earlier, interrupted run (or another node) copied already: one listing, so a restart continues.
            Map<BigInteger, Optional<Revocation>> there = target.recordedSerials(issuer);
            Optional<BigInteger> after = Optional.empty();
            for (List<JdbcCertificateStore.Recorded> page; !(page = embedded.recordedPage(issuer, after, PAGE)).isEmpty(); ) {
                List<TableStorage.Recorded> missing = new ArrayList<>();
                for (JdbcCertificateStore.Recorded row : page) {
                    IssuedCertificate certificate = row.certificate();
                    inEmbedded++;
                    Optional<Revocation> revocation = there.get(certificate.serialNumber());
                    if (revocation == null) {
                        // Recorded when H2 recorded it, not now: the search orders by it, the serial feed goes by it.
                        missing.add(new TableStorage.Recorded(certificate, row.recordedAt()));
                    } else if (isRevocation(certificate.revocation()) && !isRevocation(revocation)) {
                        // Revoked in H2 after an earlier, interrupted copy: the revocation is what matters most.
                        if (table.revoke(issuer, certificate.serialNumber(), certificate.revocation().get()) == RevocationOutcome.REVOKED) {
                            revocationsAdded++;
                        }
                    }
                }
                copied += target.recordCopies(issuer, missing);
                after = Optional.of(page.get(page.size() - 1).certificate().serialNumber());
                if (System.nanoTime() - lastLogged > PROGRESS_EVERY.toNanos()) {
                    LOG.info("Copying the embedded database's certificates into Azure Table Storage: {} of {} read, {} copied",
                            inEmbedded, total, copied);
                    lastLogged = System.nanoTime();
                }
            }
        }
        LOG.info("Copied the embedded database's certificates into Azure Table Storage: {} read, {} copied; checking them there",
                inEmbedded, copied);
        long checked = 0;
        for (String issuer : embedded.issuers()) {
            Map<BigInteger, Optional<Revocation>> there = target.recordedSerials(issuer);
            Optional<BigInteger> after = Optional.empty();
            for (List<JdbcCertificateStore.Recorded> page; !(page = embedded.recordedPage(issuer, after, PAGE)).isEmpty(); ) {
                for (JdbcCertificateStore.Recorded row : page) {
                    BigInteger serial = row.certificate().serialNumber();
                    Optional<Revocation> revocation = there.get(serial);
                    if (revocation == null) {
                        throw new IllegalStateException("certificate " + serial.toString(16) + " of " + issuer
                                + " is not in Table Storage after the copy; nothing is marked, the next run copies again");
                    }
                    if (isRevocation(row.certificate().revocation()) && !isRevocation(revocation)) {
                        throw new IllegalStateException("certificate " + serial.toString(16) + " of " + issuer
                                + " is revoked in the embedded database but not in Table Storage; nothing is marked, the next run copies again");
                    }
                    checked++;
                }
                after = Optional.of(page.get(page.size() - 1).certificate().serialNumber());
            }
        }
        if (checked != inEmbedded) {
            throw new IllegalStateException("the embedded database changed during the copy (" + inEmbedded + " then " + checked
                    + " certificates); nothing is marked, the next run copies again");
        }
        String summary = "Certificates copied from the embedded database into Azure Table Storage at " + clock.instant() + ": "
                + inEmbedded + " in the embedded database, " + copied + " copied, " + (inEmbedded - copied)
                + " already there, " + revocationsAdded + " revocations added; all " + checked + " checked in Table Storage; " + entries.size()
                + " devices and users of the embedded directory.\n"
                + "The embedded database stays as a backup. Delete this file to copy again (certificates already there are left as they are).\n";
        try {
            Files.writeString(dataDir.resolve(MARKER), summary, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // Another node sharing the data folder finished the same copy first.
            return new Copied(inEmbedded, copied, revocationsAdded);
        }
        try {
            Files.setPosixFilePermissions(dataDir.resolve(MARKER), PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the data folder's own permissions guard it.
        }
        return new Copied(inEmbedded, copied, revocationsAdded);
    }

    /** A revocation in the CRL's sense: a delivery hold is none (it is lifted, or replaced, by itself). */
    private static boolean isRevocation(Optional<Revocation> revocation) {
        return revocation.isPresent() && !revocation.get().isDeliveryHold();
    }
}
