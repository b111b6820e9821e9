package dev.scepter.server;

import dev.scepter.authority.directory.Directory;
import dev.scepter.authority.directory.EmbeddedDirectory;
import java.util.Objects;
import java.util.Optional;

/**
 * The directory in use ({@code AppConfig:Directory:Type}), and the embedded one when that is it
 * (only the embedded directory is managed through the API).
 */
public record DirectorySelection(Directory directory, Optional<EmbeddedDirectory> embedded) {
    public DirectorySelection {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(embedded, "embedded");
    }
}
