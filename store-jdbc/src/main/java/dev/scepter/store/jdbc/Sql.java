package dev.scepter.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The little JDBC the adapters need: one statement per call, each on its own pooled connection
 * in auto-commit, so a call that returns has committed; or several in one transaction
 * ({@link #inTransaction}). Checked {@link SQLException}s become
 * {@link StorageException}s; the SQLSTATE stays on the cause.
 */
final class Sql {

    /** SQLSTATE of a unique or primary key violation, the same on H2 and PostgreSQL. */
    static final String UNIQUE_VIOLATION = "23505";

    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    /** Statements run in one transaction on one connection ({@link #inTransaction}). */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final DataSource dataSource;

    Sql(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Runs an insert, update or delete; returns the number of rows it changed. */
    int update(String sql, Binder binder) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            return statement.executeUpdate();
        }
    }

    /**
     * Runs {@code work} in one transaction and commits it: one commit for several statements, so
     * all of them or none are kept. Anything {@code work} throws rolls the whole transaction back
     * (a savepoint inside it is the way to give up one statement and keep the rest); so does a
     * commit that fails, whose outcome the caller then cannot know. The exception thrown is the
     * first one; a failed rollback or reset is added to it as suppressed.
     */
    <T> T inTransaction(Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            T result;
            try {
                result = work.run(connection);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailed) {
                    e.addSuppressed(rollbackFailed);
                    // Turning auto-commit back on would commit whatever the failed rollback left
                    // (JDBC commits an open transaction there): the connection goes instead.
                    discard(connection, e);
                    throw e;
                }
                restore(connection, autoCommit, e);
                throw e;
            }
            // Committed: a failed reset must not tell the caller the write failed.
            restore(connection, autoCommit, null);
            return result;
        }
    }

    /** Gives the connection its auto-commit back after a commit or rollback, or discards it. */
    private void restore(Connection connection, boolean autoCommit, Exception failure) {
        try {
            connection.setAutoCommit(autoCommit);
        } catch (SQLException resetFailed) {
            if (failure != null) {
                failure.addSuppressed(resetFailed);
            }
            discard(connection, failure);
        }
    }

    /**
     * Closes the physical connection, which ends any transaction left on it without a commit
     * (H2 and PostgreSQL roll back a session that closes), rather than giving it back to the pool
     * in an unknown state. HikariCP's own close would try the rollback again and, if that failed
     * too, keep a connection it does not see as broken (an H2 error is not SQLSTATE class 08).
     */
    private void discard(Connection connection, Exception failure) {
        try {
            if (dataSource.isWrapperFor(HikariDataSource.class)) {
                dataSource.unwrap(HikariDataSource.class).evictConnection(connection);
            } else {
                connection.abort(Runnable::run);
            }
        } catch (SQLException | RuntimeException discardFailed) {
            if (failure != null) {
                failure.addSuppressed(discardFailed);
            }
        }
    }

    <T> List<T> query(String sql, Binder binder, RowMapper<T> mapper) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            try (ResultSet rows = statement.executeQuery()) {
                List<T> result = new ArrayList<>();
                while (rows.next()) {
                    result.add(mapper.map(rows));
                }
                return result;
            }
        } catch (SQLException e) {
            throw failed(sql, e);
        }
    }

    /**
     * Hands each row to {@code visitor} as it is read, {@code fetchSize} rows at a time, keeping
     * none: PostgreSQL sends a whole result at once unless the statement runs in a transaction
     * with a fetch size (a cursor), so this one does, read-only, and ends it before returning.
     */
    <T> void forEach(String sql, Binder binder, int fetchSize, RowMapper<T> mapper, java.util.function.Consumer<? super T> visitor) {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (PreparedStatement statement = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                statement.setFetchSize(fetchSize);
                binder.bind(statement);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        visitor.accept(mapper.map(rows));
                    }
                }
            } finally {
                // Nothing was written: ending the transaction either way only closes the cursor.
                connection.rollback();
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw failed(sql, e);
        }
    }

    <T> Optional<T> queryOne(String sql, Binder binder, RowMapper<T> mapper) {
        List<T> rows = query(sql, binder, mapper);
        if (rows.size() > 1) {
            throw new IllegalStateException("expected at most one row, got " + rows.size() + ": " + sql);
        }
        return rows.stream().findFirst();
    }

    static boolean isUniqueViolation(SQLException e) {
        for (SQLException current = e; current != null; current = current.getNextException()) {
            if (UNIQUE_VIOLATION.equals(current.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    static StorageException failed(String sql, SQLException e) {
        return new StorageException("database statement failed (SQLSTATE " + e.getSQLState() + "): "
                + firstLine(sql) + ": " + e.getMessage(), e);
    }

    private static String firstLine(String sql) {
        String trimmed = sql.strip();
        int end = trimmed.indexOf('\n');
        return end < 0 ? trimmed : trimmed.substring(0, end) + " ...";
    }

    /** Timestamps go in and out as UTC {@link OffsetDateTime}s, which both drivers map to {@code timestamp with time zone}. */
    static void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
        }
    }

    static Instant getInstant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
