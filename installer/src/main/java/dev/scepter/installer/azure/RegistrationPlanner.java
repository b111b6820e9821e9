package dev.scepter.installer.azure;

import dev.scepter.installer.InstallationException;
import dev.scepter.installer.azure.AzureState.Directory;
import dev.scepter.installer.azure.AzureState.Instance;
import dev.scepter.installer.azure.MicrosoftGraph.ServicePrincipal;
import java.util.ArrayList;
import java.util.List;

/**
 * The app registrations: SCEPman-api, which guards the core's API, and SCEPman-CertMaster, which
 * users sign in to, with its admin consent to Graph User.Read; and Certificate Master's right to
 * request certificates (SCEPman-api's CSR.Request, which an Application Administrator may grant,
 * so it is granted even with {@code --skip-app-role-assignments}).
 */
final class RegistrationPlanner implements Plan.Planner {

    private final MicrosoftGraph graph;
    private final Registrations registrations;
    private final AzureOptions options;

    RegistrationPlanner(MicrosoftGraph graph, AzureOptions options) {
        this.graph = graph;
        this.registrations = new Registrations(graph);
        this.options = options;
    }

    @Override
    public Plan plan(AzureState state) {
        List<Change> changes = new ArrayList<>();
        Directory directory = state.directory();
        List<String> api = Registrations.missing(directory.api(), Manifests.API_ROLES, null);
        if (!api.isEmpty()) {
            changes.add(new Change("App registration " + options.apiAppName() + ": " + String.join("; ", api),
                    applied -> applied.api(registrations.ensure(applied.api(), options.apiAppName(), Manifests.API_ROLES, null))));
        }
        Instance certMaster = state.certMaster();
        if (certMaster == null) {
            return Plan.of(changes);
        }
        List<String> portal = Registrations.missing(directory.certMasterApp(), Manifests.CERTMASTER_ROLES, redirectUris(certMaster.app()));
        if (!portal.isEmpty()) {
            changes.add(new Change("App registration " + options.certMasterAppName() + ": " + String.join("; ", portal),
                    applied -> applied.certMasterApp(registrations.ensure(applied.certMasterApp(), options.certMasterAppName(),
                            Manifests.CERTMASTER_ROLES, redirectUris(applied.app(certMaster))))));
        }
        if (!options.skipAppRoleAssignments() && !directory.consentedToUserRead()) {
            changes.add(new Change("Consent for all users to " + options.certMasterAppName() + " signing them in (Graph User.Read)",
                    applied -> graph.grantConsent(applied.certMasterApp().principal().id(), directory.graph().id(), "User.Read")));
        }
        String role = Manifests.API_ROLES.get(0).value();
        ServicePrincipal apiPrincipal = directory.api().principal();
        boolean has = apiPrincipal != null && apiPrincipal.appRoleId(role).map(id -> certMaster.granted().contains(apiPrincipal.id() + " " + id)).orElse(false);
        if (!has) {
            changes.add(new Change("Allow Certificate Master to request certificates: " + options.apiAppName() + "'s app role " + role
                    + " to the managed identity of " + certMaster.label(), applied -> {
                        ServicePrincipal principal = applied.api().principal();
                        String id = principal.appRoleId(role).orElseThrow(() -> new InstallationException(options.apiAppName() + " has no app role " + role));
                        graph.assignAppRole(applied.app(certMaster).principalId(), principal.id(), id);
                    }));
        }
        return Plan.of(changes);
    }

    /** Certificate Master's sign-in answers, one per host name. */
    static List<String> redirectUris(WebApp certMaster) {
        List<String> hosts = certMaster.hostNames().isEmpty() ? List.of(certMaster.defaultHostName()) : certMaster.hostNames();
        return hosts.stream().map(h -> "https://" + h + "/signin-oidc").toList();
    }
}
