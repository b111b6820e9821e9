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
 * account id; its {@code Profile}, absent for the accounts made before profiles, which are {@code default}'s),
 * {@code key} (row key the key's thumbprint, naming its account of the profile {@code default}), {@code key_PROFILE}
 * (the same for another profile, so that a key holds one account per profile), {@code order_ACCOUNT}
 * (row key the order id; the order's document as {@link AcmeOrderDocument} writes it),
 * {@code serial} (row key the serial in upper-case hex, naming the account that ordered it),
 * {@code secret} (the nonce key) and {@code used_BUCKET} (nonces used, row key the nonce's hash,
 * one partition per ten minutes of expiry). Table Storage has no transaction across these, so each rule rests on one
 * operation it does atomically: creating an entity that exists is 409 (a key is taken once),
 * an update or delete on the ETag read is 412 when somebody changed the entity since (an account,
 * an order, a nonce changes or is consumed once). A {@code Version} property is compared before
 * that update, so that a caller's copy read before another node's change loses, as in SQL.
 */
final class TableAcmeStore implements AcmeStore {

    private static final String ACCOUNT = "account";
    private static final String KEY = "key";
    private static final String DEFAULT_PROFILE = "default";
    private static final String SERIAL = "serial";
    private static final String SECRET = "secret";
    private static final String NONCE_KEY = "nonce-key";
    private static final String USED_NONCES = "used_";
    private static final java.time.Duration NONCE_BUCKET = java.time.Duration.ofMinutes(10);
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
            TableEntity key = new TableEntity(keys(account.profile()), Tables.key(account.thumbprint())).addProperty("AccountId", account.id());
            if (!create(key)) {
                Optional<Account> existing = holderOf(account.profile(), account.thumbprint(), key);
                if (existing.isPresent()) {
                    return existing.get();
                }
            }
            TableEntity entity = new TableEntity(ACCOUNT, Tables.key(account.id()))
                    .addProperty("Profile", account.profile())
                    .addProperty("Thumbprint", account.thumbprint())
                    .addProperty("Jwk", account.key())
                    .addProperty("Status", account.status().wire())
                    .addProperty("Contact", String.join("\n", account.contact()))
                    .addProperty("CreatedAt", Tables.time(account.createdAt()))
                    .addProperty("Version", 0L);
            account.externalAccount().ifPresent(external -> entity.addProperty("ExternalAccount", external));
            table.createEntity(entity);
            return new Account(account.id(), account.profile(), account.key(), account.thumbprint(), account.status(), account.contact(),
                    account.externalAccount(), account.createdAt(), 0);
        });
    }

    /**
     * The account that has the key, once the node that created the key's entity has written it;
     * empty when this call took the key over, from an entity whose node stopped before it wrote the
     * account ({@link #ABANDONED} ago).
     */
    private Optional<Account> holderOf(String profile, String thumbprint, TableEntity key) {
        for (int attempt = 0; attempt < 50; attempt++) {
            Optional<TableEntity> holder = find(keys(profile), thumbprint);
            if (holder.isEmpty()) {
                if (create(key)) {
                    return Optional.empty();
                }
                continue;
            }
            Optional<Account> existing = readAccount(Tables.string(holder.get(), "AccountId"))
                    .filter(found -> found.profile().equals(profile) && found.thumbprint().equals(thumbprint));
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
    public Optional<Account> accountByKey(String profile, String thumbprint) {
        return call(() -> accountByKeyInCall(profile, thumbprint));
    }

    private Optional<Account> accountByKeyInCall(String profile, String thumbprint) {
        // During a key change the new key's entity exists before the account has the key, and the old one after: the account decides.
        return find(keys(profile), thumbprint).flatMap(key -> readAccount(Tables.string(key, "AccountId")))
                .filter(account -> account.profile().equals(profile) && account.thumbprint().equals(thumbprint));
    }

    /** The partition of a profile's keys: {@code key} for {@code default}, as before there were profiles. */
    private static String keys(String profile) {
        return DEFAULT_PROFILE.equals(profile) ? KEY : Tables.key(KEY + "_" + profile);
    }

    @Override
    public long accounts(String profile) {
        return call(() -> {
            long[] valid = {0};
            String filter = Tables.eq("PartitionKey", ACCOUNT) + " and " + Tables.eq("Status", Status.VALID.wire());
            if (DEFAULT_PROFILE.equals(profile)) {
                // An account written before there were profiles has no Profile, and a filter cannot ask for a missing property.
                Tables.forEach(table, filter, List.of("RowKey", "Profile"), entity -> {
                    String of = Tables.string(entity, "Profile");
                    if (of == null || DEFAULT_PROFILE.equals(of)) {
                        valid[0]++;
                    }
                });
            } else {
                Tables.forEach(table, filter + " and " + Tables.eq("Profile", profile), List.of("RowKey"), entity -> valid[0]++);
            }
            return valid[0];
        });
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
            account.externalAccount().ifPresent(bound -> entity.addProperty("ExternalAccount", bound));
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
            if (!create(new TableEntity(keys(account.profile()), Tables.key(newThumbprint)).addProperty("AccountId", account.id()))) {
                return false; // another account has it
            }
            TableEntity entity = found.get();
            entity.addProperty("Jwk", newKey);
            entity.addProperty("Thumbprint", newThumbprint);
            entity.addProperty("Version", version(entity) + 1);
            if (!Tables.updateIfUnchanged(table, entity)) {
                delete(keys(account.profile()), newThumbprint);
                return false;
            }
            delete(keys(account.profile()), account.thumbprint());
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
                if (Tables.instant(entity, "ExpiresAt").isBefore(now) && deleteStored(entity.getPartitionKey(), entity.getRowKey())) {
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
    public byte[] nonceKey(byte[] candidate) {
        return call(() -> {
            // Create if absent, then read: a 409 means another node kept its key first, and that one is the installation's.
            create(new TableEntity(SECRET, NONCE_KEY).addProperty("Secret", java.util.Base64.getEncoder().encodeToString(candidate)));
            return find(SECRET, NONCE_KEY).map(entity -> java.util.Base64.getDecoder().decode(Tables.string(entity, "Secret")))
                    .orElseThrow(() -> new IllegalStateException("The ACME nonce key vanished after it was kept"));
        });
    }

    @Override
    public boolean useNonce(String nonceHash, Instant expiresAt) {
        // Creating an entity that exists is 409: the insert is the replay check. Partitioned by expiry, so that
        // the load is spread and a sweep reads only partitions wholly expired.
        return call(() -> create(new TableEntity(usedNonces(expiresAt), Tables.key(nonceHash)).addProperty("ExpiresAt", Tables.time(expiresAt))));
    }

    @Override
    public int forgetUsedNonces(Instant now, int limit) {
        return call(() -> {
            // Every partition before now's bucket holds only nonces expired before now.
            String filter = "PartitionKey ge " + Tables.literal(USED_NONCES) + " and PartitionKey lt " + Tables.literal(usedNonces(now));
            com.azure.data.tables.models.ListEntitiesOptions options = new com.azure.data.tables.models.ListEntitiesOptions()
                    .setFilter(filter).setSelect(List.of("PartitionKey", "RowKey")).setTop(Math.min(limit, Tables.PAGE));
            List<TableEntity> expired = table.listEntities(options, null, null).stream().limit(limit).toList();
            int deleted = 0;
            for (TableEntity entity : expired) {
                if (deleteStored(entity.getPartitionKey(), entity.getRowKey())) {
                    deleted++;
                }
            }
            return deleted;
        });
    }

    /** The partition of nonces used until {@code expiresAt}: one per {@link #NONCE_BUCKET}, in order as strings. */
    private static String usedNonces(Instant expiresAt) {
        return USED_NONCES + String.format(Locale.ROOT, "%012d", expiresAt.getEpochSecond() / NONCE_BUCKET.getSeconds());
    }

    // ---- plumbing ------------------------------------------------------------------------------

    private Optional<Account> readAccount(String id) {
        return find(ACCOUNT, id).map(entity -> {
            String contact = Tables.string(entity, "Contact");
            String profile = Tables.string(entity, "Profile");
            return new Account(id, profile == null ? DEFAULT_PROFILE : profile, Tables.string(entity, "Jwk"), Tables.string(entity, "Thumbprint"), Status.ofWire(Tables.string(entity, "Status")),
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
        return deleteStored(partition, Tables.key(row));
    }

    /** Deletes the entity by its row key as stored (already {@link Tables#key}); false when it was not there. */
    private boolean deleteStored(String partition, String rowKey) {
        try {
            return table.deleteEntityWithResponse(new TableEntity(partition, rowKey), false, null, null).getStatusCode() != 404;
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
