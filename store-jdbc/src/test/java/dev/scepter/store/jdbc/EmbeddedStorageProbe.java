package dev.scepter.store.jdbc;

import dev.scepter.authority.token.ApiRole;
import dev.scepter.authority.token.ApiToken;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Run as a second process by {@link H2JdbcStorageTest}: opens the embedded storage of a data
 * folder another process has open, prints the certificate count and creates a token.
 */
public final class EmbeddedStorageProbe {

    private EmbeddedStorageProbe() {
    }

    public static void main(String[] args) {
        try (JdbcStorage storage = JdbcStorage.embedded(Path.of(args[0]))) {
            System.out.println("certificates: " + storage.certificateStore().count());
            storage.apiTokenStore().create(new ApiToken(args[1], args[1].getBytes(StandardCharsets.UTF_8),
                    Set.of(ApiRole.CHALLENGE_CREATE), Instant.now(), Optional.empty()));
        }
    }
}
