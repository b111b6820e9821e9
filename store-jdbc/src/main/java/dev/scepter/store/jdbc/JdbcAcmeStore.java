package dev.scepter.store.jdbc;

import dev.scepter.authority.store.AcmeOrderDocument;
import dev.scepter.authority.store.AcmeStore;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@link AcmeStore} on the {@code acme_*} tables (migrations V8, V9). Each call is one statement, so
 * each is atomic on its own: a key's uniqueness within a profile is the {@code (profile, thumbprint)} constraint, a nonce is
 * used by the one INSERT of its hash (a second one violates the primary key), the nonce key is
 * kept by an INSERT only the first node's succeeds, and an order or account is replaced by an
 * UPDATE conditional on the version it was read with.
 */
public final class JdbcAcmeStore implements AcmeStore {

    private static final String ACCOUNT_COLUMNS = "id, profile, thumbprint, jwk, status, contact, external_account, created_at, version";
    private static final String INSERT_ACCOUNT = "insert into acme_account (" + ACCOUNT_COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, 0)";
    private static final String ACCOUNT_BY_ID = "select " + ACCOUNT_COLUMNS + " from acme_account where id = ?";
    private static final String ACCOUNT_BY_KEY = "select " + ACCOUNT_COLUMNS + " from acme_account where profile = ? and thumbprint = ?";
    private static final String COUNT_ACCOUNTS = "select count(*) from acme_account where profile = ? and status = 'valid'";
    private static final String UPDATE_ACCOUNT = "update acme_account set status = ?, contact = ?, external_account = coalesce(?, external_account), version = version + 1"
            + " where id = ? and version = ?";
    private static final String CHANGE_KEY = "update acme_account set jwk = ?, thumbprint = ?, version = version + 1"
            + " where id = ? and thumbprint = ?";
    private static final String ORDER_COLUMNS = "id, account_id, identifiers, expires_at, document, version";
    private static final String INSERT_ORDER = "insert into acme_order (" + ORDER_COLUMNS + ") values (?, ?, ?, ?, ?, 0)";
    private static final String ORDER = "select " + ORDER_COLUMNS + " from acme_order where id = ? and account_id = ?";
    private static final String ORDER_IDS = "select id from acme_order where account_id = ? order by created_at, id";
    private static final String UPDATE_ORDER = "update acme_order set document = ?, version = version + 1"
            + " where id = ? and account_id = ? and version = ?";
    private static final String FORGET_ORDERS = "delete from acme_order where account_id = ? and expires_at < ?";
    private static final String INSERT_ORDERED = "insert into acme_ordered_certificate (serial_number, account_id) values (?, ?)";
    private static final String ORDERED_BY = "select account_id from acme_ordered_certificate where serial_number = ?";
    private static final String INSERT_SECRET = "insert into acme_secret (name, secret) values (?, ?)";
    private static final String SECRET = "select secret from acme_secret where name = ?";
    private static final String NONCE_KEY = "nonce-key";
    private static final String USE_NONCE = "insert into acme_nonce_used (nonce_hash, expires_at) values (?, ?)";
    // A bounded batch, the oldest first: a sweep never deletes (nor locks) an unbounded number of rows.
    private static final String FORGET_NONCES = "delete from acme_nonce_used where nonce_hash in (select nonce_hash from acme_nonce_used"
            + " where expires_at <= ? order by expires_at fetch first ? rows only)";

    private final Sql sql;

    public JdbcAcmeStore(DataSource dataSource) {
        this.sql = new Sql(dataSource);
    }

    @Override
    public Account createAccount(Account account) {
        try {
            sql.update(INSERT_ACCOUNT, statement -> {
                statement.setString(1, account.id());
                statement.setString(2, account.profile());
                statement.setString(3, account.thumbprint());
                statement.setString(4, account.key());
                statement.setString(5, account.status().wire());
                statement.setString(6, String.join("\n", account.contact()));
                statement.setString(7, account.externalAccount().orElse(null));
                Sql.setInstant(statement, 8, account.createdAt());
            });
            return new Account(account.id(), account.profile(), account.key(), account.thumbprint(), account.status(), account.contact(),
                    account.externalAccount(), account.createdAt(), 0);
        } catch (SQLException e) {
            if (Sql.isUniqueViolation(e)) {
                Optional<Account> holder = accountByKey(account.profile(), account.thumbprint());
                if (holder.isPresent()) {
                    return holder.get();
                }
            }
            throw Sql.failed(INSERT_ACCOUNT, e);
        }
    }

    @Override
    public Optional<Account> account(String id) {
        return sql.queryOne(ACCOUNT_BY_ID, statement -> statement.setString(1, id), JdbcAcmeStore::account);
    }

    @Override
    public Optional<Account> accountByKey(String profile, String thumbprint) {
        return sql.queryOne(ACCOUNT_BY_KEY, statement -> {
            statement.setString(1, profile);
            statement.setString(2, thumbprint);
        }, JdbcAcmeStore::account);
    }

    @Override
    public long accounts(String profile) {
        return sql.queryOne(COUNT_ACCOUNTS, statement -> statement.setString(1, profile), row -> row.getLong(1)).orElse(0L);
    }

    @Override
    public boolean updateAccount(Account account) {
        try {
            return sql.update(UPDATE_ACCOUNT, statement -> {
                statement.setString(1, account.status().wire());
                statement.setString(2, String.join("\n", account.contact()));
                statement.setString(3, account.externalAccount().orElse(null));
                statement.setString(4, account.id());
                statement.setLong(5, account.version());
            }) == 1;
        } catch (SQLException e) {
            throw Sql.failed(UPDATE_ACCOUNT, e);
        }
    }

    @Override
    public boolean changeKey(Account account, String newKey, String newThumbprint) {
        try {
            return sql.update(CHANGE_KEY, statement -> {
                statement.setString(1, newKey);
                statement.setString(2, newThumbprint);
                statement.setString(3, account.id());
                statement.setString(4, account.thumbprint());
            }) == 1;
        } catch (SQLException e) {
            if (Sql.isUniqueViolation(e)) {
                return false; // another account has the new key
            }
            throw Sql.failed(CHANGE_KEY, e);
        }
    }

    @Override
    public void createOrder(Order order) {
        try {
            sql.update(INSERT_ORDER, statement -> {
                statement.setString(1, order.id());
                statement.setString(2, order.accountId());
                statement.setString(3, AcmeOrderDocument.identifiers(order.identifiers()));
                Sql.setInstant(statement, 4, order.expires());
                statement.setString(5, AcmeOrderDocument.of(order));
            });
        } catch (SQLException e) {
            throw Sql.failed(INSERT_ORDER, e);
        }
    }

    @Override
    public Optional<Order> order(String accountId, String orderId) {
        return sql.queryOne(ORDER, statement -> {
            statement.setString(1, orderId);
            statement.setString(2, accountId);
        }, row -> AcmeOrderDocument.order(row.getString("id"), row.getString("account_id"), row.getString("identifiers"),
                Sql.getInstant(row, "expires_at"), row.getString("document"), row.getLong("version")));
    }

    @Override
    public List<String> orderIds(String accountId) {
        return sql.query(ORDER_IDS, statement -> statement.setString(1, accountId), row -> row.getString("id"));
    }

    @Override
    public boolean updateOrder(Order order) {
        try {
            return sql.update(UPDATE_ORDER, statement -> {
                statement.setString(1, AcmeOrderDocument.of(order));
                statement.setString(2, order.id());
                statement.setString(3, order.accountId());
                statement.setLong(4, order.version());
            }) == 1;
        } catch (SQLException e) {
            throw Sql.failed(UPDATE_ORDER, e);
        }
    }

    @Override
    public int forgetExpiredOrders(String accountId, Instant now) {
        try {
            return sql.update(FORGET_ORDERS, statement -> {
                statement.setString(1, accountId);
                Sql.setInstant(statement, 2, now);
            });
        } catch (SQLException e) {
            throw Sql.failed(FORGET_ORDERS, e);
        }
    }

    @Override
    public void recordOrderedBy(BigInteger serial, String accountId) {
        try {
            sql.update(INSERT_ORDERED, statement -> {
                statement.setString(1, serialHex(serial));
                statement.setString(2, accountId);
            });
        } catch (SQLException e) {
            // The certificate store refuses a serial twice, so a second record can only repeat the first.
            if (!Sql.isUniqueViolation(e)) {
                throw Sql.failed(INSERT_ORDERED, e);
            }
        }
    }

    @Override
    public Optional<String> orderedBy(BigInteger serial) {
        return sql.queryOne(ORDERED_BY, statement -> statement.setString(1, serialHex(serial)), row -> row.getString(1));
    }

    @Override
    public byte[] nonceKey(byte[] candidate) {
        String encoded = java.util.Base64.getEncoder().encodeToString(candidate);
        try {
            sql.update(INSERT_SECRET, statement -> {
                statement.setString(1, NONCE_KEY);
                statement.setString(2, encoded);
            });
        } catch (SQLException e) {
            if (!Sql.isUniqueViolation(e)) {
                throw Sql.failed(INSERT_SECRET, e);
            }
            // another node kept its key first: that one is the installation's
        }
        return sql.queryOne(SECRET, statement -> statement.setString(1, NONCE_KEY), row -> java.util.Base64.getDecoder().decode(row.getString(1)))
                .orElseThrow(() -> new IllegalStateException("The ACME nonce key vanished after it was kept"));
    }

    @Override
    public boolean useNonce(String nonceHash, Instant expiresAt) {
        try {
            sql.update(USE_NONCE, statement -> {
                statement.setString(1, nonceHash);
                Sql.setInstant(statement, 2, expiresAt);
            });
            return true;
        } catch (SQLException e) {
            if (Sql.isUniqueViolation(e)) {
                return false;
            }
            throw Sql.failed(USE_NONCE, e);
        }
    }

    @Override
    public int forgetUsedNonces(Instant now, int limit) {
        try {
            return sql.update(FORGET_NONCES, statement -> {
                Sql.setInstant(statement, 1, now);
                statement.setInt(2, limit);
            });
        } catch (SQLException e) {
            throw Sql.failed(FORGET_NONCES, e);
        }
    }

    private static Account account(ResultSet row) throws SQLException {
        String contact = row.getString("contact");
        return new Account(row.getString("id"), row.getString("profile"), row.getString("jwk"), row.getString("thumbprint"), Status.ofWire(row.getString("status")),
                contact.isEmpty() ? List.of() : Arrays.asList(contact.split("\n")), Optional.ofNullable(row.getString("external_account")),
                Sql.getInstant(row, "created_at"), row.getLong("version"));
    }

    private static String serialHex(BigInteger serial) {
        return serial.toString(16).toUpperCase(Locale.ROOT);
    }
}
