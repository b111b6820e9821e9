package dev.scepter.azure.tables;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import dev.scepter.authority.audit.AuditEvent;
import dev.scepter.authority.audit.AuditLog;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link AuditLog} on the {@code AuditLog} table. Table Storage returns a partition in row key
 * order, so the row key is made to sort newest first: the event's time, inverted, then this
 * process's append sequence, inverted (events of one instant come back last appended first),
 * then a random part so that two nodes never write the same key.
 */
final class TableAuditLog implements AuditLog {

    private static final String PARTITION = "audit";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Shifts microseconds since 1970 to a positive number for any date of the last and next 70,000 years. */
    private static final long OFFSET = 1L << 61;

    private final TableClient table;
    private final Tables.Guard guard;
    /** Starts at the clock, so that a process appending after another one (a restart) sorts after it. */
    private final AtomicLong sequence = new AtomicLong(micros(Instant.now()));

    TableAuditLog(TableClient table, Tables.Guard guard) {
        this.table = table;
        this.guard = guard;
    }

    @Override
    public void append(AuditEvent event) {
        long next = sequence.updateAndGet(previous -> Math.max(previous + 1, micros(Instant.now())));
        String rowKey = inverted(micros(event.at())) + "-" + inverted(next) + "-" + HexFormat.of().formatHex(randomBytes());
        TableEntity entity = new TableEntity(PARTITION, rowKey);
        entity.addProperty("At", Tables.time(event.at()));
        entity.addProperty("Actor", event.actor());
        entity.addProperty("Action", event.action());
        entity.addProperty("Target", event.target());
        entity.addProperty("Outcome", event.outcome());
        call(() -> {
            table.createEntity(entity);
            return null;
        });
    }

    @Override
    public List<AuditEvent> latest(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        if (limit == 0) {
            return List.of();
        }
        return call(() -> {
            List<AuditEvent> events = new ArrayList<>();
            ListEntitiesOptions options = new ListEntitiesOptions().setFilter(Tables.eq("PartitionKey", PARTITION))
                    .setTop(Math.min(limit, 1000));
            for (TableEntity entity : table.listEntities(options, null, null)) {
                if (events.size() >= limit) {
                    break;
                }
                events.add(new AuditEvent(Tables.instant(entity, "At"), Tables.string(entity, "Actor"), Tables.string(entity, "Action"),
                        Tables.string(entity, "Target"), Tables.string(entity, "Outcome")));
            }
            return events;
        });
    }

    private static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    private static String inverted(long micros) {
        return String.format("%019d", Long.MAX_VALUE - (micros + OFFSET));
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private <T> T call(java.util.function.Supplier<T> work) {
        return Tables.call(guard, Tables.AUDIT_LOG, work);
    }
}
