package dev.scepter.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JdbcStorageConnectTest {

    @Test
    void anUnreachableServerFailsNamingTheUrlButNoPassword() {
        assertThatThrownBy(() -> JdbcStorage.connect("jdbc:postgresql://127.0.0.1:1/scepter?password=in-the-url&ssl=false",
                "scepter", "the-password"))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/scepter?password=***&ssl=false")
                .hasMessageNotContaining("in-the-url")
                .hasMessageNotContaining("the-password");
    }

    @Test
    void redactsEverySecretParameterOfAUrl() {
        assertThat(MigratedDatabase.redact("jdbc:h2:file:/x;USER=sa;PASSWORD=secret;AUTO_SERVER=TRUE"))
                .isEqualTo("jdbc:h2:file:/x;USER=sa;PASSWORD=***;AUTO_SERVER=TRUE");
        assertThat(MigratedDatabase.redact("jdbc:postgresql://db/scepter?user=a&password=s&sslpassword=k"))
                .isEqualTo("jdbc:postgresql://db/scepter?user=a&password=***&sslpassword=***");
    }

    @Test
    void describesAnyOtherDatabaseByProductAndUrl() {
        try (JdbcStorage storage = JdbcStorage.connect("jdbc:h2:mem:describe;DB_CLOSE_DELAY=-1", "sa", "")) {
            assertThat(storage.describe()).matches("H2 2\\.\\d+\\.\\d+ at jdbc:h2:mem:describe;DB_CLOSE_DELAY=-1");
            assertThat(storage.certificateStore().count()).isZero();
        }
    }
}
