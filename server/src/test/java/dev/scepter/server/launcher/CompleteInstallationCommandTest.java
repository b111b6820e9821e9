package dev.scepter.server.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.installer.azure.AzureOptions;
import dev.scepter.installer.azure.AzureRest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CompleteInstallationCommandTest {

    @Test
    void theAzureOptionsMirrorScepmansModuleParameters() {
        CompleteInstallationCommand command = new CompleteInstallationCommand((arm, graph, verbose) -> {
            throw new AssertionError("parsing alone signs in nowhere");
        });
        new CommandLine(command).parseArgs("--target", "azure", "--scepman-app-service-name", "scepman-x", "--scepman-resource-group", "rg",
                "--certmaster-app-service-name", "scepman-x-cm", "--certmaster-resource-group", "rg-cm", "--subscription-id", "sub",
                "--search-all-subscriptions", "--deployment-slot-name", "staging", "--skip-app-role-assignments", "--api-app-name", "api",
                "--certmaster-app-name", "cm", "--storage-account-name", "stgx", "--least-privilege",
                "--graph-base-uri", "https://graph.microsoft.us", "--arm-base-uri", "https://management.usgovcloudapi.net");

        AzureOptions options = command.azure;
        assertThat(options).usingRecursiveComparison().isEqualTo(AzureOptions.forApp("scepman-x").withCertMasterAppServiceName("scepman-x-cm")
                .withScepmanResourceGroup("rg").withCertMasterResourceGroup("rg-cm").withSubscriptionId("sub").withSearchAllSubscriptions(true)
                .withDeploymentSlotName("staging").withSkipAppRoleAssignments(true).withSkipCertificateMaster(false).withApiAppName("api")
                .withCertMasterAppName("cm").withStorageAccountName("stgx").withLeastPrivilege(true)
                .withGraphBaseUri(URI.create("https://graph.microsoft.us")).withArmBaseUri(URI.create("https://management.usgovcloudapi.net")));
        assertThat(command.azure.graphBaseUri()).hasToString("https://graph.microsoft.us");
        assertThat(command.azure.armBaseUri()).hasToString("https://management.usgovcloudapi.net");
    }

    @Test
    void theDefaultsAreScepmansAndAzuresPublicCloud() {
        CompleteInstallationCommand command = new CompleteInstallationCommand((arm, graph, verbose) -> null);
        new CommandLine(command).parseArgs("--target", "azure");
        assertThat(command.azure.apiAppName()).isEqualTo("SCEPman-api");
        assertThat(command.azure.certMasterAppName()).isEqualTo("SCEPman-CertMaster");
        assertThat(command.azure.graphBaseUri()).hasToString("https://graph.microsoft.com");
        assertThat(command.azure.armBaseUri()).hasToString("https://management.azure.com");
    }

    @Test
    void withoutATerminalAMissingAppNameIsAnErrorBeforeAnyTokenIsAskedFor() {
        // The credential fails the test if asked: nothing may sign in, let alone reach a managed-identity endpoint.
        CompleteInstallationCommand command = new CompleteInstallationCommand((arm, graph, verbose) -> new AzureRest(arm, graph,
                request -> {
                    throw new AssertionError("no token may be requested");
                }, HttpClient.newHttpClient(), Duration.ZERO, null));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = new CommandLine(command).execute("--target", "azure");
        } finally {
            System.setErr(original);
        }
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--scepman-app-service-name", "no terminal");
    }

    @Test
    void helpListsEveryAzureOption() {
        StringWriter help = new StringWriter();
        new CommandLine(new CompleteInstallationCommand()).usage(new PrintWriter(help));
        assertThat(help.toString()).contains("--scepman-app-service-name", "--certmaster-app-service-name", "--scepman-resource-group",
                "--certmaster-resource-group", "--subscription-id", "--search-all-subscriptions", "--deployment-slot-name",
                "--skip-app-role-assignments", "--skip-certificate-master", "--api-app-name", "--certmaster-app-name", "--graph-base-uri",
                "--arm-base-uri", "--storage-account-name", "--least-privilege", "--what-if", "--verbose", "--data-dir");
    }
}
