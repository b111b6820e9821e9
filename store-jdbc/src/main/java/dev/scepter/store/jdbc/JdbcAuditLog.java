package dev.scepter.store.jdbc;

import dev.scepter.authority.audit.AuditEvent;
import dev.scepter.authority.audit.AuditLog;
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

    private final Sql sql;

    public JdbcAuditLog(DataSource dataSource) {
        this.sql = new Sql(dataSource);
    }

    @Override
    public void append(AuditEvent event) {
        try {
            sql.update(INSERT, statement -> {
                Sql.setInstant(statement, 1, event.at());
                statement.setString(2, event.actor());
                statement.setString(3, event.action());
                statement.setString(4, event.target());
                statement.setString(5, event.outcome());
            });
        } catch (SQLException e) {
            throw Sql.failed(INSERT, e);
        }
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
