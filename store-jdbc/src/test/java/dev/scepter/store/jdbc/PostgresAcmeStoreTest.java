package dev.scepter.store.jdbc;

import dev.scepter.authority.store.AcmeStoreContract;
import dev.scepter.authority.store.Storage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The ACME store contract on a real PostgreSQL server, a new database for every test. */
class PostgresAcmeStoreTest extends AcmeStoreContract {

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
        jdbcUrl = server.createDatabase("acme_" + databases.incrementAndGet());
    }

    @Override
    protected Storage openStorage() {
        return JdbcStorage.connect(jdbcUrl, server.user(), server.password());
    }
}
