package dev.scepter.installer.azure;

import java.util.Objects;

/**
 * One idempotent change a planner wants, said for the user. It is applied with what the changes
 * before it in the same run made ({@link Applied}): a principal id that exists only once an
 * identity is turned on, an app id only once the app is registered.
 */
record Change(String description, Action action) {

    @FunctionalInterface
    interface Action {
        void apply(Applied applied) throws Exception;
    }

    Change {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(action, "action");
    }
}
