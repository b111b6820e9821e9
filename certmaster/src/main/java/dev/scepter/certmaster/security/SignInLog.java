package dev.scepter.certmaster.security;

import dev.scepter.certmaster.core.CoreApi;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * Every sign-in, successful or not, with who, how and from where: in the core's audit trail
 * ({@link CoreApi#reportSignIn}, as {@code certmaster.sign-in}) and on the logger
 * {@code dev.scepter.certmaster.audit} (which also keeps it when the core cannot be told). Never a password, a token or a code: the name tried, the
 * way (password or OIDC), the client's address (the proxy's, unless forwarded headers are trusted)
 * and, for a refusal, the kind of refusal.
 *
 * <p>Strangers choose how often they fail, so refusals reach the core bounded: the first refusal of
 * a name from an address in a {@link #WINDOW window} is reported; the others of that window, and
 * every attempt the throttle refused, are only counted and reported once at the window's end
 * ("and N more refusals, M of them throttled"). Reports go out on one background thread with at
 * most {@value #QUEUE} waiting (beyond, the log alone has them): a sign-in never waits for the core.
 * A bean, so that a stopping portal sends what is left, within a bound, and ends that thread.
 */
final class SignInLog implements AutoCloseable {

    static final Logger AUDIT = LoggerFactory.getLogger("dev.scepter.certmaster.audit");
    static final Duration WINDOW = Duration.ofMinutes(1);
    static final int QUEUE = 100;
    /** Distinct name+address pairs counted at once; beyond, one pair "(other names)" from "(other addresses)" takes the counts. */
    static final int TRACKED = 1000;
    /** How long a stopping portal waits for the reports still to go out to the core (the log has each already). */
    static final Duration DRAIN = Duration.ofSeconds(5);
    static final String THREAD = "certmaster-sign-in-audit";

    private final CoreApi core;
    private final Duration window;
    private final ScheduledThreadPoolExecutor sender = new ScheduledThreadPoolExecutor(1, task -> {
        Thread thread = new Thread(task, THREAD);
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger waiting = new AtomicInteger();
    private final Map<String, Counted> counted = new ConcurrentHashMap<>();

    /** Refusals of one name from one address in the current window, beyond the one reported. */
    private static final class Counted {
        final String who;
        final String how;
        final String address;
        int more;
        int throttled;
        String reason = "";

        Counted(String who, String how, String address) {
            this.who = who;
            this.how = how;
            this.address = address;
        }
    }

    SignInLog(CoreApi core) {
        this(core, WINDOW);
    }

    SignInLog(CoreApi core, Duration window) {
        this.core = core;
        this.window = window;
        // A stopping portal reports a window's counts at once (close): it does not wait for the window to end.
        sender.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    void succeeded(HttpServletRequest request, String how, Authentication user) {
        AUDIT.info("sign-in succeeded: user={} via={} from={} roles={}", printable(user.getName()), how, request.getRemoteAddr(),
                user.getAuthorities().stream().map(a -> a.getAuthority()).filter(PortalRoles.ALL::contains).sorted().toList());
        tellCore(printable(user.getName()), how, request.getRemoteAddr(), true, "");
    }

    void failed(HttpServletRequest request, String how, String name, AuthenticationException refusal) {
        String who = name == null || name.isBlank() ? "(unknown)" : printable(name);
        String address = request.getRemoteAddr();
        boolean throttled = refusal instanceof SignInThrottledException;
        AUDIT.warn("sign-in refused: user={} via={} from={} reason={}", who, how, address, reason(refusal));
        String key = who + "\n" + how + "\n" + address;
        boolean first;
        synchronized (counted) {
            Counted existing = counted.get(key);
            if (existing == null && counted.size() >= TRACKED) {
                key = "\n" + how + "\n";
                existing = counted.get(key);
                if (existing == null) {
                    existing = new Counted("(other names)", how, "(other addresses)");
                    counted.put(key, existing);
                    schedule(key);
                }
            }
            first = existing == null;
            if (first) {
                counted.put(key, new Counted(who, how, address));
                schedule(key);
            } else {
                existing.more++;
                existing.throttled += throttled ? 1 : 0;
                existing.reason = reason(refusal);
            }
        }
        if (first) {
            tellCore(who, how, address, false, reason(refusal));
        }
    }

    private void schedule(String key) {
        try {
            sender.schedule(() -> {
                Counted done;
                synchronized (counted) {
                    done = counted.remove(key);
                }
                if (done != null) {
                    sendCount(done);
                }
            }, window.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // A refusal while the portal stops: the log above has it, the core is told no more.
        }
    }

    private void sendCount(Counted done) {
        if (done.more > 0) {
            send(done.who, done.how, done.address, false, done.more + " more refusals in " + window.toSeconds() + " s ("
                    + done.throttled + " throttled), the last: " + done.reason);
        }
    }

    /** Best effort, in the background: a core that cannot be told now neither blocks nor fails the sign-in; the log has the event. */
    private void tellCore(String who, String how, String address, boolean succeeded, String reason) {
        if (waiting.incrementAndGet() > QUEUE) {
            waiting.decrementAndGet();
            AUDIT.warn("too many sign-ins wait for the core's audit trail: this one is in this log only");
            return;
        }
        try {
            sender.execute(() -> {
                waiting.decrementAndGet();
                send(who, how, address, succeeded, reason);
            });
        } catch (RejectedExecutionException e) {
            waiting.decrementAndGet();
            AUDIT.warn("the core's audit trail did not take this sign-in: the portal is stopping");
        }
    }

    private void send(String who, String how, String address, boolean succeeded, String reason) {
        try {
            core.reportSignIn(who, how.toLowerCase(Locale.ROOT), address, succeeded, reason.length() > 256 ? reason.substring(0, 253) + "..." : reason);
        } catch (RuntimeException e) {
            AUDIT.warn("the core's audit trail did not take this sign-in: {}", e.getMessage());
        }
    }

    /**
     * When the portal stops: the counts of the windows not yet over and the reports still waiting
     * go to the core, for at most {@link #DRAIN}; then the thread is stopped (a report cut short is
     * in the log, as every sign-in is). Sign-ins after this are in the log only.
     */
    @Override
    public void close() {
        java.util.List<Counted> open;
        synchronized (counted) {
            open = new java.util.ArrayList<>(counted.values());
            counted.clear();
        }
        try {
            for (Counted done : open) {
                if (done.more > 0) {
                    sender.execute(() -> sendCount(done));
                }
            }
        } catch (RejectedExecutionException closedBefore) {
            return;
        }
        sender.shutdown();
        try {
            if (!sender.awaitTermination(DRAIN.toMillis(), TimeUnit.MILLISECONDS)) {
                int left = sender.shutdownNow().size();
                AUDIT.warn("the core's audit trail did not take the last sign-in reports within {} s ({} not sent): they are in this log only",
                        DRAIN.toSeconds(), left);
                sender.awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            sender.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** The provider's error code and description for an OIDC refusal (no token in them), else the kind of refusal. */
    static String reason(AuthenticationException refusal) {
        if (refusal instanceof OAuth2AuthenticationException oauth) {
            OAuth2Error error = oauth.getError();
            // A provider that did not answer in time, said plainly: Spring's description puts the cause last, where it may be cut.
            String description = timedOut(oauth).orElse(error.getDescription());
            return printable(error.getErrorCode() + (description != null ? ": " + description : ""));
        }
        return refusal.getClass().getSimpleName();
    }

    /** The message of a timeout among the causes (at most ten deep), if one ended the refusal. */
    private static java.util.Optional<String> timedOut(Throwable refusal) {
        Throwable cause = refusal;
        for (int depth = 0; cause != null && depth < 10; depth++, cause = cause.getCause()) {
            if (cause instanceof java.net.http.HttpTimeoutException || cause instanceof java.net.SocketTimeoutException) {
                return java.util.Optional.ofNullable(cause.getMessage()).or(() -> java.util.Optional.of("no answer in time"));
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * A name as typed may hold anything. The core's rule for names (its PersonNames): no control
     * characters (C0 or C1), no format or bidirectional ones (Cf), no line or paragraph separator,
     * and not the words that join a person to the portal in the trail. Here each such character
     * becomes "?" and those words lose their spaces, so a refused attempt still reaches the trail
     * (the core would refuse it as typed) and no log line can be forged; at most 200 characters.
     */
    static String printable(String name) {
        StringBuilder cleaned = new StringBuilder();
        name.strip().codePoints().forEach(c -> {
            int type = Character.getType(c);
            boolean unsafe = Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR;
            cleaned.appendCodePoint(unsafe ? '?' : c);
        });
        String text = cleaned.toString().replaceAll("(?i) through API user ", "?through?API?user?");
        if (text.isEmpty()) {
            return "(unknown)";
        }
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

}
