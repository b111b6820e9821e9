package dev.scepter.server.home;

import dev.scepter.azure.connection.Connection;
import dev.scepter.azure.connection.ConnectionStatus;
import dev.scepter.azure.intune.IntuneClient;
import dev.scepter.azure.signin.AccessTokens;
import dev.scepter.azure.signin.SignInException;
import dev.scepter.server.CoreContext;
import dev.scepter.server.DirectorySelection;
import dev.scepter.server.JamfConfiguration;
import dev.scepter.server.intune.IntuneRevocationSchedule;
import dev.scepter.server.intune.IntuneValidation;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The connections to Microsoft's cloud and Jamf Pro that this instance is configured to use, as
 * the homepage and {@code /probe} show them: Microsoft sign-in, Graph (one row per directory it
 * reads), Intune validation, Intune revocation, Jamf Pro, and the CA key's Azure Key Vault (shown in
 * the CA row). One that is not configured has no row.
 *
 * <p>A load balancer probes every few seconds, and each of these would be a call to Microsoft or
 * Jamf Pro: the rows are checked at most every {@code AppConfig:Probe:ConnectionCheckSeconds} (30 s
 * unless set), always in the background, and each check reuses what the component's own calls taught
 * it in the last {@link Connection#RECENT}. No request waits for a check: it gets the rows as last
 * checked, and when they are older than that setting (after a quiet spell) a check starts and the
 * rows say when they were checked and that they are being checked again. Before the first check
 * has ended (moments after start-up, which starts it) the rows say {@code CHECKING}, which does not
 * fail the probe. A check that does not end within
 * {@link #LONGEST_WAIT} shows as not connected; it goes on, and its end shows at the next refresh
 * (one check per connection at a time).
 */
@Component
public final class CloudConnections implements AutoCloseable {

    /** How long the rows wait for a check: a service slower than this fails the requests that wait for it too. */
    static final Duration LONGEST_WAIT = Duration.ofSeconds(10);
    static final String SIGN_IN = "Microsoft sign-in";
    /** The group of rows the Graph directory gives, which the Directory row sums up. */
    static final String GRAPH = "Graph";
    /** The CA key's service (Azure Key Vault), which the CA row shows rather than a row of its own. */
    static final String CA_KEY = "CA key";

    /** A connection and the name its rows go by while it has not answered. */
    record Named(String name, Connection connection) {
    }

    /** The rows of the latest check that ended, and when it ended. */
    private record Checked(Map<String, List<ConnectionStatus>> rows, Instant at, long atNanos) {
    }

    private final List<Named> connections;
    private final Duration fresh;
    private final ExecutorService checks = Executors.newCachedThreadPool(daemon("connection-check"));
    private final ExecutorService refresher = Executors.newSingleThreadExecutor(daemon("connection-refresh"));
    private final Map<String, CompletableFuture<List<ConnectionStatus>>> running = new ConcurrentHashMap<>();
    private final AtomicReference<Checked> latest = new AtomicReference<>();
    private final AtomicBoolean refreshing = new AtomicBoolean();

    @Autowired
    public CloudConnections(CoreContext core, AccessTokens tokens, DirectorySelection directories, IntuneValidation intune,
            IntuneRevocationSchedule revocations, JamfConfiguration.JamfPro jamf) {
        this(configured(core, tokens, directories, intune, revocations, jamf),
                Duration.ofSeconds(core.settings().web().connectionCheckSeconds()));
    }

    private static List<Named> configured(CoreContext core, AccessTokens tokens, DirectorySelection directories, IntuneValidation intune,
            IntuneRevocationSchedule revocations, JamfConfiguration.JamfPro jamf) {
        List<Named> configured = new ArrayList<>();
        if (tokens.configured()) {
            var cloud = core.settings().azureCloud();
            configured.add(new Named(SIGN_IN, signIn(tokens, List.of(cloud.msGraphEndpoint()))));
        }
        if (directories.directory() instanceof Connection graph) {
            configured.add(new Named(GRAPH, graph));
        }
        intune.client().ifPresent(client -> {
            configured.add(new Named("Intune validation",
                    () -> List.of(client.check("Intune validation", IntuneClient.SCEP_VALIDATION_SERVICE))));
            if (revocations.polling()) {
                configured.add(new Named("Intune revocation",
                        () -> List.of(client.check("Intune revocation", IntuneClient.PKI_CONNECTOR_SERVICE))));
            }
        });
        jamf.client().ifPresent(client -> configured.add(new Named("Jamf Pro", () -> List.of(client.check()))));
        // A custody that is a remote service (Key Vault) says whether it answers; a PKCS#11 token whether it signs; files are not checked.
        if (core.keys() instanceof Connection caKey) {
            configured.add(new Named(CA_KEY, caKey));
        } else if (core.keys().kind() == dev.scepter.keys.KeyCustody.Kind.PKCS11) {
            configured.add(new Named(CA_KEY, new TokenConnection(core.ca())));
        }
        return configured;
    }

    /** @param fresh how long a check's rows are shown as they are, before a request starts the next check */
    CloudConnections(List<Named> connections, Duration fresh) {
        this.connections = List.copyOf(connections);
        this.fresh = fresh;
        // Checked from the start, so that the first page after start-up most likely has rows to show.
        refresh();
    }

    /** The rows, in the order above, but the CA key's; empty when nothing is configured. Never waits for a check. */
    public List<ConnectionStatus> statuses() {
        if (connections.isEmpty()) {
            return List.of();
        }
        return rows().entrySet().stream().filter(group -> !group.getKey().equals(CA_KEY))
                .flatMap(group -> group.getValue().stream()).toList();
    }

    /** Whether the CA key's service answers, when the key is kept by one (Azure Key Vault): the CA row shows it. */
    public Optional<ConnectionStatus> caKeyRow() {
        if (connections.stream().noneMatch(named -> named.name().equals(CA_KEY))) {
            return Optional.empty();
        }
        return rows().getOrDefault(CA_KEY, List.of()).stream().findFirst();
    }

    /** The Graph directory's rows, when Graph is the directory: the Directory row is theirs, without a lookup of its own. */
    public Optional<List<ConnectionStatus>> directoryRows() {
        if (connections.stream().noneMatch(named -> named.name().equals(GRAPH))) {
            return Optional.empty();
        }
        return Optional.of(rows().getOrDefault(GRAPH, List.of()));
    }

    /** The latest check's rows, at once; a check is started when they are older than {@code fresh}, or there are none yet. */
    private Map<String, List<ConnectionStatus>> rows() {
        Checked checked = latest.get();
        if (checked != null && System.nanoTime() - checked.atNanos() <= fresh.toNanos()) {
            return checked.rows();
        }
        refresh();
        Map<String, List<ConnectionStatus>> rows = new LinkedHashMap<>();
        if (checked == null) {
            connections.forEach(named -> rows.put(named.name(), List.of(ConnectionStatus.checking(named.name()))));
            return rows;
        }
        // The state as last known stands (a probe keeps its answer) until the check under way says otherwise.
        String when = " (checked at " + checked.at() + "; being checked again)";
        checked.rows().forEach((name, statuses) -> rows.put(name, statuses.stream()
                .map(status -> status.withReason(status.reason() + when)).toList()));
        return rows;
    }

    /** Starts a check of every connection in the background, unless one is under way. */
    private void refresh() {
        if (!refreshing.compareAndSet(false, true)) {
            return;
        }
        try {
            refresher.execute(() -> {
                try {
                    latest.set(new Checked(checkAll(), Instant.now(), System.nanoTime()));
                } finally {
                    refreshing.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            refreshing.set(false); // closing
        }
    }

    private Map<String, List<ConnectionStatus>> checkAll() {
        Map<String, CompletableFuture<List<ConnectionStatus>>> started = new LinkedHashMap<>();
        for (Named named : connections) {
            // One check per connection at a time: one that hangs is waited for again, not started again.
            started.put(named.name(), running.compute(named.name(), (name, previous) -> previous != null && !previous.isDone() ? previous
                    : CompletableFuture.supplyAsync(named.connection()::check, checks)));
        }
        long deadline = System.nanoTime() + LONGEST_WAIT.toNanos();
        Map<String, List<ConnectionStatus>> rows = new LinkedHashMap<>();
        started.forEach((name, check) -> rows.put(name, await(name, check, deadline)));
        return rows;
    }

    private static List<ConnectionStatus> await(String name, CompletableFuture<List<ConnectionStatus>> check, long deadline) {
        try {
            return check.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return List.of(ConnectionStatus.notConnected(name, "no answer within " + LONGEST_WAIT.toSeconds() + " s", Optional.empty()));
        } catch (ExecutionException e) {
            // A check's own failure: its class only, since a message from deep inside a client is not known to be free of secrets.
            return List.of(ConnectionStatus.notConnected(name, "the check failed: " + e.getCause().getClass().getSimpleName(), Optional.empty()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of(ConnectionStatus.notConnected(name, "interrupted while checking", Optional.empty()));
        }
    }

    /**
     * Signed in when a token can be had for each audience this instance calls. Tokens are kept and
     * renewed by the sign-in itself, so this asks Entra ID only when a token is due anyway (and not
     * again for a while after a failure).
     */
    private static Connection signIn(AccessTokens tokens, List<URI> audiences) {
        return () -> {
            for (URI audience : audiences) {
                try {
                    tokens.token(audience);
                } catch (SignInException e) {
                    return List.of(ConnectionStatus.notConnected(SIGN_IN, "no token for " + audience + ": " + e.getMessage(), Optional.empty()));
                } catch (RuntimeException e) {
                    return List.of(ConnectionStatus.notConnected(SIGN_IN, "no token for " + audience + ": " + e.getClass().getSimpleName(),
                            Optional.empty()));
                }
            }
            return List.of(ConnectionStatus.connected(SIGN_IN, tokens.describe() + ": tokens for "
                    + String.join(" and ", audiences.stream().map(URI::toString).toList())));
        };
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        checks.shutdownNow();
    }
}
