package dev.scepter.authority.audit;

import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Sign-ins to Certificate Master, which a portal reports to the core so that the one audit trail
 * has them beside what the person then did. The core cannot check them (the portal signed the person
 * in): the event says so, naming the person "{person} through API user {caller}" as for
 * revocations, and only a caller that the API trusts to speak for people reports them. A refused
 * sign-in's name is whatever a stranger typed: the actor is then
 * {@code attempted name "{name}" through API user {caller}}, so that it never reads as a person who
 * acted. Names follow {@link PersonNames}. At most {@value #REFUSALS_PER_MINUTE} refusals a minute
 * per caller are taken (the portal reports them aggregated; more is a flood that would push real
 * events out of the newest ones that searches read): the rest get {@link TooMany}.
 */
public final class PortalSignIns {

    public static final String ACTION = "certmaster.sign-in";
    public static final Set<String> METHODS = Set.of("password", "oidc");
    public static final int REFUSALS_PER_MINUTE = 60;
    private static final int MAX_TEXT = 256;

    private final AuditLog audit;
    private final Clock clock;
    private final java.util.Map<String, long[]> refusalWindows = new java.util.concurrent.ConcurrentHashMap<>();

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
        String who = person == null ? "" : person.strip();
        String problem = PersonNames.problem(who);
        if (problem != null) {
            throw new IllegalArgumentException("user must be " + problem);
        }
        String how = text("method", method, false).toLowerCase(Locale.ROOT);
        if (!METHODS.contains(how)) {
            throw new IllegalArgumentException("method must be password or oidc");
        }
        String from = text("address", address, false);
        String why = text("reason", reason == null ? "" : reason, true);
        if (!succeeded) {
            admitRefusal(caller);
        }
        String actor = (succeeded ? who : "attempted name \"" + who + "\"") + PersonNames.JOINER + caller;
        audit.append(new AuditEvent(clock.instant(), actor, ACTION,
                how + " from " + from + (why.isEmpty() ? "" : ": " + why), succeeded ? "success" : "refused"));
    }

    /** A fixed one-minute window per caller: the {@value #REFUSALS_PER_MINUTE}+1st refusal in it is not recorded. */
    private void admitRefusal(String caller) {
        long minute = clock.millis() / 60_000;
        long[] window = refusalWindows.computeIfAbsent(caller, c -> new long[2]);
        synchronized (window) {
            if (window[0] != minute) {
                window[0] = minute;
                window[1] = 0;
            }
            if (++window[1] > REFUSALS_PER_MINUTE) {
                throw new TooMany("at most " + REFUSALS_PER_MINUTE + " refused sign-ins a minute are recorded; try again in a minute");
            }
        }
    }

    /** More refusals this minute than the trail takes from one caller. */
    public static final class TooMany extends RuntimeException {
        public TooMany(String message) {
            super(message);
        }
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
