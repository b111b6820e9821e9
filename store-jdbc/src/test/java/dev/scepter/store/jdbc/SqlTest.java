package dev.scepter.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** {@link Sql#inTransaction} when the rollback itself fails: nothing half-done may be committed. */
class SqlTest {

    private final AtomicBoolean rollbackFails = new AtomicBoolean();
    private final AtomicInteger autoCommitOnAfterFailure = new AtomicInteger();

    @Test
    void aFailedRollbackCommitsNothingAndKeepsTheFirstExceptionOnAPlainDataSource() throws Exception {
        DataSource h2 = h2("plain");
        check(new Sql(failingRollbacks(h2)), h2);
    }

    @Test
    void aFailedRollbackCommitsNothingAndTheConnectionLeavesHikarisPool() throws Exception {
        DataSource h2 = h2("hikari");
        HikariConfig config = new HikariConfig();
        config.setDataSource(failingRollbacks(h2));
        config.setMaximumPoolSize(1);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            Sql sql = new Sql(pool);
            check(sql, h2);
            rollbackFails.set(false);
            // the pool's only connection was evicted; a new one works
            int inserted = sql.inTransaction(connection -> connection.createStatement().executeUpdate("insert into t values (2)"));
            assertThat(inserted).isEqualTo(1);
            assertThat(rows(h2)).containsExactly(2);
        }
    }

    private void check(Sql sql, DataSource h2) throws Exception {
        rollbackFails.set(true);
        SQLException original = new SQLException("the audit line does not fit", "22001");
        assertThatThrownBy(() -> sql.inTransaction(connection -> {
            connection.createStatement().executeUpdate("insert into t values (1)");
            throw original;
        })).isSameAs(original)
                .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage).contains("rollback refused"));
        assertThat(autoCommitOnAfterFailure.get()).as("auto-commit turned on after the failed rollback").isZero();
        assertThat(rows(h2)).as("the half-done transaction was not committed").isEmpty();
    }

    private static DataSource h2(String name) throws SQLException {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:sqltest-" + name + "-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        try (Connection connection = h2.getConnection()) {
            connection.createStatement().execute("create table t (n int primary key)");
        }
        return h2;
    }

    private static List<Integer> rows(DataSource h2) throws SQLException {
        try (Connection connection = h2.getConnection();
                var result = connection.createStatement().executeQuery("select n from t order by n")) {
            List<Integer> rows = new java.util.ArrayList<>();
            while (result.next()) {
                rows.add(result.getInt(1));
            }
            return rows;
        }
    }

    /** H2's data source, whose connections refuse to roll back while {@link #rollbackFails} is set. */
    private DataSource failingRollbacks(DataSource h2) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(h2, method, args);
                    return result instanceof Connection connection ? failingRollbacks(connection) : result;
                });
    }

    private Connection failingRollbacks(Connection connection) {
        AtomicBoolean rollbackFailed = new AtomicBoolean();
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("rollback") && rollbackFails.get()) {
                        rollbackFailed.set(true);
                        throw new SQLTransientException("rollback refused");
                    }
                    if (method.getName().equals("setAutoCommit") && rollbackFailed.get() && Boolean.TRUE.equals(args[0])) {
                        autoCommitOnAfterFailure.incrementAndGet();
                    }
                    return invoke(connection, method, args);
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
