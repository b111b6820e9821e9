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

    private static final String PENDING = "";
    private static final String NOTHING = "-";

    private final LinkedHashSet<String> open = new LinkedHashSet<>();
    /** Used tickets and the serial each issued: {@link #PENDING} while its sending is under way, {@link #NOTHING} if it issued nothing. */
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
            used.put(ticket, PENDING);
            return true;
        }
        return false;
    }

    /** Records the serial a ticket's sending issued. */
    synchronized void issued(String ticket, String serialHex) {
        used.put(ticket, serialHex);
        notifyAll();
    }

    /** Records that a ticket's sending ended without a certificate, unless it recorded one. */
    synchronized void ended(String ticket) {
        used.replace(ticket, PENDING, NOTHING);
        notifyAll();
    }

    /** What came of an earlier sending with this ticket. */
    enum Outcome { NEVER_USED, UNDER_WAY, NOTHING_ISSUED, ISSUED }

    record Earlier(Outcome outcome, Optional<String> serialHex) {
    }

    /**
     * What an earlier sending with this ticket came to, waiting up to {@code patience} for one still
     * under way (a double click: the first sending is still with the core when the second arrives).
     */
    synchronized Earlier earlier(String ticket, java.time.Duration patience) throws InterruptedException {
        if (ticket == null || !used.containsKey(ticket)) {
            return new Earlier(Outcome.NEVER_USED, Optional.empty());
        }
        long until = System.nanoTime() + patience.toNanos();
        while (PENDING.equals(used.get(ticket)) && System.nanoTime() < until) {
            wait(Math.max(1, (until - System.nanoTime()) / 1_000_000));
        }
        String state = used.get(ticket);
        if (state == null || PENDING.equals(state)) {
            return new Earlier(state == null ? Outcome.NEVER_USED : Outcome.UNDER_WAY, Optional.empty());
        }
        return NOTHING.equals(state) ? new Earlier(Outcome.NOTHING_ISSUED, Optional.empty()) : new Earlier(Outcome.ISSUED, Optional.of(state));
    }
}
