package dev.scepter.installer.azure;

import dev.scepter.installer.InstallationException;
import dev.scepter.installer.Reconciler;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code complete-installation --target azure}: completes or upgrades a SCEPman-compatible
 * installation on App Service. Reads what is there ({@link Discovery}), plans only what is missing
 * (one planner per concern), prints the plan, applies it unless asked only what it would do, and
 * reads everything again to check that nothing is left.
 */
public final class AzureInstallation {

    private final AzureOptions options;
    private final Discovery discovery;
    private final List<Plan.Planner> planners;
    private final AdminGrantScript adminGrants;
    private final PrintStream out;
    private final boolean verbose;

    public AzureInstallation(AzureOptions options, AzureRest rest, Prompter prompter, Clock clock, PrintStream out, boolean verbose) {
        ResourceManager arm = new ResourceManager(rest);
        MicrosoftGraph graph = new MicrosoftGraph(rest);
        this.options = options;
        this.discovery = new Discovery(arm, graph, options, prompter, out);
        // In this order: identities first, since every grant needs one; each app's settings last, once what they name exists.
        this.planners = List.of(new IdentityPlanner(arm, options), new StoragePlanner(arm), new KeyVaultPlanner(arm),
                new PermissionPlanner(graph, options), new RegistrationPlanner(graph, options), new SettingsPlanner(arm, options, clock));
        this.adminGrants = new AdminGrantScript(options, rest.base(AzureRest.Api.GRAPH));
        this.out = out;
        this.verbose = verbose;
    }

    /** @return whether anything was (or, with {@code whatIf}, would be) changed */
    public boolean complete(boolean whatIf) throws InstallationException {
        if (options.skipCertificateMaster() && (options.certMasterAppServiceName() != null || options.certMasterResourceGroup() != null)) {
            throw new InstallationException("--skip-certificate-master cannot be combined with --certmaster-app-service-name or --certmaster-resource-group.");
        }
        try {
            AzureState state = discovery.first();
            if (verbose) {
                discovery.details(state);
            }
            Plan plan = Plan.of(state, planners);
            List<String> warnings = new ArrayList<>(state.warnings());
            plan.warnings().stream().filter(w -> !warnings.contains(w)).forEach(warnings::add);
            warnings.forEach(w -> out.println("WARNING: " + w));
            boolean changed = new Reconciler(out, FailureExplainer::explain).run(plan.steps(state), whatIf);
            if (changed && !whatIf) {
                state = checkNothingLeft(state);
            }
            adminGrants.print(state, out);
            if (changed && !whatIf) {
                out.println("SCEPman configuration completed. The app services restart with their new settings; "
                        + "their homepages may answer 502 for 2-3 minutes.");
            }
            return changed;
        } catch (AzureCallException e) {
            throw new InstallationException(FailureExplainer.explain(e), e);
        }
    }

    /** @return the state read again, in which no planner finds anything left to do */
    private AzureState checkNothingLeft(AzureState applied) throws AzureCallException, InstallationException {
        AzureState state = discovery.again(applied.target());
        Plan left = Plan.of(state, planners);
        if (!left.isEmpty()) {
            throw new InstallationException("After applying the plan, reading the installation again still finds work: "
                    + String.join("; ", left.descriptions()) + ". Entra ID or ARM may not have caught up yet; run again in a minute.");
        }
        out.println("Checked: reading the installation again finds nothing left to do.");
        return state;
    }
}
