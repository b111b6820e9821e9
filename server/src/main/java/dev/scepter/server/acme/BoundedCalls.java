package dev.scepter.server.acme;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Blocking calls a validation makes that have no deadline of their own (a name's resolution, a
 * JNDI DNS lookup over several resolvers), run on a few daemon threads
 * of their own, not the common ForkJoin pool, so the validation can stop waiting at its deadline.
 * As many as {@link ValidationGate#LIMIT} validations need at once, twice over for calls still
 * finishing after their validation gave up; beyond that a call is refused, never queued.
 */
final class BoundedCalls {

    private static final ExecutorService THREADS = new ThreadPoolExecutor(0, 2 * ValidationGate.LIMIT, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "acme-validation-call");
                thread.setDaemon(true);
                return thread;
            });

    private BoundedCalls() {
    }

    /** Starts the call, or {@link RejectedExecutionException} when every thread is busy. */
    static <T> Future<T> start(Callable<T> call) {
        return THREADS.submit(call);
    }

    /** The call's result within {@code timeout}; past it the call is interrupted and {@link TimeoutException} thrown. */
    static <T> T within(Callable<T> call, Duration timeout) throws TimeoutException, ExecutionException, InterruptedException {
        Future<T> future = start(call);
        try {
            return future.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        } finally {
            future.cancel(true);
        }
    }
}
