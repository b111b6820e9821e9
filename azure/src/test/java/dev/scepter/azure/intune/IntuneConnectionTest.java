package dev.scepter.azure.intune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.azure.connection.ConnectionStatus;
import dev.scepter.azure.connection.ConnectionStatus.State;
import dev.scepter.azure.http.JsonHttp;
import org.junit.jupiter.api.Test;

/** Intune's rows: service discovery and a token, a refusal naming its permission, and a refused call standing until one succeeds. */
class IntuneConnectionTest {

    private static ConnectionStatus validation(IntuneFixture fixture) {
        return fixture.client.check("Intune validation", IntuneClient.SCEP_VALIDATION_SERVICE);
    }

    @Test
    void discoveredAndSignedInIsConnectedAndSendsNothingToIntune() {
        try (IntuneFixture fixture = new IntuneFixture()) {
            assertThat(validation(fixture).state()).isEqualTo(State.CONNECTED);
            assertThat(fixture.intune.server().requests()).as("no Intune call is harmless: none is made").isEmpty();
        }
    }

    @Test
    void aDiscoveryRefusalNamesApplicationReadAll() {
        try (IntuneFixture fixture = new IntuneFixture()) {
            fixture.tokens.revoke(IntuneFixture.CLIENT, fixture.graph.uri().toString(), "Application.Read.All");
            ConnectionStatus row = validation(fixture);
            assertThat(row.state()).isEqualTo(State.NOT_CONNECTED);
            assertThat(row.missingPermission()).contains("Application.Read.All");
        }
    }

    @Test
    void aRefusedCallNamesScepChallengeProviderForBothServicesUntilIntuneAcceptsOneAgain() {
        try (IntuneFixture fixture = new IntuneFixture()) {
            fixture.tokens.revoke(IntuneFixture.CLIENT, "https://api.manage.microsoft.com", "scep_challenge_provider");
            var download = JsonHttp.JSON.createObjectNode();
            download.putObject("downloadParameters").put("maxRequests", 1);
            assertThatThrownBy(() -> fixture.client.post(IntuneClient.PKI_CONNECTOR_SERVICE,
                    "CertificateAuthorityRequests/downloadRevocationRequests", IntuneRevocationPoller.API_VERSION, download))
                    .isInstanceOf(IntuneUnavailableException.class);

            for (ConnectionStatus row : new ConnectionStatus[] {validation(fixture),
                    fixture.client.check("Intune revocation", IntuneClient.PKI_CONNECTOR_SERVICE)}) {
                assertThat(row.state()).isEqualTo(State.NOT_CONNECTED);
                assertThat(row.missingPermission()).contains("scep_challenge_provider");
            }

            fixture.tokens.grant(IntuneFixture.CLIENT, "https://api.manage.microsoft.com", "scep_challenge_provider");
            fixture.client.post(IntuneClient.PKI_CONNECTOR_SERVICE, "CertificateAuthorityRequests/downloadRevocationRequests",
                    IntuneRevocationPoller.API_VERSION, download);
            assertThat(fixture.client.check("Intune revocation", IntuneClient.PKI_CONNECTOR_SERVICE).state()).isEqualTo(State.CONNECTED);
        }
    }

    @Test
    void aTenantWithoutIntuneIsNotConfiguredAndDoesNotFailTheProbe() {
        try (IntuneFixture fixture = new IntuneFixture()) {
            fixture.intune.tenantHasIntune(false);
            ConnectionStatus row = validation(fixture);
            assertThat(row.state()).isEqualTo(State.NOT_CONFIGURED);
            assertThat(row.ok()).isTrue();
            assertThat(row.reason()).contains("no Microsoft Intune");

            fixture.intune.tenantHasIntune(true);
            assertThat(validation(fixture).state()).as("once the tenant has Intune, discovery is asked again").isEqualTo(State.CONNECTED);
        }
    }
}
