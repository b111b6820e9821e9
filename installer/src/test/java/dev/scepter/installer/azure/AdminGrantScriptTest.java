package dev.scepter.installer.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.installer.azure.Manifests.Permission;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdminGrantScriptTest {

    static final URI GRAPH = URI.create("https://graph.microsoft.com");
    static final AzureOptions SKIP = AzureOptions.forApp("scepman-contoso").withSkipAppRoleAssignments(true);

    @Test
    void aMissingGrantIsOneCommandWithTheIdsToGrant() {
        States s = States.complete();
        Permission risky = new Permission(MicrosoftGraph.GRAPH_APP_ID, "IdentityRiskyUser.Read.All", 2);
        Set<String> granted = new HashSet<>(s.core.granted());
        granted.removeAll(States.grants(List.of(risky)));
        s.core = States.withGranted(s.core, granted);

        assertThat(new AdminGrantScript(SKIP, GRAPH).commands(s.build())).containsExactly("# IdentityRiskyUser.Read.All for scepman-contoso\n"
                + "az rest --method post --uri https://graph.microsoft.com/v1.0/servicePrincipals/core-mi/appRoleAssignments --body "
                + "'{\"principalId\":\"core-mi\",\"resourceId\":\"graph-sp\",\"appRoleId\":\"" + States.roleId("IdentityRiskyUser.Read.All") + "\"}'");
        assertThat(new AdminGrantScript(AzureOptions.forApp("scepman-contoso"), GRAPH).commands(s.build()))
                .as("without --skip-app-role-assignments the installer grants it itself").isEmpty();
    }

    @Test
    void aMissingConsentIsACommandAndACompleteInstallationNeedsNone() {
        States s = States.complete();
        assertThat(new AdminGrantScript(SKIP, GRAPH).commands(s.build())).isEmpty();

        s.consented = false;
        assertThat(new AdminGrantScript(SKIP, GRAPH).commands(s.build())).containsExactly("# admin consent to Graph User.Read for SCEPman-CertMaster\n"
                + "az rest --method post --uri https://graph.microsoft.com/v1.0/oauth2PermissionGrants --body "
                + "'{\"clientId\":\"portal-sp\",\"consentType\":\"AllPrincipals\",\"resourceId\":\"graph-sp\",\"scope\":\"User.Read\"}'");
    }
}
