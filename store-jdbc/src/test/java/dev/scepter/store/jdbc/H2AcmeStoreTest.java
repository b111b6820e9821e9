package dev.scepter.store.jdbc;

import dev.scepter.authority.store.AcmeStoreContract;
import dev.scepter.authority.store.Storage;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The ACME store contract on the embedded H2 file database, a new one for every test. */
class H2AcmeStoreTest extends AcmeStoreContract {

    @TempDir
    Path dataDir;

    @Override
    protected void prepareEmptyDatabase() {
        // a new temporary data folder for every test
    }

    @Override
    protected Storage openStorage() {
        return JdbcStorage.embedded(dataDir);
    }
}
