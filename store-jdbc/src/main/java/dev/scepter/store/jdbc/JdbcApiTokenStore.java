package dev.scepter.store.jdbc;

import dev.scepter.authority.token.ApiRole;
import dev.scepter.authority.token.ApiToken;
import dev.scepter.authority.token.ApiTokenStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ApiTokenStore} on the {@code api_token} table. Roles are kept as their
 * {@link ApiRole#value()} names, comma-separated; a stored name this version does not know is
 * left out (a token loses a right rather than gains one) and logged. Revoking deletes the row:
 * the audit log keeps the history.
 */
public final class JdbcApiTokenStore implements ApiTokenStore {

    private static final Logger log = LoggerFactory.getLogger(JdbcApiTokenStore.class);

    private static final String COLUMNS = "name, value_hash, roles, created_at, expires_at";
    private static final String INSERT = "insert into api_token (" + COLUMNS + ") values (?, ?, ?, ?, ?)";
    private static final String LIST = "select " + COLUMNS + " from api_token order by name";
    private static final String FIND_BY_NAME = "select " + COLUMNS + " from api_token where name = ?";
    private static final String FIND_BY_HASH = "select " + COLUMNS + " from api_token where value_hash = ?";
    private static final String DELETE = "delete from api_token where name = ?";

    private final Sql sql;

    public JdbcApiTokenStore(DataSource dataSource) {
        this.sql = new Sql(dataSource);
    }

    @Override
    public void create(ApiToken token) {
        try {
            sql.update(INSERT, statement -> {
                statement.setString(1, token.name());
                statement.setBytes(2, token.valueHash());
                statement.setString(3, roleNames(token.roles()));
                Sql.setInstant(statement, 4, token.createdAt());
                Sql.setInstant(statement, 5, token.expiresAt().orElse(null));
            });
        } catch (SQLException e) {
            if (Sql.isUniqueViolation(e)) {
                boolean nameTaken = !sql.query(FIND_BY_NAME, s -> s.setString(1, token.name()), row -> 1).isEmpty();
                throw new IllegalStateException(nameTaken
                        ? "an API token named '" + token.name() + "' exists"
                        : "an API token with the same value exists", e);
            }
            throw Sql.failed(INSERT, e);
        }
    }

    @Override
    public List<ApiToken> list() {
        return sql.query(LIST, statement -> { }, JdbcApiTokenStore::read);
    }

    @Override
    public boolean revoke(String name) {
        try {
            return sql.update(DELETE, statement -> statement.setString(1, name)) > 0;
        } catch (SQLException e) {
            throw Sql.failed(DELETE, e);
        }
    }

    @Override
    public Optional<ApiToken> findByValueHash(byte[] valueHash) {
        return sql.queryOne(FIND_BY_HASH, statement -> statement.setBytes(1, valueHash), JdbcApiTokenStore::read);
    }

    private static String roleNames(Set<ApiRole> roles) {
        return roles.stream().sorted(Comparator.naturalOrder()).map(ApiRole::value).collect(Collectors.joining(","));
    }

    private static ApiToken read(ResultSet row) throws SQLException {
        String name = row.getString("name");
        Set<ApiRole> roles = EnumSet.noneOf(ApiRole.class);
        for (String roleName : Arrays.asList(row.getString("roles").split(","))) {
            if (roleName.isBlank()) {
                continue;
            }
            ApiRole.fromValue(roleName).ifPresentOrElse(roles::add,
                    () -> log.warn("API token '{}' has a role this version does not know, left out: {}", name, roleName));
        }
        return new ApiToken(name, row.getBytes("value_hash"), roles,
                Sql.getInstant(row, "created_at"), Optional.ofNullable(Sql.getInstant(row, "expires_at")));
    }
}
