package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * External account binding (RFC 8555 section 7.3.4) with a real client: against a core that
 * requires it, lego registers only with {@code --eab --kid --hmac} and the key from
 * {@code AppConfig:Acme:ExternalAccountKeysFile}; without a binding it stops at the directory's
 * {@code externalAccountRequired}, with a wrong MAC key it gets the problem document and no account.
 */
class AcmeLegoEabTest {

    private static final int HTTP01_PORT = AcmeLegoTest.freePort();
    private static final String HMAC = newKey();

    @RegisterExtension
    static final ScepterServerExtension server = ScepterServerExtension.withScratchFolder(scratch -> Map.of(
            "AppConfig__Acme__Enabled", "true",
            "AppConfig__Acme__DnsSuffixes", "localhost",
            "AppConfig__Acme__Http01Port", String.valueOf(HTTP01_PORT),
            "AppConfig__Acme__ExternalAccountRequired", "true",
            "AppConfig__Acme__ExternalAccountKeysFile", keysFile(scratch).toString()));

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }

    private static Path keysFile(Path scratch) throws IOException {
        return Files.writeString(scratch.resolve("acme-eab.keys"), "# teams\nteam-web " + HMAC + "\n");
    }

    private static Command.Result lego(Path dir, String... options) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> line = new ArrayList<>(List.of("lego", "--server", server.url("acme/default/directory").toString(),
                "--path", dir.resolve("lego").toString(), "--accept-tos", "--email", "web@example.com",
                "--domains", "eab.localhost", "--http", "--http.port", "127.0.0.1:" + HTTP01_PORT));
        line.addAll(List.of(options));
        line.add("run");
        return Command.run(dir, Duration.ofSeconds(180), line.toArray(String[]::new));
    }

    @Test
    void legoRegistersOnlyWithTheExternalAccountsKey(@TempDir Path dir) {
        Command.Result unbound = lego(dir.resolve("unbound"));
        assertThat(unbound.exitCode()).as("%s", unbound).isNotZero();
        // lego reads the directory's meta.externalAccountRequired and stops before it asks.
        assertThat(unbound.output()).contains("Server requires External Account Binding");

        String wrong = newKey();
        Command.Result badMac = lego(dir.resolve("bad-mac"), "--eab", "--kid", "team-web", "--hmac", wrong);
        assertThat(badMac.exitCode()).as("%s", badMac).isNotZero();
        assertThat(badMac.output()).contains("urn:ietf:params:acme:error:unauthorized");
        assertThat(dir.resolve("bad-mac/lego/certificates/eab.localhost.crt")).doesNotExist();

        Command.Result bound = lego(dir.resolve("bound"), "--eab", "--kid", "team-web", "--hmac", HMAC);
        assertThat(bound.exitCode()).as("%s", bound).isZero();
        assertThat(dir.resolve("bound/lego/certificates/eab.localhost.crt")).exists();
        assertThat(server.log()).contains("for external account team-web").doesNotContain(HMAC);
    }
}
