package dev.scepter.server.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A keys file that stops start-up is named by the setting the profile took it from, its bad line by number only. */
class ExternalAccountKeysTest {

    private static final String SETTING = "AppConfig:Acme:Profiles:lab:ExternalAccountKeysFile";

    @Test
    void anUnreadableFileNamesTheSettingItCameFrom(@TempDir Path folder) {
        assertThatThrownBy(() -> ExternalAccountKeys.load(folder.resolve("missing.keys"), SETTING))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith(SETTING + ": ").hasMessageContaining("cannot be read");
    }

    @Test
    void aMalformedLineNamesTheSettingAndTheLineNotItsContent(@TempDir Path folder) throws Exception {
        Path file = folder.resolve("lab.keys");
        Files.writeString(file, "# teams\nteam-a c2VjcmV0LXRoYXQtaXMtdG9vLXNob3J0\n");
        assertThatThrownBy(() -> ExternalAccountKeys.load(file, SETTING)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(SETTING + ": line 2 of ").hasMessageNotContaining("c2VjcmV0");
    }

    @Test
    void aGoodFileIsRead(@TempDir Path folder) throws Exception {
        Path file = folder.resolve("lab.keys");
        Files.writeString(file, "team-a " + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]) + "\n");
        assertThat(ExternalAccountKeys.load(file, SETTING).key("team-a")).hasValueSatisfying(key -> assertThat(key).hasSize(32));
    }
}
