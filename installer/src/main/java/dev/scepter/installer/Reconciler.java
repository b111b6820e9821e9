package dev.scepter.installer;

import java.io.PrintStream;
import java.util.List;
import java.util.Objects;

/**
 * Prints a plan, then applies it step by step. Each step is idempotent and the plan is derived
 * from the actual state, so a run that fails half-way is completed by running again.
 */
public final class Reconciler {

    private final PrintStream out;

    public Reconciler(PrintStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /** @return whether anything was (or, with {@code whatIf}, would be) changed */
    public boolean run(List<Step> plan, boolean whatIf) throws InstallationException {
        if (plan.isEmpty()) {
            out.println("No changes.");
            return false;
        }
        out.println(whatIf ? "Would change (--what-if: nothing is changed):" : "Plan:");
        for (int i = 0; i < plan.size(); i++) {
            out.printf("  %d. %s%n", i + 1, plan.get(i).description());
        }
        if (whatIf) {
            return true;
        }
        for (Step step : plan) {
            try {
                step.action().apply();
            } catch (InstallationException e) {
                throw e;
            } catch (Exception e) {
                throw new InstallationException("Failed: " + step.description() + ": " + e.getMessage()
                        + "\nNothing after this step was changed; fix the cause and run again to complete the installation.", e);
            }
            out.println("Done: " + step.description());
        }
        return true;
    }
}
