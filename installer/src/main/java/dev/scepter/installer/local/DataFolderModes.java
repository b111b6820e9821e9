package dev.scepter.installer.local;

import dev.scepter.settings.DataFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds and repairs modes in the data folder wider than {@link DataFolder}'s (folders 0700, files
 * 0600), for a folder made or changed outside Scepter. Another local account can then neither
 * read a file nor learn the embedded database's port and key from its lock file. Symbolic links
 * are left alone: their targets are not the data folder's to change.
 */
final class DataFolderModes {

    /** One entry whose mode is not what it should be. */
    record Loose(Path folder, Path path, Set<PosixFilePermission> mode, Set<PosixFilePermission> wanted) {
        String describe() {
            String name = path.equals(folder) ? "the data folder" : folder.relativize(path).toString();
            return name + " " + PosixFilePermissions.toString(mode) + " -> " + PosixFilePermissions.toString(wanted);
        }
    }

    private DataFolderModes() {
    }

    /** What is wider than its owner's alone; empty on a file system without POSIX modes. */
    static List<Loose> loose(Path dataDir) {
        List<Loose> loose = new ArrayList<>();
        // A data folder that is itself a link (to another disk, say) is the folder it points to.
        try (Stream<Path> entries = Files.walk(dataDir.toRealPath())) {
            Path folder = dataDir.toRealPath();
            for (Path entry : entries.toList()) {
                Set<PosixFilePermission> wanted = wanted(entry);
                if (wanted == null) {
                    continue;
                }
                try {
                    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(entry, LinkOption.NOFOLLOW_LINKS);
                    if (!mode.equals(wanted)) {
                        loose.add(new Loose(folder, entry, mode, wanted));
                    }
                } catch (java.nio.file.NoSuchFileException gone) {
                    // A temporary file the database removed meanwhile.
                }
            }
        } catch (UnsupportedOperationException notPosix) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the modes of the data folder " + dataDir, e);
        }
        return loose;
    }

    /** Gives every entry {@link #loose} found its mode (read again: the folder may have changed since). */
    static void restrict(Path dataDir) throws IOException {
        for (Loose entry : loose(dataDir)) {
            try {
                Files.setPosixFilePermissions(entry.path(), entry.wanted());
            } catch (java.nio.file.NoSuchFileException gone) {
                // Removed meanwhile: nothing left to protect.
            }
        }
    }

    private static Set<PosixFilePermission> wanted(Path entry) {
        if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
            return DataFolder.FOLDER_MODE;
        }
        return Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS) ? DataFolder.FILE_MODE : null;
    }
}
