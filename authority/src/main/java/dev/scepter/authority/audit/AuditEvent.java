package dev.scepter.authority.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * One admin action, appended to the audit trail and never changed.
 *
 * @param at      when
 * @param actor   who (token name, admin, installer)
 * @param action  what, as a short verb phrase ({@code token.create}, {@code certificate.revoke})
 * @param target  on what (a token name, a serial number)
 * @param outcome {@code success} or a short failure reason
 */
public record AuditEvent(Instant at, String actor, String action, String target, String outcome) {
    public AuditEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(outcome, "outcome");
    }
}
