package dev.scepter.azure.tables;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.TableEntity;
import dev.scepter.authority.store.AcmeOrderDocument;
import dev.scepter.authority.store.AcmeStore;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@link AcmeStore} on the {@code Acme} table, one partition per kind: {@code account} (row key the
 * account id), {@code key} (row key the key's thumbprint, naming its account), {@code order_ACCOUNT}
 * (row key the order id; the order's document as {@link AcmeOrderDocument} writes it),
 * {@code serial} (row key the serial in upper-case hex, naming the account that ordered it) and
 * {@code nonce}. Table Storage has no transaction across these, so each rule rests on one
 * operation it does atomically: creating an entity that exists is 409 (a key is taken once),
 * an update or delete on the ETag read is 412 when somebody changed the entity since (an account,
 * an order, a nonce changes or is consumed once). A {@code Version} property is compared before
 * that update, so that a caller's copy read before another node's change loses, as in SQL.
 */
final class TableAcmeStore implements AcmeStore {

    private static final String ACCOUNT = "account";
    private static final String KEY = "key";
    private static final String SERIAL = "serial";
    private static final String NONCE = "nonce";
    /** A key's entity without its account for this long was left by a node that stopped. */
    private static final java.time.Duration ABANDONED = java.time.Duration.ofSeconds(60);

    private final TableClient table;
    private final Tables.Guard guard;

    TableAcmeStore(TableClient table, Tables.Guard guard) {
        this.table = table;
        this.guard = guard;
    }

    // ---- accounts ------------------------------------------------------------------------------

    @Override
    public Account createAccount(Account account) {
        return call(() -> {
            // The key's entity first: of two nodes registering one key, the one that creates it makes the account.
            TableEntity key = new TableEntity(KEY, Tables.key(account.thumbprint())).addProperty("AccountId", account.id());
            if (!create(key)) {
                Optional<Account> existing = holderOf(account.thumbprint(), key);
                if (existing.isPresent()) {
                    return existing.get();
                }
            }
            TableEntity entity = new TableEntity(ACCOUNT, Tables.key(account.id()))
                    .addProperty("Thumbprint", account.thumbprint())
                    .addProperty("Jwk", account.key())
                    .addProperty("Status", account.status().wire())
                    .addProperty("Contact", String.join("\n", account.contact()))
                    .addProperty("CreatedAt", Tables.time(account.createdAt()))
                    .addProperty("Version", 0L);
            account.externalAccount().ifPresent(external -> entity.addProperty("ExternalAccount", external));
            table.createEntity(entity);
            return new Account(account.id(), account.key(), account.thumbprint(), account.status(), account.contact(),
                    account.externalAccount(), account.createdAt(), 0);
        });
    }

    /**
     * The account that has the key, once the node that created the key's entity has written it;
     * empty when this call took the key over, from an entity whose node stopped before it wrote the
     * account ({@link #ABANDONED} ago).
     */
    private Optional<Account> holderOf(String thumbprint, TableEntity key) {
        for (int attempt = 0; attempt < 50; attempt++) {
            Optional<TableEntity> holder = find(KEY, thumbprint);
            if (holder.isEmpty()) {
                if (create(key)) {
                    return Optional.empty();
                }
                continue;
            }
            Optional<Account> existing = readAccount(Tables.string(holder.get(), "AccountId")).filter(found -> found.thumbprint().equals(thumbprint));
            if (existing.isPresent()) {
                return existing;
            }
            java.time.OffsetDateTime written = holder.get().getTimestamp();
            if (written != null && written.toInstant().plus(ABANDONED).isBefore(Instant.now())) {
                holder.get().addProperty("AccountId", key.getProperty("AccountId"));
                if (Tables.updateIfUnchanged(table, holder.get())) {
                    return Optional.empty();
                }
                continue;
            }
            try {
                Thread.sleep(100); // its node is writing the account now
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalStateException("the ACME account with this key is still being written");
    }

    @Override
    public Optional<Account> account(String id) {
        return call(() -> readAccount(id));
    }

    @Override
    public Optional<Account> accountByKey(String thumbprint) {
        return call(() -> accountByKeyInCall(thumbprint));
    }

    private Optional<Account> accountByKeyInCall(String thumbprint) {
        // During a key change the new key's entity exists before the account has the key, and the old one after: the account decides.
        return find(KEY, thumbprint).flatMap(key -> readAccount(Tables.string(key, "AccountId")))
                .filter(account -> account.thumbprint().equals(thumbprint));
    }

    @Override
    public long accounts() {
        return call(() -> (long) Tables.list(table, Tables.eq("PartitionKey", ACCOUNT), List.of("RowKey")).size());
    }

    @Override
    public boolean updateAccount(Account account) {
        return call(() -> {
            Optional<TableEntity> found = find(ACCOUNT, account.id());
            if (found.isEmpty() || version(found.get()) != account.version()) {
                return false;
            }
            TableEntity entity = found.get();
            entity.addProperty("Status", account.status().wire());
            entity.addProperty("Contact", String.join("\n", account.contact()));
            entity.addProperty("Version", account.version() + 1);
            return Tables.updateIfUnchanged(table, entity);
        });
    }

    @Override
    public boolean changeKey(Account account, String newKey, String newThumbprint) {
        return call(() -> {
            Optional<TableEntity> found = find(ACCOUNT, account.id());
            if (found.isEmpty() || !account.thumbprint().equals(Tables.string(found.get(), "Thumbprint"))) {
                return false;
            }
            if (!create(new TableEntity(KEY, Tables.key(newThumbprint)).addProperty("AccountId", account.id()))) {
                return false; // another account has it
            }
            TableEntity entity = found.get();
            entity.addProperty("Jwk", newKey);
            entity.addProperty("Thumbprint", newThumbprint);
            entity.addProperty("Version", version(entity) + 1);
            if (!Tables.updateIfUnchanged(table, entity)) {
                delete(KEY, newThumbprint);
                return false;
            }
            delete(KEY, account.thumbprint());
            return true;
        });
    }

    // ---- orders --------------------------------------------------------------------------------

    @Override
    public void createOrder(Order order) {
        call(() -> {
            table.createEntity(new TableEntity(orders(order.accountId()), Tables.key(order.id()))
                    .addProperty("Identifiers", AcmeOrderDocument.identifiers(order.identifiers()))
                    .addProperty("ExpiresAt", Tables.time(order.expires()))
                    .addProperty("Document", AcmeOrderDocument.of(order))
                    .addProperty("Version", 0L));
            return null;
        });
    }

    @Override
    public Optional<Order> order(String accountId, String orderId) {
        return call(() -> find(orders(accountId), orderId).map(entity -> AcmeOrderDocument.order(orderId, accountId,
                Tables.string(entity, "Identifiers"), Tables.instant(entity, "ExpiresAt"), Tables.string(entity, "Document"), version(entity))));
    }

    @Override
    public List<String> orderIds(String accountId) {
        // Every order lives as long, so the order of expiry is the order of creation.
        return call(() -> Tables.list(table, Tables.eq("PartitionKey", orders(accountId)), List.of("RowKey", "ExpiresAt")).stream()
                .sorted(Comparator.comparing((TableEntity entity) -> Tables.instant(entity, "ExpiresAt")).thenComparing(TableEntity::getRowKey))
                .map(TableEntity::getRowKey).toList());
    }

    @Override
    public boolean updateOrder(Order order) {
        return call(() -> {
            Optional<TableEntity> found = find(orders(order.accountId()), order.id());
            if (found.isEmpty() || version(found.get()) != order.version()) {
                return false;
            }
            TableEntity entity = found.get();
            entity.addProperty("Document", AcmeOrderDocument.of(order));
            entity.addProperty("Version", order.version() + 1);
            return Tables.updateIfUnchanged(table, entity);
        });
    }

    @Override
    public int forgetExpiredOrders(String accountId, Instant now) {
        return call(() -> {
            int deleted = 0;
            for (TableEntity entity : Tables.list(table, Tables.eq("PartitionKey", orders(accountId)), List.of("PartitionKey", "RowKey", "ExpiresAt"))) {
                if (Tables.instant(entity, "ExpiresAt").isBefore(now) && delete(entity.getPartitionKey(), entity.getRowKey())) {
                    deleted++;
                }
            }
            return deleted;
        });
    }

    // ---- certificates --------------------------------------------------------------------------

    @Override
    public void recordOrderedBy(BigInteger serial, String accountId) {
        call(() -> create(new TableEntity(SERIAL, serialHex(serial)).addProperty("AccountId", accountId)));
    }

    @Override
    public Optional<String> orderedBy(BigInteger serial) {
        return call(() -> find(SERIAL, serialHex(serial)).map(entity -> Tables.string(entity, "AccountId")));
    }

    // ---- nonces --------------------------------------------------------------------------------

    @Override
    public void saveNonce(String nonce, Instant expiresAt) {
        call(() -> {
            table.createEntity(new TableEntity(NONCE, Tables.key(nonce)).addProperty("ExpiresAt", Tables.time(expiresAt)));
            return null;
        });
    }

    @Override
    public boolean consumeNonce(String nonce, Instant now) {
        return call(() -> {
            Optional<TableEntity> found = find(NONCE, nonce);
            if (found.isEmpty()) {
                return false;
            }
            // Deleting on the ETag read: of several nodes consuming it, the one whose delete succeeds has it.
            try {
                // The SDK answers a delete of an entity that is gone (another node's consume) with its 404 rather than throwing it.
                if (table.deleteEntityWithResponse(found.get(), true, null, null).getStatusCode() == 404) {
                    return false;
                }
            } catch (RuntimeException e) {
                if (Tables.status(e, 404) && !TableCertificateStore.isTableMissing(e) || Tables.status(e, 412)) {
                    return false;
                }
                throw e;
            }
            return now.isBefore(Tables.instant(found.get(), "ExpiresAt"));
        });
    }

    @Override
    public void forgetExpiredNonces(Instant now) {
        call(() -> {
            String filter = Tables.eq("PartitionKey", NONCE) + " and ExpiresAt le datetime'" + Tables.time(now) + "'";
            Tables.list(table, filter, List.of("PartitionKey", "RowKey")).forEach(entity -> delete(NONCE, entity.getRowKey()));
            return null;
        });
    }

    // ---- plumbing ------------------------------------------------------------------------------

    private Optional<Account> readAccount(String id) {
        return find(ACCOUNT, id).map(entity -> {
            String contact = Tables.string(entity, "Contact");
            return new Account(id, Tables.string(entity, "Jwk"), Tables.string(entity, "Thumbprint"), Status.ofWire(Tables.string(entity, "Status")),
                    contact == null || contact.isEmpty() ? List.of() : Arrays.asList(contact.split("\n")),
                    Optional.ofNullable(Tables.string(entity, "ExternalAccount")), Tables.instant(entity, "CreatedAt"), version(entity));
        });
    }

    private static String orders(String accountId) {
        return Tables.key("order_" + accountId);
    }

    private static long version(TableEntity entity) {
        Object value = entity.getProperty("Version");
        return value instanceof Number number ? number.longValue() : Long.parseLong(String.valueOf(value));
    }

    private static String serialHex(BigInteger serial) {
        return serial.toString(16).toUpperCase(Locale.ROOT);
    }

    /** Creates the entity; false when it exists. */
    private boolean create(TableEntity entity) {
        try {
            table.createEntity(entity);
            return true;
        } catch (RuntimeException e) {
            if (Tables.status(e, 409)) {
                return false;
            }
            throw e;
        }
    }

    /** Deletes the entity; false when it was not there. */
    private boolean delete(String partition, String row) {
        try {
            return table.deleteEntityWithResponse(new TableEntity(partition, Tables.key(row)), false, null, null).getStatusCode() != 404;
        } catch (RuntimeException e) {
            if (Tables.status(e, 404) && !TableCertificateStore.isTableMissing(e)) {
                return false;
            }
            throw e;
        }
    }

    private Optional<TableEntity> find(String partition, String row) {
        try {
            return Optional.of(table.getEntity(partition, Tables.key(row)));
        } catch (RuntimeException e) {
            if (Tables.status(e, 404) && !TableCertificateStore.isTableMissing(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private <T> T call(java.util.function.Supplier<T> work) {
        return Tables.call(guard, Tables.ACME, work);
    }
}
