package dev.scepter.server.launcher;

import dev.scepter.settings.DataFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * One {@code serve} per data folder. Two processes on one folder would share its embedded
 * database, its secrets and its installation steps (each could create a CA over the other's);
 * several nodes of one installation each have a data folder of their own and share a PostgreSQL
 * database instead. The lock is the operating system's on {@code serve.lock}: it ends with the
 * process, however the process ends ({@code kill -9} included), so a stale file never blocks a
 * start. The file says who holds it, for the message a second {@code serve} prints.
 */
final class ServeLock {

    /** Open for the life of the process: closing it would release the lock. */
    private final FileChannel channel;

    private ServeLock(FileChannel channel) {
        this.channel = channel;
    }

    /**
     * Takes the data folder's lock for the life of this process, creating the folder (its
     * owner's only) when it does not exist yet.
     *
     * @return the lock, or empty when another process holds it: {@link #holder} says which
     */
    static Optional<ServeLock> acquire(Path dataDir) throws IOException {
        DataFolder folder = new DataFolder(dataDir);
        if (!Files.isDirectory(dataDir)) {
            folder.create();
        }
        Path file = folder.serveLock();
        FileChannel channel;
        try {
            channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(DataFolder.FILE_MODE));
        } catch (UnsupportedOperationException notPosix) {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
            return Optional.empty();
        }
        ServeLock held = new ServeLock(channel);
        held.describe("pid " + ProcessHandle.current().pid() + ", starting since " + Instant.now());
        return Optional.of(held);
    }

    /** What the holder of the data folder's lock wrote about itself. */
    static String holder(Path dataDir) {
        try {
            String said = Files.readString(new DataFolder(dataDir).serveLock(), StandardCharsets.UTF_8).strip();
            return said.isEmpty() ? "a process that has not said which yet" : said;
        } catch (IOException e) {
            return "a process whose " + DataFolder.SERVE_LOCK + " cannot be read (" + e.getMessage() + ")";
        }
    }

    /** Says who holds the lock, for a second {@code serve}: the process id and, once it serves, its URL. */
    void describe(String holder) {
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((holder + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + DataFolder.SERVE_LOCK, e);
        }
    }
}
