package dev.scepter.server.launcher;

import java.util.function.Supplier;

/** Opens a resource on first use only, so that a command that needs none opens none. */
final class Memoized<T> implements Supplier<T> {

    private final Supplier<T> opener;
    private T value;

    Memoized(Supplier<T> opener) {
        this.opener = opener;
    }

    @Override
    public synchronized T get() {
        if (value == null) {
            value = opener.get();
        }
        return value;
    }

    synchronized boolean isOpen() {
        return value != null;
    }
}
