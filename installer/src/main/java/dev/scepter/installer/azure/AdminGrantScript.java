package dev.scepter.installer.azure;

import dev.scepter.installer.azure.AzureState.Instance;
import dev.scepter.installer.azure.Manifests.Permission;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * With {@code --skip-app-role-assignments}, the grants need someone with Privileged Role
 * Administrator (or Global Administrator): the exact {@code az rest} commands they must run, for
 * what the installation still lacks.
 */
final class AdminGrantScript {

    private final AzureOptions options;
    private final URI graphBase;

    AdminGrantScript(AzureOptions options, URI graphBase) {
        this.options = options;
        this.graphBase = graphBase;
    }

    /** One command per missing grant, each after a comment line that says what it grants to whom. */
    List<String> commands(AzureState state) {
        List<String> commands = new ArrayList<>();
        if (!options.skipAppRoleAssignments()) {
            return commands;
        }
        Permissions permissions = Permissions.of(state, options);
        for (Instance instance : state.instances()) {
            for (Permission p : permissions.missing(instance)) {
                Permissions.Grant grant = permissions.grant(p);
                commands.add("# " + p.value() + " for " + instance.label() + "\naz rest --method post --uri "
                        + graphBase + "/v1.0/servicePrincipals/" + instance.principal() + "/appRoleAssignments --body "
                        + "'{\"principalId\":\"" + instance.principal() + "\",\"resourceId\":\"" + grant.resourceId()
                        + "\",\"appRoleId\":\"" + grant.appRoleId() + "\"}'");
            }
        }
        if (state.certMaster() != null && !state.directory().consentedToUserRead()) {
            var principal = state.directory().certMasterApp().principal();
            String client = principal == null ? AzureState.UNKNOWN : principal.id();
            commands.add("# admin consent to Graph User.Read for " + options.certMasterAppName() + "\naz rest --method post --uri "
                    + graphBase + "/v1.0/oauth2PermissionGrants --body '{\"clientId\":\"" + client
                    + "\",\"consentType\":\"AllPrincipals\",\"resourceId\":\"" + state.directory().graph().id() + "\",\"scope\":\"User.Read\"}'");
        }
        return commands;
    }

    void print(AzureState state, PrintStream out) {
        List<String> commands = commands(state);
        if (commands.isEmpty()) {
            return;
        }
        out.println("WARNING: --skip-app-role-assignments: these grants were not made. A Global Administrator or Privileged Role "
                + "Administrator must run (then run complete-installation again to record the permission level):");
        commands.forEach(out::println);
    }
}
