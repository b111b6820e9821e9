package dev.scepter.azure.tables;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.TableEntity;
import dev.scepter.authority.store.OneTimeChallengeStore;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * {@link OneTimeChallengeStore} on the {@code OneTimeChallenges} table: the row key is the hex of
 * the challenge's SHA-256. Consuming is a conditional update on the ETag that was read: of
 * several nodes consuming one challenge at once, Table Storage lets exactly one update through
 * and refuses the others with 412, which here means "already used". Releasing is the same
 * conditional update back, on a row still marked used at the instant its consume wrote.
 */
final class TableOneTimeChallengeStore implements OneTimeChallengeStore {

    private static final String PARTITION = "challenge";

    private final TableClient table;
    private final Tables.Guard guard;

    TableOneTimeChallengeStore(TableClient table, Tables.Guard guard) {
        this.table = table;
        this.guard = guard;
    }

    @Override
    public void save(Stored challenge) {
        TableEntity entity = new TableEntity(PARTITION, HexFormat.of().formatHex(challenge.valueHash()));
        challenge.boundSubject().ifPresent(subject -> entity.addProperty("BoundSubject", subject));
        entity.addProperty("ExpiresAt", Tables.time(challenge.expiresAt()));
        entity.addProperty("Used", false);
        call(() -> {
            table.createEntity(entity);
            return null;
        });
    }

    @Override
    public Optional<Stored> findUsable(byte[] valueHash, Instant now) {
        return call(() -> usable(valueHash, now).map(entity -> new Stored(valueHash,
                Optional.ofNullable(Tables.string(entity, "BoundSubject")), Tables.instant(entity, "ExpiresAt"))));
    }

    @Override
    public boolean consume(byte[] valueHash, Instant now) {
        return call(() -> {
            Optional<TableEntity> found = usable(valueHash, now);
            if (found.isEmpty()) {
                return false;
            }
            TableEntity entity = found.get();
            entity.addProperty("Used", true);
            entity.addProperty("UsedAt", Tables.time(now));
            return Tables.updateIfUnchanged(table, entity);
        });
    }

    @Override
    public boolean release(byte[] valueHash, Instant consumedAt) {
        return call(() -> {
            Optional<TableEntity> found = find(valueHash);
            if (found.isEmpty()) {
                return false;
            }
            TableEntity entity = found.get();
            Instant usedAt = Tables.instant(entity, "UsedAt");
            if (!Tables.bool(entity, "Used") || usedAt == null || !usedAt.equals(Tables.time(consumedAt).toInstant())) {
                return false;
            }
            // UsedAt stays as a trace of the use given back; the next consume overwrites it.
            entity.addProperty("Used", false);
            return Tables.updateIfUnchanged(table, entity);
        });
    }

    private Optional<TableEntity> usable(byte[] valueHash, Instant now) {
        Optional<TableEntity> found = find(valueHash);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        TableEntity entity = found.get();
        boolean unexpired = now.isBefore(Tables.instant(entity, "ExpiresAt"));
        return !Tables.bool(entity, "Used") && unexpired ? Optional.of(entity) : Optional.empty();
    }

    private Optional<TableEntity> find(byte[] valueHash) {
        try {
            return Optional.of(table.getEntity(PARTITION, HexFormat.of().formatHex(valueHash)));
        } catch (RuntimeException e) {
            if (Tables.status(e, 404) && !TableCertificateStore.isTableMissing(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private <T> T call(java.util.function.Supplier<T> work) {
        return Tables.call(guard, Tables.ONE_TIME_CHALLENGES, work);
    }
}
