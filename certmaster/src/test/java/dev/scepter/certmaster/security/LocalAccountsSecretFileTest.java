package dev.scepter.certmaster.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalAccountsSecretFileTest {

    @TempDir
    Path folder;

    @Test
    void aSecretIsWrittenOwnerOnly() throws Exception {
        assumeTrue(folder.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path file = folder.resolve("secret");
        LocalAccounts.writeSecret(file, "s3cret\n".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(file)).isEqualTo("s3cret\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aLinkAtTheNameIsNeitherFollowedNorWrittenThrough() throws Exception {
        Path elsewhere = folder.resolve("elsewhere");
        Path dangling = Files.createSymbolicLink(folder.resolve("dangling"), elsewhere);
        assertThatThrownBy(() -> LocalAccounts.writeSecret(dangling, "s3cret".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(elsewhere).doesNotExist();

        Path victim = Files.writeString(folder.resolve("victim"), "keep me");
        Path link = Files.createSymbolicLink(folder.resolve("link"), victim);
        assertThatThrownBy(() -> LocalAccounts.writeSecret(link, "s3cret".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(victim)).isEqualTo("keep me");
    }

    @Test
    void thePortalNeedsNoPasswordFileAfterTheFirstStart() throws Exception {
        var encoder = org.springframework.security.crypto.factory.PasswordEncoderFactories.createDelegatingPasswordEncoder();
        var first = LocalAccounts.open(folder, encoder, new java.security.SecureRandom());
        Files.delete(folder.resolve(LocalAccounts.ADMIN_PASSWORD_FILE));
        var again = LocalAccounts.open(folder, encoder, new java.security.SecureRandom());
        assertThat(again).extracting(u -> u.getUsername() + " " + u.getPassword())
                .containsExactlyElementsOf(first.stream().map(u -> u.getUsername() + " " + u.getPassword()).toList());
        assertThat(folder.resolve(LocalAccounts.ADMIN_PASSWORD_FILE)).as("no new password is made").doesNotExist();
    }
}
