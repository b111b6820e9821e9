package dev.scepter.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The storage contract on a real PostgreSQL server, a new database for every test. */
class PostgresJdbcStorageTest extends JdbcStorageContract {

    private static PostgresServer server;
    private static final AtomicInteger databases = new AtomicInteger();
    private String jdbcUrl;

    @BeforeAll
    static void startServer() {
        server = PostgresServer.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected void prepareEmptyDatabase() {
        jdbcUrl = server.createDatabase("contract_" + databases.incrementAndGet());
    }

    @Override
    protected JdbcStorage openStorage() {
        return JdbcStorage.connect(jdbcUrl, server.user(), server.password());
    }

    @Override
    protected String[] unmigratedDatabase() {
        return new String[] {server.createDatabase("before_v7_" + databases.incrementAndGet()), server.user(), server.password()};
    }

    @Test
    void saysWhichServerItUsesWithoutThePassword() {
        assertThat(storage.describe())
                .matches("PostgreSQL " + server.version() + "\\.\\d+ at 127\\.0\\.0\\.1:" + server.port() + "/contract_\\d+")
                .doesNotContain(server.password());
    }

    @Test
    void aWrongPasswordFailsWithTheUrlAndWithoutThePassword() {
        assertThatThrownBy(() -> JdbcStorage.connect(server.jdbcUrl(), server.user(), "not-the-password"))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(server.jdbcUrl())
                .hasMessageNotContaining("not-the-password");
    }
}
