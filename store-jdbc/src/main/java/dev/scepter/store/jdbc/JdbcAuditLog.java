package dev.scepter.store.jdbc;

import dev.scepter.authority.audit.AuditEvent;
import dev.scepter.authority.audit.AuditLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * {@link AuditLog} on the {@code audit_event} table, which this class only ever inserts into.
 * "Newest" is by the event's time, and among events of the same time by the order they were
 * appended.
 */
public final class JdbcAuditLog implements AuditLog {

    private static final String INSERT = "insert into audit_event (at, actor, action, target, outcome) values (?, ?, ?, ?, ?)";
    private static final String LATEST = "select at, actor, action, target, outcome from audit_event"
            + " order by at desc, id desc fetch first ? rows only";

    private final DataSource dataSource;
    private final Sql sql;

    public JdbcAuditLog(DataSource dataSource) {
        this.dataSource = dataSource;
        this.sql = new Sql(dataSource);
    }

    @Override
    public void append(AuditEvent event) {
        try {
            sql.update(INSERT, statement -> bind(statement, event));
        } catch (SQLException e) {
            throw Sql.failed(INSERT, e);
        }
    }

    /** Whether this trail is kept in the database of {@code other}: a store there may append to it in its own transaction. */
    boolean keptIn(DataSource other) {
        return dataSource == other;
    }

    /** Appends {@code event} in the transaction {@code connection} is in. */
    static void append(Connection connection, AuditEvent event) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
            bind(statement, event);
            statement.executeUpdate();
        }
    }

    private static void bind(PreparedStatement statement, AuditEvent event) throws SQLException {
        Sql.setInstant(statement, 1, event.at());
        statement.setString(2, event.actor());
        statement.setString(3, event.action());
        statement.setString(4, event.target());
        statement.setString(5, event.outcome());
    }

    @Override
    public List<AuditEvent> latest(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        if (limit == 0) {
            return List.of();
        }
        return sql.query(LATEST, statement -> statement.setInt(1, limit), row -> new AuditEvent(
                Sql.getInstant(row, "at"), row.getString("actor"), row.getString("action"),
                row.getString("target"), row.getString("outcome")));
    }
}
