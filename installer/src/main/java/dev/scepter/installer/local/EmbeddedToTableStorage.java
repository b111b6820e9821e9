package dev.scepter.installer.local;

import dev.scepter.authority.directory.EmbeddedDirectory;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.Revocation;
import dev.scepter.authority.store.RevocationOutcome;
import dev.scepter.authority.store.SerialNumberCollisionException;
import dev.scepter.authority.store.Storage;
import dev.scepter.store.jdbc.JdbcStorage;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

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

    private EmbeddedToTableStorage() {
    }

    /** Whether the data folder holds an embedded database whose certificates were not yet copied. */
    static boolean pending(Path dataDir, Path embeddedDatabase) {
        return Files.exists(embeddedDatabase) && !Files.exists(dataDir.resolve(MARKER));
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
    static Copied copy(Path dataDir, JdbcStorage embedded, Storage target, Clock clock) throws IOException {
        // The embedded directory first: a certificate bound to a device it no longer knows would read as deleted (revoked).
        EmbeddedDirectory directory = target.embeddedDirectory();
        long entries = 0;
        for (EmbeddedDirectory.Entry entry : embedded.directoryEntries()) {
            if (directory.get(entry.type(), entry.objectId()).isEmpty()) {
                directory.put(entry);
            }
            entries++;
        }
        for (EmbeddedDirectory.Entry entry : embedded.directoryEntries()) {
            if (directory.get(entry.type(), entry.objectId()).isEmpty()) {
                throw new IllegalStateException("the embedded directory's " + entry.type().name().toLowerCase(java.util.Locale.ROOT) + " "
                        + entry.objectId() + " is not in Table Storage after the copy; nothing is marked, the next run copies again");
            }
        }
        CertificateStore table = target.certificateStore();
        CertificateStore source = embedded.certificateStore();
        long inEmbedded = 0;
        long copied = 0;
        long revocationsAdded = 0;
        for (String issuer : embedded.issuers()) {
            for (BigInteger serial : serials(source, issuer)) {
                IssuedCertificate certificate = source.find(issuer, serial).orElseThrow();
                inEmbedded++;
                Optional<IssuedCertificate> there = table.find(issuer, serial);
                if (there.isEmpty()) {
                    try {
                        table.record(certificate);
                        copied++;
                    } catch (SerialNumberCollisionException e) {
                        // Another node sharing the data folder (App Service scaled out) copied it a moment before: checked below.
                    }
                } else if (isRevocation(certificate.revocation()) && !isRevocation(there.get().revocation())) {
                    // Revoked in H2 after an earlier, interrupted copy: the revocation is what matters most.
                    if (table.revoke(issuer, serial, certificate.revocation().get()) == RevocationOutcome.REVOKED) {
                        revocationsAdded++;
                    }
                }
            }
        }
        long checked = 0;
        for (String issuer : embedded.issuers()) {
            for (BigInteger serial : serials(source, issuer)) {
                Optional<Revocation> revocation = source.find(issuer, serial).orElseThrow().revocation();
                Optional<IssuedCertificate> there = table.find(issuer, serial);
                if (there.isEmpty()) {
                    throw new IllegalStateException("certificate " + serial.toString(16) + " of " + issuer
                            + " is not in Table Storage after the copy; nothing is marked, the next run copies again");
                }
                if (isRevocation(revocation) && !isRevocation(there.get().revocation())) {
                    throw new IllegalStateException("certificate " + serial.toString(16) + " of " + issuer
                            + " is revoked in the embedded database but not in Table Storage; nothing is marked, the next run copies again");
                }
                checked++;
            }
        }
        if (checked != inEmbedded) {
            throw new IllegalStateException("the embedded database changed during the copy (" + inEmbedded + " then " + checked
                    + " certificates); nothing is marked, the next run copies again");
        }
        String summary = "Certificates copied from the embedded database into Azure Table Storage at " + clock.instant() + ": "
                + inEmbedded + " in the embedded database, " + copied + " copied, " + (inEmbedded - copied)
                + " already there, " + revocationsAdded + " revocations added; all " + checked + " checked in Table Storage; " + entries
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

    /** The issuer's serials, as a list: the copy reads and writes the stores for each, which a visitor of the store must not. */
    private static java.util.List<BigInteger> serials(CertificateStore source, String issuer) {
        java.util.List<BigInteger> serials = new java.util.ArrayList<>();
        source.forEachSerialRecordedSince(issuer, Instant.MIN, serials::add);
        return serials;
    }
}
