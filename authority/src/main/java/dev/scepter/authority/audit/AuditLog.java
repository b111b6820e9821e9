package dev.scepter.authority.audit;

import java.util.List;

/** The append-only audit trail. */
public interface AuditLog {

    void append(AuditEvent event);

    /** The newest events first, at most {@code limit}. */
    List<AuditEvent> latest(int limit);
}
