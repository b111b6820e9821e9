package dev.scepter.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFolderTest {

    @TempDir
    Path parent;

    @Test
    void namesEveryFileOfTheContractsTable() {
        DataFolder folder = new DataFolder(parent.resolve("data"));

        assertThat(folder.caKeyStore()).isEqualTo(parent.resolve("data/ca.p12"));
        assertThat(folder.caPassword()).isEqualTo(parent.resolve("data/ca.p12.password"));
        assertThat(folder.raKeyStore()).isEqualTo(parent.resolve("data/ra.p12"));
        assertThat(folder.raPassword()).isEqualTo(parent.resolve("data/ra.p12.password"));
        assertThat(folder.appSettings()).isEqualTo(parent.resolve("data/appsettings.json"));
        assertThat(folder.staticChallenge()).isEqualTo(parent.resolve("data/static-challenge"));
        assertThat(folder.adminToken()).isEqualTo(parent.resolve("data/admin-token"));
        assertThat(folder.certMasterClient()).isEqualTo(parent.resolve("data/certmaster-client.json"));
        assertThat(folder.embeddedDatabase()).isEqualTo(parent.resolve("data/scepter.mv.db"));
        assertThat(folder.embeddedDatabasePassword()).isEqualTo(parent.resolve("data/database-password"));
        assertThat(folder.httpsKeyStore()).isEqualTo(parent.resolve("data/https.p12"));
        assertThat(folder.httpsPassword()).isEqualTo(parent.resolve("data/https.p12.password"));
        assertThat(folder.serveLock()).isEqualTo(parent.resolve("data/serve.lock"));
        assertThat(PosixFilePermissions.toString(DataFolder.FOLDER_MODE)).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(DataFolder.FILE_MODE)).isEqualTo("rw-------");
    }

    @Test
    void aNewFolderIsItsOwnersAloneFromTheStartAndOneMadeMeanwhileIsKept() throws Exception {
        DataFolder folder = new DataFolder(parent.resolve("a/b/data"));

        folder.create();
        Files.writeString(folder.adminToken(), "kept");
        folder.create();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.path()))).isEqualTo("rwx------");
        assertThat(folder.adminToken()).hasContent("kept");
    }

    @Test
    void aFileWhereTheFolderShouldBeIsNotTakenForIt() throws Exception {
        Path file = Files.writeString(parent.resolve("data"), "not a folder");

        assertThatThrownBy(() -> new DataFolder(file).create()).isInstanceOf(FileAlreadyExistsException.class);
    }
}
