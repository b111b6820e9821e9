package dev.scepter.authority.audit;

import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Sign-ins to Certificate Master, which a portal reports to the core so that the one audit trail
 * has them beside what the person then did. The core cannot check them (the portal signed the person
 * in): the event says so, naming the person "{person} through API user {caller}" as for
 * revocations, and only a caller that the API trusts to speak for people reports them.
 */
public final class PortalSignIns {

    public static final String ACTION = "certmaster.sign-in";
    public static final Set<String> METHODS = Set.of("password", "oidc");
    private static final int MAX_TEXT = 256;

    private final AuditLog audit;
    private final Clock clock;

    public PortalSignIns(AuditLog audit, Clock clock) {
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param caller    the API token's name (the portal)
     * @param person    the name signed in, or tried
     * @param method    {@code password} or {@code oidc}
     * @param address   the client's address as the portal saw it
     * @param succeeded whether the sign-in succeeded
     * @param reason    for a refusal, why (never a secret); may be empty
     * @throws IllegalArgumentException for a field that is empty where required, too long, or not one line
     */
    public void record(String caller, String person, String method, String address, boolean succeeded, String reason) {
        String who = text("user", person, false);
        String how = text("method", method, false).toLowerCase(Locale.ROOT);
        if (!METHODS.contains(how)) {
            throw new IllegalArgumentException("method must be password or oidc");
        }
        String from = text("address", address, false);
        String why = text("reason", reason == null ? "" : reason, true);
        audit.append(new AuditEvent(clock.instant(), who + " through API user " + caller, ACTION,
                how + " from " + from + (why.isEmpty() ? "" : ": " + why), succeeded ? "success" : "refused"));
    }

    private static String text(String field, String value, boolean mayBeEmpty) {
        String text = value == null ? "" : value.strip();
        if (text.isEmpty() && !mayBeEmpty || text.length() > MAX_TEXT || text.codePoints().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(field + " must be " + (mayBeEmpty ? "at most" : "1 to") + " " + MAX_TEXT
                    + " printable characters on one line");
        }
        return text;
    }
}
