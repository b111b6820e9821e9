package dev.scepter.installer;

import java.util.Objects;

/**
 * One idempotent change of a plan: what it does, said for the user, and how.
 */
public record Step(String description, Action action) {

    @FunctionalInterface
    public interface Action {
        void apply() throws Exception;
    }

    public Step {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(action, "action");
    }
}
