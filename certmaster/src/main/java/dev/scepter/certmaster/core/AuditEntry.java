package dev.scepter.certmaster.core;

import java.time.Instant;
import java.util.Locale;

/** One event of the core's audit trail ({@code GET /api/manage/audit}): who did what to what, when, and how it ended. */
public record AuditEntry(Instant at, String actor, String action, String target, String outcome) {

    /** Whether {@code text} occurs in any field but the time, ignoring case. */
    public boolean matches(String text) {
        String wanted = text.toLowerCase(Locale.ROOT);
        return (actor + "\n" + action + "\n" + target + "\n" + outcome).toLowerCase(Locale.ROOT).contains(wanted);
    }
}
