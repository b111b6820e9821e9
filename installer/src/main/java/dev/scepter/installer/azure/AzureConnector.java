package dev.scepter.installer.azure;

import com.azure.identity.DefaultAzureCredentialBuilder;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;

/** Opens the REST client the azure target works with. */
@FunctionalInterface
public interface AzureConnector {

    /** @param verbose where every call is reported, or null */
    AzureRest connect(URI arm, URI graph, PrintStream verbose);

    /**
     * Signs in with azure-identity's default chain: environment, workload or managed identity,
     * Azure CLI ({@code az login}), Azure PowerShell, Azure Developer CLI; Cloud Shell is covered.
     */
    static AzureConnector defaultChain() {
        return (arm, graph, verbose) -> new AzureRest(arm, graph, new DefaultAzureCredentialBuilder().build(),
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build(), Duration.ofSeconds(2), verbose);
    }
}
