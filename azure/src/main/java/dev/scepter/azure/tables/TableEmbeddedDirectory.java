package dev.scepter.azure.tables;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionType;
import com.azure.data.tables.models.TableTransactionFailedException;
import dev.scepter.authority.directory.DirectoryAnswer;
import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.directory.DirectoryUnavailableException;
import dev.scepter.authority.directory.EmbeddedDirectory;
import dev.scepter.authority.store.StoreUnavailableException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@link EmbeddedDirectory} on the {@code EmbeddedDirectory} table, so nodes sharing the account
 * share the directory. Devices are the partition {@code DEVICE}, keyed by object id. Users are the
 * partition {@code USER}: each user's row ({@code id:<object id>}) with a claim row for its
 * userPrincipalName in lower case ({@code upn:<name>}), written together in one entity group
 * transaction, so that a name is held by one user at most however many nodes write at once (the
 * unique column of the SQL stores). A device's owner (a user's object id) is its row's {@code Owner}.
 * A failure to answer is a {@link DirectoryUnavailableException},
 * never "not found".
 */
final class TableEmbeddedDirectory implements EmbeddedDirectory {

    static final String DESCRIPTION = "embedded (in the store)";
    static final String DEVICES = "DEVICE";
    static final String USERS = "USER";
    static final String USER_ROW = "id:";
    private static final String CLAIM_ROW = "upn:";
    private static final int PUT_ATTEMPTS = 10;

    private final TableClient table;
    private final Tables.Guard guard;
    private final Clock clock;

    TableEmbeddedDirectory(TableClient table, Tables.Guard guard, Clock clock) {
        this.table = table;
        this.guard = guard;
        this.clock = clock;
    }

    /**
     * @throws IllegalArgumentException when a user has no userPrincipalName, or a name is blank or too long, or the SID is none
     * @throws IllegalStateException    when another user has the same userPrincipalName (in any case)
     */
    @Override
    public void put(Entry entry) {
        Objects.requireNonNull(entry, "entry");
        DirectoryObjectType type = entry.checked();
        UUID objectId = entry.objectId();
        Optional<String> name = entry.name();
        Optional<String> sid = entry.securityIdentifier();
        store(() -> {
            if (type == DirectoryObjectType.DEVICE) {
                TableEntity device = new TableEntity(DEVICES, objectId.toString());
                fill(device, entry.enabled(), name, sid);
                if (entry.owner().isPresent()) {
                    device.addProperty("Owner", entry.owner().get().toString());
                }
                table.upsertEntityWithResponse(device, TableEntityUpdateMode.REPLACE, null, null);
                return null;
            }
            putUser(objectId, name.get(), entry.enabled(), sid);
            return null;
        });
    }

    private void putUser(UUID objectId, String principalName, boolean enabled, Optional<String> sid) {
        String claimKey = CLAIM_ROW + Tables.key(lowerCase(principalName));
        for (int attempt = 0; attempt < PUT_ATTEMPTS; attempt++) {
            Optional<TableEntity> existing = find(USERS, USER_ROW + objectId);
            List<TableTransactionAction> actions = new ArrayList<>();
            String oldClaimKey = existing.map(user -> CLAIM_ROW + Tables.key(lowerCase(Tables.string(user, "Name")))).orElse(null);
            if (!claimKey.equals(oldClaimKey)) {
                Optional<TableEntity> claim = find(USERS, claimKey);
                if (claim.isPresent() && !objectId.toString().equals(Tables.string(claim.get(), "ObjectId"))) {
                    throw Tables.refuse(new IllegalStateException("another user has the userPrincipalName " + principalName));
                }
                if (claim.isEmpty()) {
                    TableEntity newClaim = new TableEntity(USERS, claimKey);
                    newClaim.addProperty("ObjectId", objectId.toString());
                    actions.add(new TableTransactionAction(TableTransactionActionType.CREATE, newClaim));
                }
                if (oldClaimKey != null) {
                    actions.add(new TableTransactionAction(TableTransactionActionType.DELETE, new TableEntity(USERS, oldClaimKey)));
                }
            }
            TableEntity user = existing.orElseGet(() -> new TableEntity(USERS, USER_ROW + objectId));
            fill(user, enabled, Optional.of(principalName), sid);
            user.addProperty("ObjectId", objectId.toString());
            actions.add(existing.isPresent()
                    ? new TableTransactionAction(TableTransactionActionType.UPDATE_REPLACE, user, true)
                    : new TableTransactionAction(TableTransactionActionType.CREATE, user));
            try {
                table.submitTransaction(actions);
                return;
            } catch (TableTransactionFailedException e) {
                // Table Storage answered and refused one action (the batch's own status says which only inside it):
                // another node or thread changed this user or took the name first. Read again.
            }
        }
        throw Tables.refuse(new IllegalStateException("could not store the user " + objectId
                + ": concurrent changes to it kept interfering; try again"));
    }

    private void fill(TableEntity entity, boolean enabled, Optional<String> name, Optional<String> sid) {
        entity.addProperty("Enabled", enabled);
        if (name.isPresent()) {
            entity.addProperty("Name", name.get());
        } else {
            entity.getProperties().remove("Name");
        }
        if (sid.isPresent()) {
            entity.addProperty("SecurityIdentifier", sid.get());
        } else {
            entity.getProperties().remove("SecurityIdentifier");
        }
        entity.addProperty("UpdatedAt", Tables.time(clock.instant()));
    }

    @Override
    public Optional<Entry> get(DirectoryObjectType type, UUID objectId) {
        DirectoryObjectType kept = EmbeddedDirectory.keptAs(Objects.requireNonNull(type, "type"));
        Objects.requireNonNull(objectId, "objectId");
        return store(() -> entity(kept, objectId).map(entity -> new Entry(kept, objectId, Tables.bool(entity, "Enabled"),
                Optional.ofNullable(Tables.string(entity, "Name")), Optional.ofNullable(Tables.string(entity, "SecurityIdentifier")),
                kept == DirectoryObjectType.USER ? Optional.empty()
                        : Optional.ofNullable(Tables.string(entity, "Owner")).map(UUID::fromString))));
    }

    @Override
    public boolean delete(DirectoryObjectType type, UUID objectId) {
        DirectoryObjectType kept = EmbeddedDirectory.keptAs(Objects.requireNonNull(type, "type"));
        Objects.requireNonNull(objectId, "objectId");
        return store(() -> {
            for (int attempt = 0; attempt < PUT_ATTEMPTS; attempt++) {
                Optional<TableEntity> found = entity(kept, objectId);
                if (found.isEmpty()) {
                    return false;
                }
                List<TableTransactionAction> actions = new ArrayList<>();
                actions.add(new TableTransactionAction(TableTransactionActionType.DELETE, found.get(), true));
                if (kept == DirectoryObjectType.USER) {
                    actions.add(new TableTransactionAction(TableTransactionActionType.DELETE,
                            new TableEntity(USERS, CLAIM_ROW + Tables.key(lowerCase(Tables.string(found.get(), "Name"))))));
                }
                try {
                    table.submitTransaction(actions);
                    return true;
                } catch (TableTransactionFailedException e) {
                    // changed or deleted meanwhile: read again
                }
            }
            throw Tables.refuse(new IllegalStateException("could not delete " + objectId + ": concurrent changes kept interfering"));
        });
    }

    @Override
    public Optional<String> securityIdentifier(DirectoryObjectType type, UUID objectId) {
        return answer(() -> get(type, objectId).flatMap(Entry::securityIdentifier));
    }

    @Override
    public DirectoryAnswer lookup(DirectoryObjectType type, UUID objectId) {
        return answer(() -> get(type, objectId)
                .map(entry -> entry.enabled() ? DirectoryAnswer.ENABLED : DirectoryAnswer.DISABLED)
                .orElse(DirectoryAnswer.NOT_FOUND));
    }

    @Override
    public Optional<UUID> findUserByPrincipalName(String userPrincipalName) {
        Objects.requireNonNull(userPrincipalName, "userPrincipalName");
        return answer(() -> store(() -> find(USERS, CLAIM_ROW + Tables.key(lowerCase(userPrincipalName)))
                .map(claim -> UUID.fromString(Tables.string(claim, "ObjectId")))));
    }

    @Override
    public boolean isEmpty() {
        return answer(() -> store(() -> {
            ListEntitiesOptions anyDevice = new ListEntitiesOptions().setTop(1).setSelect(List.of("RowKey"))
                    .setFilter(Tables.eq("PartitionKey", DEVICES));
            ListEntitiesOptions anyUser = new ListEntitiesOptions().setTop(1).setSelect(List.of("RowKey"))
                    .setFilter(Tables.eq("PartitionKey", USERS) + " and RowKey ge " + Tables.literal(USER_ROW)
                            + " and RowKey lt " + Tables.literal("id;"));
            return !table.listEntities(anyDevice, null, null).iterator().hasNext()
                    && !table.listEntities(anyUser, null, null).iterator().hasNext();
        }));
    }

    @Override
    public String describe() {
        return DESCRIPTION;
    }

    private Optional<TableEntity> entity(DirectoryObjectType kept, UUID objectId) {
        return kept == DirectoryObjectType.USER ? find(USERS, USER_ROW + objectId) : find(DEVICES, objectId.toString());
    }

    private Optional<TableEntity> find(String partition, String row) {
        try {
            return Optional.of(table.getEntity(partition, row));
        } catch (RuntimeException e) {
            if (Tables.status(e, 404) && !TableCertificateStore.isTableMissing(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private <T> T store(Supplier<T> work) {
        return Tables.call(guard, Tables.EMBEDDED_DIRECTORY, work);
    }

    /** The directory port's way of saying the store cannot answer: never "not found". */
    private static <T> T answer(Supplier<T> work) {
        try {
            return work.get();
        } catch (StoreUnavailableException e) {
            throw new DirectoryUnavailableException(DESCRIPTION + " cannot answer: " + e.getMessage(), e);
        }
    }

    /** As the SQL directory: no Intune ids kept, so an Intune device id is a device id; a domain controller is a device. */
    private static String lowerCase(String userPrincipalName) {
        return userPrincipalName.toLowerCase(Locale.ROOT);
    }
}
