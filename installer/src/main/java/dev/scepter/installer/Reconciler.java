package dev.scepter.installer;

import java.io.PrintStream;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Prints a plan, then applies it step by step. Each step is idempotent and the plan is derived
 * from the actual state, so a run that fails half-way is completed by running again.
 */
public final class Reconciler {

    private final PrintStream out;
    private final Function<Exception, String> explain;

    public Reconciler(PrintStream out) {
        this(out, Exception::getMessage);
    }

    /** @param explain says what a step's failure means and what to do about it */
    public Reconciler(PrintStream out, Function<Exception, String> explain) {
        this.out = Objects.requireNonNull(out, "out");
        this.explain = Objects.requireNonNull(explain, "explain");
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
                throw new InstallationException("Failed: " + step.description() + ": " + explain.apply(e)
                        + "\nNothing after this step was changed; fix the cause and run again to complete the installation.", e);
            }
            out.println("Done: " + step.description());
        }
        return true;
    }
}
