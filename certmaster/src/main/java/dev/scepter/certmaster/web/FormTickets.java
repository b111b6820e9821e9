package dev.scepter.certmaster.web;

import java.io.Serializable;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;

/**
 * One-use tickets for the certificate forms, kept in the session (they are no secret and hold
 * nothing of a key): each form page carries one, and a POST issues only with a ticket not yet
 * used, so a reload or a second click on the answer does not issue a second certificate with a
 * second key. A used ticket remembers the serial its sending had issued (public, no key), so that
 * the answer to a second sending can name the certificate whose key page the browser dropped.
 * The newest few only.
 */
final class FormTickets implements Serializable {

    static final String SESSION_ATTRIBUTE = FormTickets.class.getName();
    private static final long serialVersionUID = 1L;
    private static final int KEPT = 20;

    private final LinkedHashSet<String> open = new LinkedHashSet<>();
    /** Used tickets and the serial each issued; empty while its sending is still under way, or if it issued nothing. */
    private final LinkedHashMap<String, String> used = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > KEPT;
        }
    };

    synchronized String issue(SecureRandom random) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        open.add(ticket);
        if (open.size() > KEPT) {
            Iterator<String> oldest = open.iterator();
            oldest.next();
            oldest.remove();
        }
        return ticket;
    }

    /** Whether the ticket was open; it is not any more. */
    synchronized boolean use(String ticket) {
        if (ticket != null && open.remove(ticket)) {
            used.put(ticket, "");
            return true;
        }
        return false;
    }

    /** Records the serial a ticket's sending issued. */
    synchronized void issued(String ticket, String serialHex) {
        used.put(ticket, serialHex);
    }

    /** The serial an earlier sending with this ticket issued, if it did (and is still remembered). */
    synchronized Optional<String> issuedWith(String ticket) {
        return Optional.ofNullable(ticket == null ? null : used.get(ticket)).filter(serial -> !serial.isEmpty());
    }

    /** Whether this ticket was used (whatever came of it). */
    synchronized boolean wasUsed(String ticket) {
        return ticket != null && used.containsKey(ticket);
    }
}
