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
 * Each {@link ValidationGate} (one per ACME profile) has its own threads, as many as its
 * validations need at once, twice over for calls still finishing after their validation gave up;
 * beyond that a call is refused, never queued. So one profile's slow names cannot use up the
 * threads another profile's validations need.
 */
final class BoundedCalls {

    /** For a call made outside any gate's validation (a validator used on its own). */
    private static final ExecutorService SHARED = threads(ValidationGate.LIMIT);
    /** The threads of the gate whose validation this thread is running now. */
    private static final ThreadLocal<ExecutorService> CURRENT = new ThreadLocal<>();

    private BoundedCalls() {
    }

    /** Threads for a gate of {@code validations} validations at once; none is made before a call needs it. */
    static ExecutorService threads(int validations) {
        return new ThreadPoolExecutor(0, 2 * validations, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "acme-validation-call");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Runs {@code validation} with its calls on {@code threads}. */
    static <T> T on(ExecutorService threads, java.util.function.Supplier<T> validation) {
        ExecutorService before = CURRENT.get();
        CURRENT.set(threads);
        try {
            return validation.get();
        } finally {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        }
    }

    /** Starts the call, or {@link RejectedExecutionException} when every thread is busy. */
    static <T> Future<T> start(Callable<T> call) {
        ExecutorService threads = CURRENT.get();
        return (threads != null ? threads : SHARED).submit(call);
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
