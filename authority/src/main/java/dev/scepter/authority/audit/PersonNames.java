package dev.scepter.authority.audit;

import java.util.Locale;

/**
 * The one rule for a person's name that a trusted caller (Certificate Master) gives the core, for
 * a certificate's requester and for a sign-in: the audit trail writes it as
 * "{person} through API user {caller}", so a name must not be able to read as another actor or
 * look different from what it is. Refused: empty or over 256 characters; control characters
 * (C0 and C1, so line breaks too); format characters such as the bidirectional overrides
 * (U+202E) and zero-width ones (Unicode category Cf); line and paragraph separators; and the
 * literal {@value #JOINER} itself. Certificate Master applies the same rule before it asks.
 */
public final class PersonNames {

    public static final String JOINER = " through API user ";
    public static final int MAX = 256;
    /** The longest recorded actor ("{person} through API user {caller}") the store's columns hold (varchar(400)). */
    public static final int RECORDED_MAX = 400;

    private PersonNames() {
    }

    /** Whether a code point may not appear in a name: C0/C1 controls, format characters (Cf), line/paragraph separators. */
    public static boolean unsafe(int codePoint) {
        int type = Character.getType(codePoint);
        return Character.isISOControl(codePoint) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    /**
     * Why a name (already stripped) given by {@code caller} is refused, or null for a good one: the rule
     * of {@link #problem(String)}, and the name as recorded with the caller's must fit the store's
     * {@value #RECORDED_MAX} characters (a long API token name leaves less room).
     */
    public static String problem(String name, String caller) {
        String problem = problem(name);
        int room = RECORDED_MAX - JOINER.length() - caller.length();
        if (problem == null && name.length() > room) {
            return "at most " + Math.max(room, 0) + " characters (with the API user's name \"" + caller + "\" it is recorded in at most "
                    + RECORDED_MAX + ")";
        }
        return problem;
    }

    /** Why a name (already stripped) is refused, or null for a good one. */
    public static String problem(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX) {
            return "1 to " + MAX + " characters";
        }
        if (name.codePoints().anyMatch(PersonNames::unsafe)) {
            return "printable characters on one line (no control, format or bidirectional characters)";
        }
        if (name.toLowerCase(Locale.ROOT).contains(JOINER.toLowerCase(Locale.ROOT))) {
            return "a name without \"" + JOINER.strip() + "\"";
        }
        return null;
    }
}
