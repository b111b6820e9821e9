package dev.scepter.azure.jamf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.azure.connection.Connection;
import dev.scepter.azure.connection.ConnectionStatus;
import dev.scepter.azure.connection.ConnectionStatus.State;
import dev.scepter.azure.sim.JamfSimulator;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Jamf Pro's row: signed in and each read privilege working, a refused one named, recent reads reused. */
class JamfConnectionTest {

    @Test
    void signedInAndReadingIsConnectedAndRecentReadsAreNotRepeated() {
        try (JamfFixture fixture = new JamfFixture()) {
            JamfClient client = fixture.client();
            assertThat(client.check().state()).isEqualTo(State.CONNECTED);
            int requests = fixture.jamf.server().requests().size();

            client.check();
            assertThat(fixture.jamf.server().requests()).as("within %s, nothing asked again", Connection.RECENT).hasSize(requests);

            fixture.now.updateAndGet(t -> t.plus(Connection.RECENT).plusSeconds(1));
            client.check();
            assertThat(fixture.jamf.server().requests()).as("one read per privilege").hasSize(requests + 3);
        }
    }

    @Test
    void aPrivilegeTheApiRoleLacksIsNamed() {
        try (JamfFixture fixture = new JamfFixture()) {
            fixture.jamf.addApiClient("narrow", "s", Duration.ofMinutes(10), Set.of(JamfSimulator.READ_COMPUTERS));
            ConnectionStatus row = fixture.client(new JamfClient.ApiClient("narrow", "s"), Duration.ofSeconds(2)).check();
            assertThat(row.state()).isEqualTo(State.NOT_CONNECTED);
            assertThat(row.missingPermission()).contains("Read Mobile Devices, Read Users");
        }
    }

    @Test
    void refusedCredentialsAreNotConnectedAndAskedOnce() {
        try (JamfFixture fixture = new JamfFixture()) {
            ConnectionStatus row = fixture.client(new JamfClient.ApiClient("scepter", "not-the-secret"), Duration.ofSeconds(2)).check();
            assertThat(row.state()).isEqualTo(State.NOT_CONNECTED);
            assertThat(row.reason()).contains("refused the credentials").doesNotContain("not-the-secret");
            assertThat(row.missingPermission()).isEmpty();
            assertThat(fixture.jamf.server().requests()).as("one sign-in, not one per privilege").hasSize(1);
        }
    }
}
