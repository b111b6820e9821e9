package dev.scepter.certmaster.web;

import java.io.Serializable;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Iterator;

/**
 * One-use tickets for the certificate forms, kept in the session (they are no secret and hold
 * nothing of a key): each form page carries one, and a POST issues only with a ticket not yet
 * used, so a reload or a second click on the answer does not issue a second certificate with a
 * second key. The newest few only.
 */
final class FormTickets implements Serializable {

    static final String SESSION_ATTRIBUTE = FormTickets.class.getName();
    private static final long serialVersionUID = 1L;
    private static final int KEPT = 20;

    private final LinkedHashSet<String> open = new LinkedHashSet<>();

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
        return ticket != null && open.remove(ticket);
    }
}
