package dev.scepter.certmaster.security;

import java.util.Locale;

/**
 * The core's rule for a person's name (its {@code PersonNames}: the trail writes the name as
 * "{person} through API user {portal}"), applied when someone signs in. The core refuses any other
 * name as requester and as revoker, and the person never typed it, so a name it would refuse is
 * refused here, once, with the reason, rather than at every request and revocation. The portal
 * reaches the core through its API only, so the rule is repeated here; keep the two alike.
 */
final class PersonName {

    static final int MAX = 256;
    private static final String JOINER = " through API user ";

    private PersonName() {
    }

    /** Why the core would refuse this name (already stripped), naming what is wrong, or null for a good one. */
    static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "it is empty";
        }
        if (name.length() > MAX) {
            return "it is " + name.length() + " characters long, more than " + MAX;
        }
        int bad = name.codePoints().filter(PersonName::unsafe).findFirst().orElse(-1);
        if (bad >= 0) {
            return "it contains " + String.format(Locale.ROOT, "U+%04X", bad) + " (a control, format or line-separator character)";
        }
        if (name.toLowerCase(Locale.ROOT).contains(JOINER.toLowerCase(Locale.ROOT))) {
            return "it contains the words \"" + JOINER.strip() + "\"";
        }
        return null;
    }

    static boolean unsafe(int codePoint) {
        int type = Character.getType(codePoint);
        return Character.isISOControl(codePoint) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }
}
