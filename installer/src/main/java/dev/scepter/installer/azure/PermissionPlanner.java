package dev.scepter.installer.azure;

import dev.scepter.installer.azure.AzureState.Instance;
import dev.scepter.installer.azure.Manifests.Permission;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The Graph and Intune application permissions of the managed identities: grants each what it
 * lacks of its permission levels ({@link Manifests}). Nothing with {@code --skip-app-role-assignments}:
 * then {@link AdminGrantScript} says what an administrator must grant.
 */
final class PermissionPlanner implements Plan.Planner {

    private final MicrosoftGraph graph;
    private final AzureOptions options;

    PermissionPlanner(MicrosoftGraph graph, AzureOptions options) {
        this.graph = graph;
        this.options = options;
    }

    @Override
    public Plan plan(AzureState state) {
        if (options.skipAppRoleAssignments()) {
            return Plan.EMPTY;
        }
        Permissions permissions = Permissions.of(state, options);
        List<Change> changes = new ArrayList<>();
        for (Instance instance : state.instances()) {
            List<Permission> missing = permissions.missing(instance);
            if (missing.isEmpty()) {
                continue;
            }
            changes.add(new Change("Grant the managed identity of " + instance.label() + " the application permissions "
                    + missing.stream().map(p -> (p.resourceAppId().equals(MicrosoftGraph.INTUNE_APP_ID) ? "Intune " : "Graph ") + p.value())
                            .collect(Collectors.joining(", ")), applied -> {
                                for (Permission p : missing) {
                                    Permissions.Grant grant = permissions.grant(p);
                                    graph.assignAppRole(applied.app(instance).principalId(), grant.resourceId(), grant.appRoleId());
                                }
                            }));
        }
        return Plan.of(changes);
    }
}
