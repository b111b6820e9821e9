package dev.scepter.authority.audit;

import java.util.List;
import java.util.Objects;

/**
 * The audit trail as admins read it. The web tier reads the trail through this, never through
 * the {@link AuditLog} port, so that only the authority's services write to it.
 */
public final class AuditTrail {

    private final AuditLog log;

    public AuditTrail(AuditLog log) {
        this.log = Objects.requireNonNull(log, "log");
    }

    /** The newest events first, at most {@code limit}. */
    public List<AuditEvent> latest(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        return log.latest(limit);
    }
}
