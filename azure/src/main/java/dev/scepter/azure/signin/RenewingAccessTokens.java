package dev.scepter.azure.signin;

import dev.scepter.settings.AzureSignIn;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@link AccessTokens}: asks {@link AzureSignIn} at each call which method signs in now (the
 * managed identity takes over from the 1.x key at its moment without a restart), keeps one token
 * per method and audience, and renews it before it expires.
 *
 * <ul>
 * <li>A token is renewed once less than {@link #RENEW_BEFORE} or a quarter of its lifetime is
 *     left, whichever is more: Graph and Intune calls then never carry a token about to lapse.</li>
 * <li>Concurrent callers share one renewal: one caller asks the identity platform; the others use
 *     the current token while it is still usable, or wait for that renewal's result.</li>
 * <li>A failed renewal keeps the current token in use while it has more than {@link #LAST_USE}
 *     left, says so once in the log (until a renewal succeeds again), and is tried again after
 *     {@link #RETRY_AFTER_FAILURE}, not at every call.</li>
 * </ul>
 */
final class RenewingAccessTokens implements AccessTokens {

    private static final Logger LOG = LoggerFactory.getLogger(RenewingAccessTokens.class);

    static final Duration RENEW_BEFORE = Duration.ofMinutes(5);
    /** A token with less left than this is not handed out: the call it is for may take that long. */
    static final Duration LAST_USE = Duration.ofMinutes(1);
    static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);
    /** How long a caller waits for another caller's renewal; each HTTP call in it has its own timeouts. */
    private static final Duration LONGEST_WAIT = Duration.ofSeconds(90);

    private record Key(AzureSignIn.Method method, String audience) {
    }

    /** One method's token for one audience. Guarded by itself. */
    private static final class Entry {
        private Token current;
        private CompletableFuture<Token> renewal;
        private Instant nextAttempt = Instant.MIN;
        private boolean failureLogged;
        private SignInException lastFailure;
    }

    private final Function<Instant, AzureSignIn> decision;
    private final Map<AzureSignIn.Method, TokenSource> sources;
    private final Clock clock;
    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

    /**
     * @param decision which method signs in at a moment
     * @param sources  how each method gets a token; a method without one cannot sign in
     */
    RenewingAccessTokens(Function<Instant, AzureSignIn> decision, Map<AzureSignIn.Method, TokenSource> sources, Clock clock) {
        this.decision = Objects.requireNonNull(decision, "decision");
        this.sources = sources.isEmpty() ? Map.of() : new EnumMap<>(sources);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String token(URI resource) {
        Instant now = clock.instant();
        AzureSignIn signIn = decision.apply(now);
        TokenSource source = sources.get(signIn.method());
        if (source == null) {
            throw new SignInException(cannotSignIn(signIn), null);
        }
        Key key = new Key(signIn.method(), audience(resource));
        Entry entry = entries.computeIfAbsent(key, k -> new Entry());
        Token current;
        CompletableFuture<Token> renewal;
        boolean renewHere = false;
        synchronized (entry) {
            current = entry.current;
            if (current != null && !due(current, now)) {
                return current.value();
            }
            boolean usable = current != null && usable(current, now);
            if (usable && (entry.renewal != null || now.isBefore(entry.nextAttempt))) {
                return current.value();
            }
            if (!usable && entry.renewal == null && now.isBefore(entry.nextAttempt) && entry.lastFailure != null) {
                // The identity platform failed moments ago: fail at once rather than hold another
                // request thread (an OCSP or SCEP request) for a sign-in that will most likely fail too.
                throw new SignInException(entry.lastFailure.getMessage() + " (tried again from " + entry.nextAttempt + ")", null);
            }
            if (entry.renewal == null) {
                entry.renewal = new CompletableFuture<>();
                renewHere = true;
            }
            renewal = entry.renewal;
        }
        if (!renewHere) {
            return await(renewal, key);
        }
        return renew(source, resource, key, entry, current, renewal);
    }

    @Override
    public void invalidate(URI resource, String token) {
        AzureSignIn signIn = decision.apply(clock.instant());
        Entry entry = entries.get(new Key(signIn.method(), audience(resource)));
        if (entry == null) {
            return;
        }
        synchronized (entry) {
            if (entry.current != null && entry.current.value().equals(token)) {
                entry.current = null;
                // The refusal is news: the next caller signs in now, not after an earlier failure's pause.
                entry.nextAttempt = Instant.MIN;
            }
        }
    }

    private String renew(TokenSource source, URI resource, Key key, Entry entry, Token current, CompletableFuture<Token> renewal) {
        Token fresh;
        try {
            fresh = source.fetch(resource);
        } catch (RuntimeException e) {
            SignInException failure = e instanceof SignInException s ? s
                    : new SignInException("signing in for " + key.audience() + " failed: " + e.getClass().getSimpleName(), null);
            Instant after = clock.instant();
            boolean tell;
            synchronized (entry) {
                entry.renewal = null;
                entry.nextAttempt = after.plus(RETRY_AFTER_FAILURE);
                entry.lastFailure = failure;
                tell = !entry.failureLogged;
                entry.failureLogged = true;
            }
            renewal.completeExceptionally(failure);
            if (current != null && usable(current, after)) {
                if (tell) {
                    LOG.warn("Renewing the token for {} ({}) failed; the current one serves until {}: {}", key.audience(),
                            describe(key.method()), current.expiresAt(), failure.getMessage());
                }
                return current.value();
            }
            if (tell) {
                LOG.warn("No token for {} ({}): {}", key.audience(), describe(key.method()), failure.getMessage());
            }
            throw failure;
        }
        boolean recovered;
        synchronized (entry) {
            entry.current = fresh;
            entry.renewal = null;
            entry.nextAttempt = Instant.MIN;
            recovered = entry.failureLogged;
            entry.failureLogged = false;
        }
        renewal.complete(fresh);
        if (recovered) {
            LOG.info("Signed in again for {} ({}); the token is good until {}", key.audience(), describe(key.method()), fresh.expiresAt());
        }
        return fresh.value();
    }

    private String await(CompletableFuture<Token> renewal, Key key) {
        try {
            return renewal.get(LONGEST_WAIT.toMillis(), TimeUnit.MILLISECONDS).value();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof SignInException s ? s : new SignInException("signing in for " + key.audience() + " failed", null);
        } catch (TimeoutException e) {
            throw new SignInException("signing in for " + key.audience() + " takes longer than " + LONGEST_WAIT.toSeconds() + " s", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SignInException("interrupted while waiting for a token for " + key.audience(), null);
        }
    }

    /** Due for renewal: less than {@link #RENEW_BEFORE} or a quarter of its lifetime left. */
    static boolean due(Token token, Instant now) {
        Duration margin = token.lifetime().dividedBy(4);
        if (margin.compareTo(RENEW_BEFORE) < 0) {
            margin = RENEW_BEFORE;
        }
        return token.left(now).compareTo(margin) < 0;
    }

    static boolean usable(Token token, Instant now) {
        return token.left(now).compareTo(LAST_USE) > 0;
    }

    /** One audience, however the resource is spelt: {@code https://graph.microsoft.com/} is {@code https://graph.microsoft.com}. */
    static String audience(URI resource) {
        String audience = resource.toString();
        while (audience.endsWith("/")) {
            audience = audience.substring(0, audience.length() - 1);
        }
        return audience.toLowerCase(java.util.Locale.ROOT);
    }

    private String describe(AzureSignIn.Method method) {
        return switch (method) {
            case MANAGED_IDENTITY -> "managed identity";
            case APP_CERTIFICATE -> "app registration, client certificate";
            case APP_SECRET -> "app registration, client secret";
            case APPLICATION_KEY -> "1.x application key";
            case NONE -> "none";
        };
    }

    private static String cannotSignIn(AzureSignIn signIn) {
        return switch (signIn.method()) {
            case NONE -> "this instance cannot sign in to Microsoft's cloud now: " + signIn.describe()
                    + (signIn.describe().startsWith("not configured") && !signIn.describe().contains(":")
                            ? " (no managed identity on App Service, no app registration: set AppConfig:AuthConfig:SignInApplicationId "
                                    + "with SignInCertificateFile or SignInClientSecret)" : "");
            default -> "this instance cannot sign in with its " + signIn.describe();
        };
    }

    @Override
    public String describe() {
        return decision.apply(clock.instant()).describe();
    }

    /** Configured when the settings make at least one method possible, even one not usable yet (a managed identity whose roles are still on their way). */
    @Override
    public boolean configured() {
        return !sources.isEmpty();
    }
}
