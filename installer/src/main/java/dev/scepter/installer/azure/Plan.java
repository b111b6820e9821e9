package dev.scepter.installer.azure;

import dev.scepter.installer.InstallationException;
import dev.scepter.installer.Step;
import java.util.ArrayList;
import java.util.List;

/**
 * What planners want changed, in order, and what they found worth a warning.
 */
record Plan(List<Change> changes, List<String> warnings) {

    /** Turns (the state read, the options) into the changes of one concern, in order. Reads and writes nothing. */
    @FunctionalInterface
    interface Planner {
        Plan plan(AzureState state) throws InstallationException;
    }

    static final Plan EMPTY = new Plan(List.of(), List.of());

    Plan {
        changes = List.copyOf(changes);
        warnings = List.copyOf(warnings);
    }

    static Plan of(List<Change> changes) {
        return new Plan(changes, List.of());
    }

    /** The plans of the planners, one after the other. */
    static Plan of(AzureState state, List<Planner> planners) throws InstallationException {
        List<Change> changes = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Planner planner : planners) {
            Plan plan = planner.plan(state);
            changes.addAll(plan.changes());
            plan.warnings().stream().filter(w -> !warnings.contains(w)).forEach(warnings::add);
        }
        return new Plan(changes, warnings);
    }

    boolean isEmpty() {
        return changes.isEmpty();
    }

    List<String> descriptions() {
        return changes.stream().map(Change::description).toList();
    }

    /** The steps that apply the changes in order, each with what the ones before it made. */
    List<Step> steps(AzureState state) {
        Applied applied = new Applied(state);
        return changes.stream().map(c -> new Step(c.description(), () -> c.action().apply(applied))).toList();
    }
}
