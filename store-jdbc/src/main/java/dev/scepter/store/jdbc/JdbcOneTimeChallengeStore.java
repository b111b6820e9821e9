package dev.scepter.store.jdbc;

import dev.scepter.authority.store.OneTimeChallengeStore;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@link OneTimeChallengeStore} on the {@code one_time_challenge} table. Consuming is one
 * conditional UPDATE, so of several nodes presenting one challenge exactly one wins; releasing
 * is one too, on the {@code used_at} its consume wrote (to the microsecond, which both databases
 * keep), so it gives back only that use.
 */
public final class JdbcOneTimeChallengeStore implements OneTimeChallengeStore {

    private static final String INSERT = "insert into one_time_challenge (value_hash, bound_subject, expires_at) values (?, ?, ?)";
    private static final String FIND_USABLE = "select value_hash, bound_subject, expires_at from one_time_challenge"
            + " where value_hash = ? and used_at is null and expires_at > ?";
    private static final String RELEASE = "update one_time_challenge set used_at = null where value_hash = ? and used_at = ?";
    private static final String CONSUME = "update one_time_challenge set used_at = ?"
            + " where value_hash = ? and used_at is null and expires_at > ?";

    private final Sql sql;

    public JdbcOneTimeChallengeStore(DataSource dataSource) {
        this.sql = new Sql(dataSource);
    }

    @Override
    public void save(Stored challenge) {
        try {
            sql.update(INSERT, statement -> {
                statement.setBytes(1, challenge.valueHash());
                statement.setString(2, challenge.boundSubject().orElse(null));
                Sql.setInstant(statement, 3, challenge.expiresAt());
            });
        } catch (SQLException e) {
            throw Sql.failed(INSERT, e);
        }
    }

    @Override
    public Optional<Stored> findUsable(byte[] valueHash, Instant now) {
        return sql.queryOne(FIND_USABLE, statement -> {
            statement.setBytes(1, valueHash);
            Sql.setInstant(statement, 2, now);
        }, row -> new Stored(row.getBytes("value_hash"), Optional.ofNullable(row.getString("bound_subject")),
                Sql.getInstant(row, "expires_at")));
    }

    @Override
    public boolean consume(byte[] valueHash, Instant now) {
        try {
            return sql.update(CONSUME, statement -> {
                Sql.setInstant(statement, 1, usedAt(now));
                statement.setBytes(2, valueHash);
                Sql.setInstant(statement, 3, now);
            }) == 1;
        } catch (SQLException e) {
            throw Sql.failed(CONSUME, e);
        }
    }

    @Override
    public boolean release(byte[] valueHash, Instant consumedAt) {
        try {
            return sql.update(RELEASE, statement -> {
                statement.setBytes(1, valueHash);
                Sql.setInstant(statement, 2, usedAt(consumedAt));
            }) == 1;
        } catch (SQLException e) {
            throw Sql.failed(RELEASE, e);
        }
    }

    /** What {@code used_at} holds for a use at {@code instant}: compared for equality when released. */
    private static Instant usedAt(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }
}
