package dev.scepter.store.jdbc;

import dev.scepter.authority.directory.DirectoryAnswer;
import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.directory.DirectoryUnavailableException;
import dev.scepter.authority.directory.EmbeddedDirectory;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@link EmbeddedDirectory} on the {@code directory_device} and {@code directory_user} tables of
 * the store, so nodes sharing the database share the directory. A user's name is its
 * userPrincipalName, required, and unique compared case-insensitively (its lower case, by
 * {@link Locale#ROOT}, is kept in a column with a unique constraint). {@code updated_at} is the
 * database's clock.
 *
 * <p>{@link #put} is an upsert written for both databases: an update, then an insert when no row
 * was there; an insert that loses a race with a concurrent one for the same object id is retried
 * as an update. A database that fails a {@link #lookup} or {@link #findUserByPrincipalName} is a
 * {@link DirectoryUnavailableException}, never "not found". A device's owner is a column of its
 * row ({@code owner_id}, schema V10), read by {@link #isRegisteredOwner} through {@link #get}.
 */
public final class JdbcEmbeddedDirectory implements EmbeddedDirectory {

    static final String DESCRIPTION = "embedded (in the store)";

    /** Update-then-insert rounds before giving up; more than one is needed only when a concurrent put or delete interferes. */
    private static final int PUT_ATTEMPTS = 5;

    private static final String UPDATE_DEVICE = "update directory_device set name = ?, enabled = ?, security_identifier = ?, owner_id = ?,"
            + " updated_at = current_timestamp"
            + " where object_id = ?";
    private static final String INSERT_DEVICE = "insert into directory_device (name, enabled, security_identifier, owner_id, object_id, updated_at)"
            + " values (?, ?, ?, ?, ?, current_timestamp)";
    private static final String GET_DEVICE = "select name, enabled, security_identifier, owner_id from directory_device where object_id = ?";
    private static final String DELETE_DEVICE = "delete from directory_device where object_id = ?";

    private static final String UPDATE_USER = "update directory_user set user_principal_name = ?, user_principal_name_lower = ?,"
            + " enabled = ?, security_identifier = ?, updated_at = current_timestamp where object_id = ?";
    private static final String INSERT_USER = "insert into directory_user"
            + " (user_principal_name, user_principal_name_lower, enabled, security_identifier, object_id, updated_at)"
            + " values (?, ?, ?, ?, ?, current_timestamp)";
    private static final String GET_USER = "select user_principal_name as name, enabled, security_identifier from directory_user where object_id = ?";
    private static final String DELETE_USER = "delete from directory_user where object_id = ?";
    private static final String ANY_DEVICE = "select object_id from directory_device fetch first 1 rows only";
    private static final String ANY_USER = "select object_id from directory_user fetch first 1 rows only";
    private static final String ALL_DEVICES = "select object_id, name, enabled, security_identifier, owner_id from directory_device"
            + " order by object_id";
    private static final String ALL_USERS = "select object_id, user_principal_name as name, enabled, security_identifier from directory_user"
            + " order by object_id";
    private static final String FIND_USER = "select object_id from directory_user where user_principal_name_lower = ?";

    private final Sql sql;

    public JdbcEmbeddedDirectory(DataSource dataSource) {
        this.sql = new Sql(dataSource);
    }

    /**
     * @throws IllegalArgumentException when a user has no userPrincipalName, or a name is blank or
     *                                  longer than {@value Entry#MAX_NAME_LENGTH} characters
     * @throws IllegalStateException    when another user has the same userPrincipalName (in any case)
     */
    @Override
    public void put(Entry entry) {
        Objects.requireNonNull(entry, "entry");
        DirectoryObjectType type = entry.checked();
        UUID objectId = entry.objectId();
        Optional<String> name = entry.name();
        Optional<String> sid = entry.securityIdentifier();
        String update = type == DirectoryObjectType.USER ? UPDATE_USER : UPDATE_DEVICE;
        String insert = type == DirectoryObjectType.USER ? INSERT_USER : INSERT_DEVICE;
        Sql.Binder binder = statement -> {
            int index = 1;
            if (type == DirectoryObjectType.USER) {
                statement.setString(index++, name.get());
                statement.setString(index++, lowerCase(name.get()));
            } else {
                statement.setString(index++, name.orElse(null));
            }
            statement.setBoolean(index++, entry.enabled());
            statement.setString(index++, sid.orElse(null));
            if (type != DirectoryObjectType.USER) {
                statement.setObject(index++, entry.owner().orElse(null));
            }
            statement.setObject(index, objectId);
        };
        for (int attempt = 1; attempt <= PUT_ATTEMPTS; attempt++) {
            try {
                if (sql.update(update, binder) > 0) {
                    return;
                }
            } catch (SQLException e) {
                refuseTakenPrincipalName(type, objectId, name, e);
                throw Sql.failed(update, e);
            }
            try {
                sql.update(insert, binder);
                return;
            } catch (SQLException e) {
                refuseTakenPrincipalName(type, objectId, name, e);
                if (!Sql.isUniqueViolation(e)) {
                    throw Sql.failed(insert, e);
                }
                // a concurrent put inserted the same object first: update it, in the next round
            }
        }
        throw new IllegalStateException("could not store the " + type.name().toLowerCase(Locale.ROOT) + " " + objectId
                + ": concurrent changes to it kept interfering; try again");
    }

    /** Every entry, devices then users: for copying the directory elsewhere. */
    public java.util.List<Entry> entries() {
        java.util.List<Entry> entries = new java.util.ArrayList<>();
        for (DirectoryObjectType type : java.util.List.of(DirectoryObjectType.DEVICE, DirectoryObjectType.USER)) {
            entries.addAll(sql.query(type == DirectoryObjectType.USER ? ALL_USERS : ALL_DEVICES, statement -> { },
                    row -> new Entry(type, row.getObject("object_id", UUID.class), row.getBoolean("enabled"),
                            Optional.ofNullable(row.getString("name")), Optional.ofNullable(row.getString("security_identifier")),
                            owner(row, type))));
        }
        return entries;
    }

    @Override
    public Optional<Entry> get(DirectoryObjectType type, UUID objectId) {
        DirectoryObjectType kept = EmbeddedDirectory.keptAs(Objects.requireNonNull(type, "type"));
        Objects.requireNonNull(objectId, "objectId");
        return sql.queryOne(kept == DirectoryObjectType.USER ? GET_USER : GET_DEVICE,
                statement -> statement.setObject(1, objectId),
                row -> new Entry(kept, objectId, row.getBoolean("enabled"), Optional.ofNullable(row.getString("name")),
                        Optional.ofNullable(row.getString("security_identifier")), owner(row, kept)));
    }

    @Override
    public boolean delete(DirectoryObjectType type, UUID objectId) {
        DirectoryObjectType kept = EmbeddedDirectory.keptAs(Objects.requireNonNull(type, "type"));
        Objects.requireNonNull(objectId, "objectId");
        String delete = kept == DirectoryObjectType.USER ? DELETE_USER : DELETE_DEVICE;
        try {
            return sql.update(delete, statement -> statement.setObject(1, objectId)) > 0;
        } catch (SQLException e) {
            throw Sql.failed(delete, e);
        }
    }

    @Override
    public Optional<String> securityIdentifier(DirectoryObjectType type, UUID objectId) {
        return get(type, objectId).flatMap(Entry::securityIdentifier);
    }

    @Override
    public DirectoryAnswer lookup(DirectoryObjectType type, UUID objectId) {
        DirectoryObjectType kept = EmbeddedDirectory.keptAs(Objects.requireNonNull(type, "type"));
        Objects.requireNonNull(objectId, "objectId");
        Optional<Boolean> enabled;
        try {
            enabled = sql.queryOne(kept == DirectoryObjectType.USER ? GET_USER : GET_DEVICE,
                    statement -> statement.setObject(1, objectId), row -> row.getBoolean("enabled"));
        } catch (StorageException e) {
            throw unavailable(e);
        }
        return enabled.map(on -> on ? DirectoryAnswer.ENABLED : DirectoryAnswer.DISABLED).orElse(DirectoryAnswer.NOT_FOUND);
    }

    @Override
    public Optional<UUID> findUserByPrincipalName(String userPrincipalName) {
        Objects.requireNonNull(userPrincipalName, "userPrincipalName");
        try {
            return findUser(lowerCase(userPrincipalName));
        } catch (StorageException e) {
            throw unavailable(e);
        }
    }

    @Override
    public boolean isEmpty() {
        try {
            return sql.queryOne(ANY_DEVICE, statement -> { }, JdbcEmbeddedDirectory::objectId).isEmpty()
                    && sql.queryOne(ANY_USER, statement -> { }, JdbcEmbeddedDirectory::objectId).isEmpty();
        } catch (StorageException e) {
            throw unavailable(e);
        }
    }

    @Override
    public String describe() {
        return DESCRIPTION;
    }

    @Override
    public String toString() {
        return "JdbcEmbeddedDirectory";
    }

    private Optional<UUID> findUser(String lowerCasePrincipalName) {
        return sql.queryOne(FIND_USER, statement -> statement.setString(1, lowerCasePrincipalName),
                JdbcEmbeddedDirectory::objectId);
    }

    /** A unique violation on a user's row that another user's principal name caused is the caller's to fix. */
    private void refuseTakenPrincipalName(DirectoryObjectType type, UUID objectId, Optional<String> name, SQLException e) {
        if (type != DirectoryObjectType.USER || !Sql.isUniqueViolation(e)) {
            return;
        }
        Optional<UUID> holder = findUser(lowerCase(name.get()));
        if (holder.isPresent() && !holder.get().equals(objectId)) {
            throw new IllegalStateException("another user has the userPrincipalName " + name.get(), e);
        }
    }

    /**
     * The entries this directory keeps for a kind of id: devices or users. It holds no Intune ids,
     * so an Intune device id is read as a device id (as before the kinds were told apart), and a
     * domain controller is a device.
     */
    private static UUID objectId(ResultSet row) throws SQLException {
        return row.getObject("object_id", UUID.class);
    }

    /** A device's owner; users have none (and no column for one). */
    private static Optional<UUID> owner(ResultSet row, DirectoryObjectType type) throws SQLException {
        return type == DirectoryObjectType.USER ? Optional.empty() : Optional.ofNullable(row.getObject("owner_id", UUID.class));
    }

    private static String lowerCase(String userPrincipalName) {
        return userPrincipalName.toLowerCase(Locale.ROOT);
    }

    private static DirectoryUnavailableException unavailable(StorageException e) {
        // The message names the statement and the driver's reason: never the URL's or pool's credentials.
        return new DirectoryUnavailableException(DESCRIPTION + " cannot answer: " + e.getMessage(), e);
    }
}
