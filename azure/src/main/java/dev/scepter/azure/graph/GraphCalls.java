package dev.scepter.azure.graph;

import dev.scepter.authority.directory.DirectoryUnavailableException;
import dev.scepter.azure.http.JsonHttp;
import dev.scepter.azure.http.ServiceUnavailableException;
import dev.scepter.azure.signin.AccessTokens;
import dev.scepter.azure.signin.SignInException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * GET calls to Microsoft Graph v1.0, coalesced: the same call asked for by several threads at once
 * is sent once, and calls that wait while others are in flight go together in one JSON
 * {@code $batch} of at most {@value #BATCH_LIMIT} (Graph's limit). Nothing waits on purpose: a
 * call asked for while fewer than {@code inFlight} calls are out is sent at once, alone; only under
 * load do calls queue, and then the next sender takes up to a batch of them. Graph counts each
 * request in a batch against its throttling limits, so batching saves round trips and connections,
 * not throttling budget: that is what the single flight and the directory's cache save.
 *
 * <p>Calls are sent by senders of their own, never by the asking thread: an OCSP request thread
 * waits for its answers until its deadline, set when it asks, and no longer, however slow Graph is
 * and however many calls others queued. The queue is bounded; beyond it a call fails at once
 * (OCSP answers {@code tryLater}), and a queued call whose callers all gave up is not sent.
 *
 * <p>Throttled answers: {@link JsonHttp} honours {@code Retry-After} on the call itself; a 429 or
 * 503 inside a batch is sent again once after its {@code Retry-After} when that is no longer than
 * the wait an OCSP request thread can afford, else returned as it came. A 401 inside a batch is
 * treated as a 401 to the call itself: the token is dropped and the call sent once more with a new
 * one. The caller reads every answer but a well-formed one as "cannot tell now".
 */
final class GraphCalls {

    /** Graph's limit of requests in one {@code $batch}. */
    static final int BATCH_LIMIT = 20;

    /** An answer to one call, from the call itself or from inside a batch. */
    record Answer(int status, JsonNode body, Optional<Duration> retryAfter) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** Graph's error code ({@code error.code}), or the status. */
        String errorCode() {
            String code = body.path("error").path("code").asString("");
            return code.isEmpty() ? "HTTP " + status : code;
        }
    }

    /**
     * A call asked for, with the latest deadline of its callers (a caller asking for the same call
     * later waits on it too, and longer).
     */
    private record Pending(String url, CompletableFuture<Answer> answer, AtomicLong deadline) {
        boolean abandoned(long now) {
            return now - deadline.get() > 0;
        }
    }

    /** Calls queued beyond what the senders send in a few rounds would wait past their callers' deadline in an outage anyway. */
    static final int QUEUED_ROUNDS = 4;

    private static final ExecutorService SENDERS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "graph-calls");
        thread.setDaemon(true);
        return thread;
    });

    private final URI graph;
    private final URI version;
    private final AccessTokens tokens;
    private final JsonHttp http;
    private final Duration longestWait;
    private final Duration callerWait;
    private final JsonHttp.Sleeper sleeper;
    private final Semaphore inFlight;
    private final int queueLimit;
    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    /**
     * Held while a caller queues its calls and while a sender takes a batch: a sender still
     * draining from an earlier caller would otherwise take the first of a caller's calls alone,
     * and its others into a second batch (twice the calls against Graph's limits).
     */
    private final Object queueing = new Object();
    private final AtomicInteger queued = new AtomicInteger();
    private final Map<String, Pending> asked = new ConcurrentHashMap<>();

    /**
     * @param graph       Graph's base ({@code https://graph.microsoft.com}), also its tokens' audience
     * @param longestWait the longest {@code Retry-After} waited for inside a batch
     * @param callerWait  how long a caller waits for its answer at most, whoever sends it
     * @param inFlight    calls out at once; more are queued and batched, up to {@value #QUEUED_ROUNDS}
     *                    rounds of full batches
     */
    GraphCalls(URI graph, AccessTokens tokens, JsonHttp http, Duration longestWait, Duration callerWait, JsonHttp.Sleeper sleeper,
            int inFlight) {
        this.graph = Objects.requireNonNull(graph, "graph");
        String base = graph.toString();
        this.version = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1.0");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.http = Objects.requireNonNull(http, "http");
        this.longestWait = Objects.requireNonNull(longestWait, "longestWait");
        this.callerWait = Objects.requireNonNull(callerWait, "callerWait");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.inFlight = new Semaphore(inFlight);
        this.queueLimit = inFlight * BATCH_LIMIT * QUEUED_ROUNDS;
    }

    URI graph() {
        return graph;
    }

    /**
     * Asks for the calls (paths below {@code /v1.0}, with their query) and waits for their answers.
     *
     * @return the answers, in the order asked
     * @throws DirectoryUnavailableException when no answer came within the caller's wait: no token, no
     *                                       connection, a timeout, a batch refused as a whole, a full queue
     */
    List<Answer> get(List<String> urls) {
        // The wait starts when the caller asks: time spent queued is its time too.
        long deadline = System.nanoTime() + callerWait.toNanos();
        List<CompletableFuture<Answer>> answers = new ArrayList<>();
        List<Pending> mine = new ArrayList<>();
        try {
            for (String url : urls) {
                answers.add(ask(url, deadline, mine));
            }
        } finally {
            // Queued together, so that a sender takes them into one batch rather than the first alone.
            synchronized (queueing) {
                queue.addAll(mine);
            }
            send();
        }
        try {
            // All of them, failed or not: a call of this caller's is not left out to answer the next one from an older Graph.
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                    .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // told apart below, call by call
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DirectoryUnavailableException("interrupted while waiting for Microsoft Graph", e);
        }
        List<Answer> out = new ArrayList<>();
        for (CompletableFuture<Answer> answer : answers) {
            try {
                out.add(answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (ExecutionException e) {
                throw e.getCause() instanceof DirectoryUnavailableException unavailable ? unavailable
                        : new DirectoryUnavailableException("Microsoft Graph: " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                throw new DirectoryUnavailableException("Microsoft Graph did not answer within " + callerWait.toSeconds() + " s", null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DirectoryUnavailableException("interrupted while waiting for Microsoft Graph", e);
            }
        }
        return out;
    }

    /**
     * The next page of a list, from its {@code @odata.nextLink}: a URL Graph made, sent with the
     * token only when it points at Graph itself.
     */
    Answer next(String nextLink) {
        URI next;
        try {
            next = URI.create(nextLink);
        } catch (IllegalArgumentException e) {
            throw new DirectoryUnavailableException("Microsoft Graph gave an unusable @odata.nextLink", e);
        }
        if (!graph.getScheme().equalsIgnoreCase(String.valueOf(next.getScheme()))
                || !Objects.equals(next.getRawAuthority(), graph.getRawAuthority())) {
            throw new DirectoryUnavailableException("Microsoft Graph's @odata.nextLink leaves " + graph.getRawAuthority(), null);
        }
        JsonHttp.Response response = authorized(token -> http.call("GET", next, token, Map.of(), null));
        return new Answer(response.status(), response.body(), Optional.empty());
    }

    /** @param toQueue where a call not yet asked for is added, for the caller to queue */
    private CompletableFuture<Answer> ask(String url, long deadline, List<Pending> toQueue) {
        // An answered call may still be in the map for a moment (its sender removes it): it is an older answer, not this one's.
        Pending earlier = asked.get(url);
        if (earlier != null && !earlier.answer().isDone()) {
            return join(earlier, deadline); // the same call is out already: its answer is this one's too
        }
        if (queued.incrementAndGet() > queueLimit) {
            queued.decrementAndGet();
            throw new DirectoryUnavailableException("Microsoft Graph is not keeping up: " + queueLimit + " calls are waiting", null);
        }
        Pending mine = new Pending(url, new CompletableFuture<>(), new AtomicLong(deadline));
        earlier = asked.compute(url, (key, current) -> current != null && !current.answer().isDone() ? current : mine);
        if (earlier != mine) {
            queued.decrementAndGet();
            return join(earlier, deadline);
        }
        mine.answer().whenComplete((answer, failure) -> asked.remove(url, mine));
        toQueue.add(mine);
        return mine.answer();
    }

    private static CompletableFuture<Answer> join(Pending pending, long deadline) {
        pending.deadline().accumulateAndGet(deadline, (a, b) -> b - a > 0 ? b : a);
        return pending.answer();
    }

    /**
     * Starts a sender when calls are queued and a slot is free. One that finds no free slot leaves
     * its calls to the senders in flight, which look at the queue again after they release theirs.
     */
    private void send() {
        if (!queue.isEmpty() && inFlight.tryAcquire()) {
            try {
                SENDERS.execute(this::drain);
            } catch (RuntimeException e) {
                inFlight.release();
                throw new DirectoryUnavailableException("cannot send calls to Microsoft Graph: " + e, e);
            }
        }
    }

    /** A sender: holds a slot while it sends what is queued, a batch at a time. */
    private void drain() {
        do {
            try {
                List<Pending> taken;
                while (!(taken = take()).isEmpty()) {
                    sendNow(taken);
                }
            } finally {
                inFlight.release();
            }
            // A call queued while this slot was held may have found none free: look again.
        } while (!queue.isEmpty() && inFlight.tryAcquire());
    }

    /** Up to a batch of queued calls that some caller still waits for. */
    private List<Pending> take() {
        List<Pending> taken = new ArrayList<>();
        List<Pending> abandoned = new ArrayList<>();
        synchronized (queueing) {
            Pending next;
            while (taken.size() < BATCH_LIMIT && (next = queue.poll()) != null) {
                queued.decrementAndGet();
                (next.abandoned(System.nanoTime()) ? abandoned : taken).add(next);
            }
        }
        abandoned.forEach(next -> next.answer().completeExceptionally(new DirectoryUnavailableException(
                "Microsoft Graph did not answer within " + callerWait.toSeconds() + " s", null)));
        return taken;
    }

    private void sendNow(List<Pending> taken) {
        try {
            if (taken.size() == 1) {
                Pending only = taken.get(0);
                URI uri = URI.create(version + only.url());
                JsonHttp.Response response = authorized(token -> http.call("GET", uri, token, Map.of(), null));
                only.answer().complete(new Answer(response.status(), response.body(), Optional.empty()));
            } else {
                batch(taken, true);
            }
        } catch (RuntimeException e) {
            DirectoryUnavailableException unavailable = e instanceof DirectoryUnavailableException d ? d
                    : new DirectoryUnavailableException("Microsoft Graph: " + e.getMessage(), e);
            taken.forEach(p -> p.answer().completeExceptionally(unavailable));
        }
    }

    /** Sends one {@code $batch}; inner throttled answers are sent again once, when their wait is short. */
    private void batch(List<Pending> taken, boolean mayRetry) {
        ObjectNode body = JsonHttp.JSON.createObjectNode();
        ArrayNode requests = body.putArray("requests");
        Map<String, Pending> byId = new HashMap<>();
        for (int i = 0; i < taken.size(); i++) {
            String id = Integer.toString(i + 1);
            byId.put(id, taken.get(i));
            requests.addObject().put("id", id).put("method", "GET").put("url", taken.get(i).url());
        }
        String[] sent = new String[1];
        JsonHttp.Response response = authorized(token -> {
            sent[0] = token;
            return http.call("POST", URI.create(version + "/$batch"), token, Map.of(), body);
        });
        JsonNode responses = response.body().path("responses");
        if (!response.ok() || !responses.isArray()) {
            throw new DirectoryUnavailableException("Microsoft Graph's $batch answered " + response.status() + " " + response.errorCode(), null);
        }
        List<Pending> throttled = new ArrayList<>();
        List<Pending> refused = new ArrayList<>();
        Duration wait = Duration.ZERO;
        for (JsonNode inner : responses) {
            Pending pending = byId.remove(inner.path("id").asString(""));
            if (pending == null || !inner.path("status").isInt()) {
                continue;
            }
            int status = inner.path("status").asInt();
            Optional<Duration> retryAfter = retryAfter(inner.path("headers"));
            Answer answer = new Answer(status, inner.path("body").isObject() ? inner.path("body") : MissingNode.getInstance(), retryAfter);
            if (status == 401 && mayRetry) {
                refused.add(pending);
            } else if ((status == 429 || status == 503) && mayRetry && retryAfter.orElse(Duration.ZERO).compareTo(longestWait) <= 0) {
                throttled.add(pending);
                Duration asked = retryAfter.orElse(Duration.ofMillis(200));
                wait = asked.compareTo(wait) > 0 ? asked : wait;
            } else {
                pending.answer().complete(answer);
            }
        }
        byId.values().forEach(p -> p.answer().completeExceptionally(
                new DirectoryUnavailableException("Microsoft Graph's $batch left a request unanswered", null)));
        if (!refused.isEmpty()) {
            // The workload behind Graph (Intune's, for managed devices) checks the token itself and may refuse
            // what the batch endpoint accepted: as for a 401 to the call itself, drop it and ask once more.
            tokens.invalidate(graph, sent[0]);
        }
        List<Pending> again = new ArrayList<>(refused);
        again.addAll(throttled);
        if (!throttled.isEmpty()) {
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DirectoryUnavailableException("interrupted while waiting for Microsoft Graph", e);
            }
        }
        if (!again.isEmpty()) {
            sendAgain(again);
        }
    }

    /** Sends once more what a batch answered 401 or throttled: alone when it is one, else in a batch that is not retried again. */
    private void sendAgain(List<Pending> again) {
        if (again.size() == 1) {
            Pending only = again.get(0);
            URI uri = URI.create(version + only.url());
            JsonHttp.Response response = call(() -> http.call("GET", uri, call(() -> tokens.token(graph)), Map.of(), null));
            only.answer().complete(new Answer(response.status(), response.body(), Optional.empty()));
        } else {
            batch(again, false);
        }
    }

    private static Optional<Duration> retryAfter(JsonNode headers) {
        for (var entry : headers.properties()) {
            if (entry.getKey().equalsIgnoreCase("Retry-After")) {
                try {
                    return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(entry.getValue().asString("").trim()))));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A call with the kept token; a 401 to it (revoked, or expired early) is sent again once with a
     * fresh one, and then Graph is taken at its word.
     */
    private JsonHttp.Response authorized(java.util.function.Function<String, JsonHttp.Response> send) {
        String token = call(() -> tokens.token(graph));
        JsonHttp.Response response = call(() -> send.apply(token));
        if (response.status() == 401) {
            tokens.invalidate(graph, token);
            response = call(() -> send.apply(tokens.token(graph)));
        }
        return response;
    }

    /** A call whose failure to answer at all (no token, no connection, a timeout) is the directory's outage. */
    private static <T> T call(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (SignInException e) {
            throw new DirectoryUnavailableException("no token for Microsoft Graph: " + e.getMessage(), e);
        } catch (ServiceUnavailableException e) {
            throw new DirectoryUnavailableException(e.getMessage(), e);
        }
    }
}
