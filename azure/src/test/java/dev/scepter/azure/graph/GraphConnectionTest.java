package dev.scepter.azure.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.azure.connection.Connection;
import dev.scepter.azure.connection.ConnectionStatus;
import dev.scepter.azure.connection.ConnectionStatus.State;
import dev.scepter.settings.IntuneSettings.DeviceDirectory;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Graph's rows: one per directory read, a 403 naming its permission, and what lookups taught reused instead of a call. */
class GraphConnectionTest {

    @Test
    void aLookupsAnswerStandsForItsDirectoryWithoutACallAndAStaleOneIsAskedOnce() {
        try (GraphFixture fixture = new GraphFixture().grantAll()) {
            GraphDirectory directory = fixture.directory(DeviceDirectory.AAD_AND_INTUNE);
            directory.lookup(DirectoryObjectType.DEVICE, UUID.randomUUID());
            long calls = fixture.graph.calls();

            List<ConnectionStatus> rows = directory.check();

            assertThat(rows).extracting(ConnectionStatus::name).containsExactly("Graph (Entra ID devices)", "Graph (Intune managed devices)");
            assertThat(rows).allMatch(row -> row.state() == State.CONNECTED);
            assertThat(fixture.graph.calls()).as("the lookup's answers, reused").isEqualTo(calls);

            fixture.clock.advance(Connection.RECENT.plusSeconds(1));
            directory.check();
            assertThat(fixture.graph.calls()).as("both directories asked again, in one $batch").isEqualTo(calls + 1);
        }
    }

    @Test
    void aRefusedPermissionIsNamedAndUsersAppearOnceAsked() {
        try (GraphFixture fixture = new GraphFixture().grant("DeviceManagementManagedDevices.Read.All", "User.Read.All")) {
            GraphDirectory directory = fixture.directory(DeviceDirectory.AAD);
            assertThat(directory.check()).as("AAD reads Entra ID's devices only").singleElement().satisfies(row -> {
                assertThat(row.name()).isEqualTo("Graph (Entra ID devices)");
                assertThat(row.state()).isEqualTo(State.NOT_CONNECTED);
                assertThat(row.reason()).contains("403");
                assertThat(row.missingPermission()).contains("Device.Read.All or Directory.Read.All");
            });

            directory.lookup(DirectoryObjectType.USER, UUID.randomUUID());
            assertThat(directory.check()).extracting(ConnectionStatus::name, ConnectionStatus::state).contains(
                    org.assertj.core.groups.Tuple.tuple("Graph (users)", State.CONNECTED));
        }
    }

    @Test
    void intuneRefusedInOpportunisticModeIsLeftOutNotDown() {
        try (GraphFixture fixture = new GraphFixture().grant("Device.Read.All")) {
            List<ConnectionStatus> rows = fixture.directory(DeviceDirectory.AAD_AND_INTUNE_OPPORTUNISTIC).check();

            assertThat(rows).extracting(ConnectionStatus::state).containsExactly(State.CONNECTED, State.NOT_CONFIGURED);
            assertThat(rows.get(1).missingPermission()).contains("DeviceManagementManagedDevices.Read.All");
            assertThat(rows).allMatch(ConnectionStatus::ok);
        }
    }

    @Test
    void graphDownIsNotConnectedWithoutAPermission() {
        try (GraphFixture fixture = new GraphFixture().grantAll()) {
            fixture.server.down(true);
            assertThat(fixture.directory(DeviceDirectory.INTUNE).check()).singleElement().satisfies(row -> {
                assertThat(row.state()).isEqualTo(State.NOT_CONNECTED);
                assertThat(row.reason()).contains("Microsoft Graph");
                assertThat(row.missingPermission()).isEqualTo(Optional.empty());
            });
        }
    }
}
