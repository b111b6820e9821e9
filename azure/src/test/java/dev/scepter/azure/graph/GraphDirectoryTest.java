package dev.scepter.azure.graph;

import static dev.scepter.authority.directory.DirectoryAnswer.DISABLED;
import static dev.scepter.authority.directory.DirectoryAnswer.ENABLED;
import static dev.scepter.authority.directory.DirectoryAnswer.NOT_COMPLIANT;
import static dev.scepter.authority.directory.DirectoryAnswer.NOT_FOUND;
import static dev.scepter.authority.directory.DirectoryAnswer.RETIRED;
import static dev.scepter.authority.directory.DirectoryObjectType.DEVICE;
import static dev.scepter.authority.directory.DirectoryObjectType.INTUNE_DEVICE;
import static dev.scepter.authority.directory.DirectoryObjectType.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.authority.directory.DirectoryAnswer;
import dev.scepter.authority.directory.DirectoryUnavailableException;
import dev.scepter.authority.validity.CachingDirectory;
import dev.scepter.azure.sim.GraphSimulator;
import dev.scepter.azure.sim.SimServer;
import dev.scepter.settings.IntuneSettings.DeviceDirectory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GraphDirectoryTest {

    private final GraphFixture fixture = new GraphFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void aUserIsGoodWhileEnabledOnHoldWhileDisabledAndRevokedOnceDeleted() {
        GraphDirectory directory = fixture.grant("User.Read.All").directory(DeviceDirectory.AAD);
        UUID user = UUID.randomUUID();
        fixture.graph.addUser(user, "ada@contoso.example").onPremisesSecurityIdentifier = "S-1-5-21-1-2-3-1104";
        assertThat(directory.lookup(USER, user)).isEqualTo(ENABLED);
        fixture.graph.user(user).accountEnabled = false;
        assertThat(directory.lookup(USER, user)).isEqualTo(DISABLED);
        assertThat(directory.findUserByPrincipalName("ADA@contoso.example")).contains(user);
        assertThat(directory.findUserByPrincipalName("bob@contoso.example")).isEmpty();
        assertThat(directory.securityIdentifier(USER, user)).contains("S-1-5-21-1-2-3-1104");
        fixture.graph.deleteUser(user);
        assertThat(directory.lookup(USER, user)).isEqualTo(NOT_FOUND);
        assertThat(directory.securityIdentifier(USER, user)).isEmpty();
    }

    /** Self-service's question: an Entra device's registeredOwners, page by page; a deleted user or device owns nothing. */
    @Test
    void anEntraDeviceIsOwnedByItsRegisteredOwners() {
        GraphDirectory directory = fixture.grant("Device.Read.All", "User.Read.All").directory(DeviceDirectory.AAD);
        UUID alice = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        UUID carol = UUID.randomUUID();
        fixture.graph.addUser(alice, "alice@contoso.example");
        fixture.graph.addUser(bob, "bob@contoso.example");
        fixture.graph.addUser(carol, "carol@contoso.example");
        UUID laptop = UUID.randomUUID();
        fixture.graph.addDevice(laptop).registeredOwners.addAll(List.of(alice, bob));
        assertThat(directory.isRegisteredOwner(DEVICE, laptop, alice)).isTrue();
        assertThat(directory.isRegisteredOwner(DEVICE, laptop, carol)).isFalse();
        assertThat(directory.isRegisteredOwner(DEVICE, UUID.randomUUID(), alice)).as("no such device").isFalse();

        fixture.graph.pageSize(1);
        UUID last = alice.compareTo(bob) > 0 ? alice : bob;
        assertThat(directory.isRegisteredOwner(DEVICE, laptop, last)).as("found on the second page").isTrue();
        fixture.graph.deleteUser(last);
        assertThat(directory.isRegisteredOwner(DEVICE, laptop, last)).as("a deleted user is no owner").isFalse();
        fixture.graph.deleteDevice(laptop);
        assertThat(directory.isRegisteredOwner(DEVICE, laptop, alice)).as("a deleted device has no owner").isFalse();
        assertThat(fixture.server.requests()).filteredOn(r -> r.path().contains("registeredOwners")).isNotEmpty()
                .allMatch(r -> r.path().contains("/devices(deviceId='") || r.path().contains("/devices(deviceId=%27"));
    }

    @Test
    void anIntuneDeviceIsOwnedByItsPrimaryUserAndACnHoldingItsIdToo() {
        GraphDirectory directory = fixture.grantAll().directory(DeviceDirectory.AAD_AND_INTUNE);
        UUID alice = UUID.randomUUID();
        fixture.graph.addUser(alice, "alice@contoso.example");
        UUID intuneId = UUID.randomUUID();
        fixture.graph.addManagedDevice(intuneId, UUID.randomUUID()).userId = alice;
        UUID shared = UUID.randomUUID();
        fixture.graph.addManagedDevice(shared, UUID.randomUUID());
        assertThat(directory.isRegisteredOwner(INTUNE_DEVICE, intuneId, alice)).isTrue();
        assertThat(directory.isRegisteredOwner(INTUNE_DEVICE, intuneId, UUID.randomUUID())).isFalse();
        assertThat(directory.isRegisteredOwner(INTUNE_DEVICE, shared, alice)).as("no primary user (a shared device)").isFalse();
        assertThat(directory.isRegisteredOwner(DEVICE, intuneId, alice)).as("CN=<Intune device id>, as lookups read it").isTrue();
        fixture.graph.deleteManagedDevice(intuneId);
        assertThat(directory.isRegisteredOwner(INTUNE_DEVICE, intuneId, alice)).as("deleted from Intune").isFalse();
    }

    /**
     * DeviceDirectory=Intune reads an Entra device id's Intune records: a reset device keeps its
     * former user's record until Intune's cleanup removes it, and that record owns nothing.
     */
    @Test
    void inIntuneModeOnlyActiveIntuneRecordsOfAnEntraDeviceNameItsOwner() {
        GraphDirectory directory = fixture.grant("DeviceManagementManagedDevices.Read.All").directory(DeviceDirectory.INTUNE);
        UUID alice = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        fixture.graph.addUser(alice, "alice@contoso.example");
        fixture.graph.addUser(bob, "bob@contoso.example");
        UUID pc = UUID.randomUUID();
        GraphSimulator.ManagedDevice former = fixture.graph.addManagedDevice(UUID.randomUUID(), pc);
        former.userId = alice;
        assertThat(directory.isRegisteredOwner(DEVICE, pc, alice)).as("Alice's record alone").isTrue();

        former.managementState = "retirePending";
        fixture.graph.addManagedDevice(UUID.randomUUID(), pc).userId = bob;
        assertThat(directory.lookup(DEVICE, pc)).isEqualTo(ENABLED);
        assertThat(directory.isRegisteredOwner(DEVICE, pc, alice)).as("Alice's record is being retired").isFalse();
        assertThat(directory.isRegisteredOwner(DEVICE, pc, bob)).isTrue();

        former.managementState = "managed";
        assertThat(directory.isRegisteredOwner(DEVICE, pc, alice)).as("an active record names Bob").isFalse();
        assertThat(directory.isRegisteredOwner(DEVICE, pc, bob)).as("an active record names Alice").isFalse();
    }

    @Test
    void whenGraphCannotTellWhoOwnsADeviceItSaysSoNeverNo() {
        GraphDirectory refused = fixture.grant("User.Read.All").directory(DeviceDirectory.AAD);
        UUID alice = UUID.randomUUID();
        fixture.graph.addUser(alice, "alice@contoso.example");
        UUID laptop = UUID.randomUUID();
        fixture.graph.addDevice(laptop).registeredOwners.add(alice);
        assertThatThrownBy(() -> refused.isRegisteredOwner(DEVICE, laptop, alice)).as("403: no Device.Read.All")
                .isInstanceOf(DirectoryUnavailableException.class);
        assertThatThrownBy(() -> refused.isRegisteredOwner(INTUNE_DEVICE, laptop, alice)).as("403: no Intune permission")
                .isInstanceOf(DirectoryUnavailableException.class);
        try (GraphFixture granted = new GraphFixture()) {
            GraphDirectory directory = granted.grantAll().directory(DeviceDirectory.AAD);
            granted.graph.addUser(alice, "alice@contoso.example");
            granted.graph.addDevice(laptop).registeredOwners.add(alice);
            assertThat(directory.isRegisteredOwner(DEVICE, laptop, alice)).isTrue();
            granted.server.down(true);
            assertThatThrownBy(() -> directory.isRegisteredOwner(DEVICE, laptop, alice)).as("Graph down")
                    .isInstanceOf(DirectoryUnavailableException.class);
        }
    }

    @Test
    void aadModeAsksEntraIdAloneAndNeedsNoIntunePermission() {
        GraphDirectory directory = fixture.grant("Device.Read.All").directory(DeviceDirectory.AAD);
        UUID entra = UUID.randomUUID();
        fixture.graph.addDevice(entra);
        UUID onlyInIntune = UUID.randomUUID();
        fixture.graph.addManagedDevice(UUID.randomUUID(), onlyInIntune);
        assertThat(directory.lookup(DEVICE, entra)).isEqualTo(ENABLED);
        assertThat(directory.lookup(DEVICE, onlyInIntune)).isEqualTo(NOT_FOUND);
        fixture.graph.disableDevice(entra);
        assertThat(directory.lookup(DEVICE, entra)).isEqualTo(DISABLED);
        fixture.graph.deleteDevice(entra);
        assertThat(directory.lookup(DEVICE, entra)).isEqualTo(NOT_FOUND);
        assertThat(fixture.server.requests()).noneMatch(r -> r.path().contains("managedDevices"));
    }

    @Test
    void intuneModeFindsAnEntraDeviceIdAmongIntunesRecordsOnly() {
        GraphDirectory directory = fixture.grant("DeviceManagementManagedDevices.Read.All").directory(DeviceDirectory.INTUNE);
        UUID onlyInEntra = UUID.randomUUID();
        fixture.graph.addDevice(onlyInEntra);
        UUID managed = UUID.randomUUID();
        fixture.graph.addManagedDevice(UUID.randomUUID(), managed);
        assertThat(directory.lookup(DEVICE, managed)).isEqualTo(ENABLED);
        assertThat(directory.lookup(DEVICE, onlyInEntra)).isEqualTo(NOT_FOUND);
    }

    @Test
    void aCertificateWhoseCnIsTheIntuneDeviceIdFollowsThatManagedDevice() {
        for (DeviceDirectory mode : List.of(DeviceDirectory.INTUNE, DeviceDirectory.AAD_AND_INTUNE)) {
            GraphFixture fixture = new GraphFixture();
            try (fixture) {
                GraphDirectory directory = fixture.grantAll().directory(mode);
                UUID intuneId = UUID.randomUUID();
                fixture.graph.addManagedDevice(intuneId, UUID.randomUUID());
                // Bound as a device by the GUID in its CN ({{DeviceId}}): neither Entra nor Intune's azureADDeviceId knows it.
                assertThat(directory.lookup(DEVICE, intuneId)).as(mode + ": known to Intune by its own id").isEqualTo(ENABLED);
                fixture.graph.deleteManagedDevice(intuneId);
                assertThat(directory.lookup(DEVICE, intuneId)).as(mode + ": deleted from Intune").isEqualTo(NOT_FOUND);
            }
        }
    }

    @Test
    void withBothDirectoriesEitherOneThatKnowsTheDeviceSufficesButADisabledEntraDeviceIsOnHold() {
        for (DeviceDirectory mode : List.of(DeviceDirectory.AAD_AND_INTUNE, DeviceDirectory.AAD_AND_INTUNE_AND_ENDPOINTLIST,
                DeviceDirectory.AAD_AND_INTUNE_OPPORTUNISTIC)) {
            GraphFixture both = new GraphFixture();
            try (both) {
                GraphDirectory directory = both.grantAll().directory(mode);
                UUID device = UUID.randomUUID();
                both.graph.addDevice(device);
                UUID intuneId = UUID.randomUUID();
                both.graph.addManagedDevice(intuneId, device);
                both.graph.disableDevice(device);
                // Disabling a lost device in Entra ID is the admin's standard act: it holds even while Intune still knows the device.
                assertThat(directory.lookup(DEVICE, device)).as(mode + ": disabled in Entra, known to Intune").isEqualTo(DISABLED);
                both.graph.deleteDevice(device);
                assertThat(directory.lookup(DEVICE, device)).as(mode + ": deleted in Entra, known to Intune").isEqualTo(ENABLED);
                both.graph.addDevice(device).accountEnabled = false;
                both.graph.deleteManagedDevice(intuneId);
                assertThat(directory.lookup(DEVICE, device)).as(mode + ": disabled in Entra, not in Intune").isEqualTo(DISABLED);
                both.graph.deleteDevice(device);
                assertThat(directory.lookup(DEVICE, device)).as(mode + ": in neither").isEqualTo(NOT_FOUND);
                assertThat(both.graph.batches()).as(mode + ": both directories asked in one call").isEqualTo(4);
            }
        }
    }

    @Test
    void opportunisticModeIsAadWhileGraphRefusesTheIntunePermissionAndAskedAgainLater() {
        GraphDirectory directory = fixture.grant("Device.Read.All").directory(DeviceDirectory.AAD_AND_INTUNE_OPPORTUNISTIC);
        UUID device = UUID.randomUUID();
        fixture.graph.addDevice(device);
        assertThat(directory.lookup(DEVICE, device)).isEqualTo(ENABLED);
        fixture.graph.deleteDevice(device);
        assertThat(directory.lookup(DEVICE, device)).as("Entra ID alone decides").isEqualTo(NOT_FOUND);
        assertThat(directory.describe()).contains("AADAndIntuneOpportunistic", "devices from Entra ID only");
        assertThat(fixture.graph.calls()).as("Intune's 403 once, then Entra ID alone").isEqualTo(2);

        fixture.grant("DeviceManagementManagedDevices.Read.All");
        fixture.graph.addManagedDevice(UUID.randomUUID(), device);
        fixture.clock.advance(GraphDirectory.OPPORTUNISTIC_RECHECK);
        assertThat(directory.lookup(DEVICE, device)).as("granted since: Intune counts again").isEqualTo(ENABLED);
        assertThat(directory.describe()).doesNotContain("Entra ID only");
    }

    @Test
    void withoutTheIntunePermissionAadAndIntuneCannotTellAndNeverSaysNotFound() {
        GraphDirectory directory = fixture.grant("Device.Read.All").directory(DeviceDirectory.AAD_AND_INTUNE);
        UUID gone = UUID.randomUUID();
        assertThatThrownBy(() -> directory.lookup(DEVICE, gone)).isInstanceOf(DirectoryUnavailableException.class)
                .hasMessageContaining("DeviceManagementManagedDevices.Read.All");
        UUID present = UUID.randomUUID();
        fixture.graph.addDevice(present);
        assertThat(directory.lookup(DEVICE, present)).as("Entra ID's enabled suffices").isEqualTo(ENABLED);
        GraphDirectory noDevicePermission = fixture.directory(DeviceDirectory.AAD);
        assertThatThrownBy(() -> noDevicePermission.lookup(USER, UUID.randomUUID())).isInstanceOf(DirectoryUnavailableException.class)
                .hasMessageContaining("User.Read.All or Directory.Read.All");
    }

    @Test
    void directoryReadAllServesDevicesAndUsers() {
        GraphDirectory directory = fixture.grant("Directory.Read.All").directory(DeviceDirectory.AAD);
        UUID device = UUID.randomUUID();
        fixture.graph.addDevice(device).onPremisesSecurityIdentifier = "S-1-5-21-9-9-9-2001";
        UUID user = UUID.randomUUID();
        fixture.graph.addUser(user, "eve@contoso.example");
        assertThat(directory.lookup(DEVICE, device)).isEqualTo(ENABLED);
        assertThat(directory.lookup(USER, user)).isEqualTo(ENABLED);
        assertThat(directory.securityIdentifier(DEVICE, device)).contains("S-1-5-21-9-9-9-2001");
    }

    @Test
    void anIntuneDeviceIsLookedUpByItsIntuneIdAndAWipeOrRetireRevokesItForGood() {
        GraphDirectory directory = fixture.grantAll().directory(DeviceDirectory.AAD);
        UUID intuneId = UUID.randomUUID();
        UUID entraId = UUID.randomUUID();
        fixture.graph.addManagedDevice(intuneId, entraId);
        fixture.graph.addDevice(entraId).onPremisesSecurityIdentifier = "S-1-5-21-4-4-4-3001";
        assertThat(directory.lookup(INTUNE_DEVICE, intuneId)).isEqualTo(ENABLED);
        assertThat(directory.securityIdentifier(INTUNE_DEVICE, intuneId)).as("the Entra record's SID").contains("S-1-5-21-4-4-4-3001");
        for (String state : List.of("retirePending", "retireFailed", "wipePending", "wipeFailed", "unhealthy", "deletePending",
                "retireIssued", "wipeIssued")) {
            fixture.graph.setManagementState(intuneId, state);
            assertThat(directory.lookup(INTUNE_DEVICE, intuneId)).as(state).isEqualTo(RETIRED);
        }
        for (String state : List.of("managed", "wipeCanceled", "retireCanceled", "discovered")) {
            fixture.graph.setManagementState(intuneId, state);
            assertThat(directory.lookup(INTUNE_DEVICE, intuneId)).as(state).isEqualTo(ENABLED);
        }
        fixture.graph.setManagementState(intuneId, "wipeIssued");
        GraphDirectory keepOnWipe = fixture.directory(GraphFixture.intune(DeviceDirectory.AAD, false, Duration.ZERO, false));
        assertThat(keepOnWipe.lookup(INTUNE_DEVICE, intuneId)).as("RevokeCertificatesOnWipe=false").isEqualTo(ENABLED);
        GraphDirectory byEntraId = fixture.directory(DeviceDirectory.INTUNE);
        assertThat(byEntraId.lookup(DEVICE, entraId)).as("SCEPman's wipe rule binds Intune ids only").isEqualTo(ENABLED);
        fixture.graph.deleteManagedDevice(intuneId);
        assertThat(directory.lookup(INTUNE_DEVICE, intuneId)).isEqualTo(NOT_FOUND);
    }

    @Test
    void withComplianceCheckANonCompliantDeviceIsGoodWithinTheGracePeriodThenOnHoldUntilCompliant() {
        GraphDirectory directory = fixture.grantAll().directory(GraphFixture.intune(DeviceDirectory.INTUNE, true, Duration.ofMinutes(60), true));
        UUID intuneId = UUID.randomUUID();
        UUID entraId = UUID.randomUUID();
        fixture.graph.addManagedDevice(intuneId, entraId).complianceState = "noncompliant";
        assertThat(directory.lookup(INTUNE_DEVICE, intuneId)).as("just enrolled").isEqualTo(ENABLED);
        assertThat(directory.lookup(DEVICE, entraId)).as("just enrolled").isEqualTo(ENABLED);
        fixture.clock.advance(Duration.ofMinutes(61));
        assertThat(directory.lookup(INTUNE_DEVICE, intuneId)).isEqualTo(NOT_COMPLIANT);
        assertThat(directory.lookup(DEVICE, entraId)).isEqualTo(NOT_COMPLIANT);
        fixture.graph.setCompliance(intuneId, "inGracePeriod");
        assertThat(directory.lookup(INTUNE_DEVICE, intuneId)).as("Intune's own grace period").isEqualTo(ENABLED);
        fixture.graph.setCompliance(intuneId, "compliant");
        assertThat(directory.lookup(INTUNE_DEVICE, intuneId)).isEqualTo(ENABLED);
        GraphDirectory never = fixture.directory(DeviceDirectory.INTUNE);
        fixture.graph.setCompliance(intuneId, "noncompliant");
        assertThat(never.lookup(INTUNE_DEVICE, intuneId)).as("ComplianceCheck=Never").isEqualTo(ENABLED);
    }

    @Test
    void withComplianceCheckAnAnswerWithoutTheComplianceFieldsIsTryLaterNotOnHold() {
        GraphDirectory intune = fixture.grantAll().directory(GraphFixture.intune(DeviceDirectory.INTUNE, true, Duration.ofMinutes(60), true));
        GraphDirectory aad = fixture.directory(GraphFixture.intune(DeviceDirectory.AAD, true, Duration.ZERO, true));
        GraphDirectory never = fixture.directory(GraphFixture.intune(DeviceDirectory.INTUNE, false, Duration.ZERO, true));
        UUID intuneId = UUID.randomUUID();
        UUID entraId = UUID.randomUUID();
        fixture.graph.addManagedDevice(intuneId, entraId).complianceState = "noncompliant";
        fixture.graph.addDevice(entraId);
        fixture.clock.advance(Duration.ofMinutes(61));

        fixture.graph.leaveOut("complianceState", "isCompliant");
        assertThatThrownBy(() -> intune.lookup(INTUNE_DEVICE, intuneId)).isInstanceOf(DirectoryUnavailableException.class)
                .hasMessageContaining("complianceState");
        assertThatThrownBy(() -> intune.lookup(DEVICE, entraId)).isInstanceOf(DirectoryUnavailableException.class);
        assertThatThrownBy(() -> aad.lookup(DEVICE, entraId)).isInstanceOf(DirectoryUnavailableException.class)
                .hasMessageContaining("isCompliant");
        assertThat(never.lookup(INTUNE_DEVICE, intuneId)).as("ComplianceCheck=Never does not need them").isEqualTo(ENABLED);

        fixture.graph.leaveOut("enrolledDateTime");
        assertThatThrownBy(() -> intune.lookup(INTUNE_DEVICE, intuneId)).as("non-compliant, and the grace period cannot be told")
                .isInstanceOf(DirectoryUnavailableException.class).hasMessageContaining("enrolledDateTime");

        fixture.graph.leaveOut();
        assertThat(intune.lookup(INTUNE_DEVICE, intuneId)).isEqualTo(NOT_COMPLIANT);
        assertThat(aad.lookup(DEVICE, entraId)).as("isCompliant null: no MDM manages it, so not compliant").isEqualTo(NOT_COMPLIANT);
    }

    @Test
    void inAadModeComplianceIsEntrasIsCompliantWithTheGracePeriodFromRegistration() {
        GraphDirectory directory = fixture.grantAll().directory(GraphFixture.intune(DeviceDirectory.AAD, true, Duration.ofMinutes(30), true));
        UUID device = UUID.randomUUID();
        fixture.graph.addDevice(device);
        assertThat(directory.lookup(DEVICE, device)).isEqualTo(ENABLED);
        fixture.clock.advance(Duration.ofMinutes(31));
        assertThat(directory.lookup(DEVICE, device)).isEqualTo(NOT_COMPLIANT);
        fixture.graph.device(device).isCompliant = true;
        assertThat(directory.lookup(DEVICE, device)).isEqualTo(ENABLED);
        fixture.graph.disableDevice(device);
        assertThat(directory.lookup(DEVICE, device)).isEqualTo(DISABLED);
    }

    @Test
    void intunesRecordsOfOneEntraDeviceAreReadPageByPageUntilOneIsEnabled() {
        GraphDirectory directory = fixture.grantAll().directory(GraphFixture.intune(DeviceDirectory.INTUNE, true, Duration.ZERO, true));
        fixture.graph.pageSize(1);
        UUID entraId = UUID.randomUUID();
        List<UUID> records = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            UUID id = UUID.randomUUID();
            fixture.graph.addManagedDevice(id, entraId).complianceState = "noncompliant";
            records.add(id);
        }
        records.sort(null);
        fixture.graph.setCompliance(records.get(2), "compliant");
        assertThat(directory.lookup(DEVICE, entraId)).isEqualTo(ENABLED);
        assertThat(fixture.graph.calls()).as("three pages").isEqualTo(3);
        fixture.graph.setCompliance(records.get(2), "noncompliant");
        assertThat(directory.lookup(DEVICE, entraId)).isEqualTo(NOT_COMPLIANT);
    }

    @Test
    void concurrentMissesGoTogetherInBatchesOfAtMostTwentyAndTheSameObjectIsAskedOnce() throws Exception {
        GraphDirectory directory = fixture.grantAll().directory(GraphFixture.intune(DeviceDirectory.AAD, false, Duration.ZERO, true),
                Duration.ofSeconds(5), 1);
        List<UUID> users = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            UUID user = UUID.randomUUID();
            fixture.graph.addUser(user, "user" + i + "@contoso.example").accountEnabled = i % 2 == 0;
            users.add(user);
        }
        fixture.server.silence(Duration.ofMillis(300));
        ExecutorService threads = Executors.newFixedThreadPool(60);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<DirectoryAnswer>> answers = new ArrayList<>();
            for (UUID user : users) {
                answers.add(threads.submit(() -> {
                    start.await();
                    return directory.lookup(USER, user);
                }));
            }
            start.countDown();
            for (int i = 0; i < users.size(); i++) {
                assertThat(answers.get(i).get()).isEqualTo(i % 2 == 0 ? ENABLED : DISABLED);
            }
            long calls = fixture.graph.calls();
            assertThat(calls).as("60 lookups").isLessThanOrEqualTo(6);
            assertThat(fixture.graph.innerRequests()).isLessThanOrEqualTo(60);
            System.out.println("60 concurrent lookups of distinct users: " + calls + " Graph calls, " + fixture.graph.batches() + " batches");

            UUID one = users.get(0);
            List<Future<DirectoryAnswer>> same = new ArrayList<>();
            CountDownLatch again = new CountDownLatch(1);
            for (int i = 0; i < 20; i++) {
                same.add(threads.submit(() -> {
                    again.await();
                    return directory.lookup(USER, one);
                }));
            }
            again.countDown();
            for (Future<DirectoryAnswer> answer : same) {
                assertThat(answer.get()).isEqualTo(ENABLED);
            }
            assertThat(fixture.graph.calls() - calls).as("20 lookups of one user at once").isLessThanOrEqualTo(2);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void whileGraphIsSilentEveryConcurrentCallerReturnsWithinItsOwnWaitAndThoseBeyondTheQueueAtOnce() throws Exception {
        // One slot, 300 ms per attempt: a caller waits 900 ms. Graph answers nothing for 10 s.
        GraphDirectory directory = fixture.grantAll().directory(GraphFixture.intune(DeviceDirectory.AAD, false, Duration.ZERO, true),
                Duration.ofMillis(300), 1);
        Duration callerWait = Duration.ofMillis(900);
        int queueLimit = GraphCalls.BATCH_LIMIT * GraphCalls.QUEUED_ROUNDS;
        int callers = queueLimit + 3 * GraphCalls.BATCH_LIMIT;
        fixture.server.silence(Duration.ofSeconds(10));
        ExecutorService threads = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Long>> waited = new ArrayList<>();
            List<Future<String>> outcomes = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                CompletableFuture<Long> took = new CompletableFuture<>();
                waited.add(took);
                outcomes.add(threads.submit(() -> {
                    start.await();
                    long begun = System.nanoTime();
                    try {
                        return "answered " + directory.lookup(USER, UUID.randomUUID());
                    } catch (DirectoryUnavailableException e) {
                        return e.getMessage().contains("not keeping up") ? "refused" : "unavailable";
                    } finally {
                        took.complete(Duration.ofNanos(System.nanoTime() - begun).toMillis());
                    }
                }));
            }
            start.countDown();
            List<String> seen = new ArrayList<>();
            for (Future<String> outcome : outcomes) {
                seen.add(outcome.get());
            }
            long longest = 0;
            for (Future<Long> took : waited) {
                longest = Math.max(longest, took.get());
            }
            assertThat(seen).as("never an answer from a silent Graph").allMatch(o -> o.equals("refused") || o.equals("unavailable"));
            assertThat(seen).as("callers beyond the queue (less the batch being sent) fail at once").contains("refused");
            assertThat(longest).as("the longest wait of %s callers, in ms", callers)
                    .isLessThanOrEqualTo(callerWait.plusMillis(700).toMillis());
        } finally {
            threads.shutdownNow();
            fixture.server.silence(Duration.ZERO);
        }
    }

    @Test
    void aThrottlingStormOrAnOutageIsNeverNotFoundAndWaitsNoLongerThanAnOcspRequestAffords() {
        GraphDirectory directory = fixture.grantAll().directory(DeviceDirectory.AAD_AND_INTUNE);
        UUID gone = UUID.randomUUID();
        for (int status : List.of(429, 503)) {
            fixture.server.throttleNext(1000, status, 1);
            assertThatThrownBy(() -> directory.lookup(DEVICE, gone)).as("%s storm", status)
                    .isInstanceOf(DirectoryUnavailableException.class).hasMessageContaining(Integer.toString(status));
            fixture.server.throttleNext(1000, status, 30);
            assertThatThrownBy(() -> directory.lookup(USER, gone)).isInstanceOf(DirectoryUnavailableException.class);
            fixture.server.throttleNext(0, status, 0);
        }
        assertThat(fixture.slept).as("Retry-After honoured only when short").isNotEmpty()
                .allMatch(d -> d.compareTo(GraphDirectory.LONGEST_WAIT) <= 0);

        fixture.server.throttleNext(1, 429, 1);
        assertThat(directory.lookup(DEVICE, gone)).as("one 429, then the answer").isEqualTo(NOT_FOUND);

        fixture.server.down(true);
        assertThatThrownBy(() -> directory.lookup(DEVICE, gone)).isInstanceOf(DirectoryUnavailableException.class);
        fixture.server.down(false);

        GraphDirectory impatient = fixture.directory(GraphFixture.intune(DeviceDirectory.AAD, false, Duration.ZERO, true),
                Duration.ofMillis(300), 4);
        fixture.server.silence(Duration.ofMillis(800));
        assertThatThrownBy(() -> impatient.lookup(DEVICE, gone)).as("timeout").isInstanceOf(DirectoryUnavailableException.class);
        fixture.server.silence(Duration.ZERO);
    }

    @Test
    void throttledRequestsInsideABatchAreSentAgainOnceOrLeftUnansweredNeverNotFound() throws Exception {
        GraphDirectory directory = fixture.grantAll().directory(DeviceDirectory.AAD_AND_INTUNE);
        UUID device = UUID.randomUUID();
        fixture.graph.addDevice(device);
        fixture.graph.throttleInnerNext(2, 1);
        assertThat(directory.lookup(DEVICE, device)).isEqualTo(ENABLED);
        assertThat(fixture.slept).contains(Duration.ofSeconds(1));
        assertThat(fixture.graph.innerRequests()).as("three (Entra device, managed device by Entra id and by own id), then the two throttled again")
                .isEqualTo(5);

        UUID gone = UUID.randomUUID();
        fixture.graph.throttleInnerNext(2, 30);
        assertThatThrownBy(() -> directory.lookup(DEVICE, gone)).isInstanceOf(DirectoryUnavailableException.class)
                .hasMessageContaining("429");
        fixture.graph.throttleInnerNext(4, 1);
        assertThatThrownBy(() -> directory.lookup(DEVICE, gone)).as("throttled again after the retry")
                .isInstanceOf(DirectoryUnavailableException.class);
        assertThat(directory.lookup(DEVICE, gone)).isEqualTo(NOT_FOUND);
    }

    @Test
    void anExpiredTokenOrNoTokenIsAnOutageNotAnAnswer() {
        fixture.grantAll();
        fixture.accessTokens = new GraphFixture.SimAccessTokens(fixture.tokens, fixture.clock, false, Duration.ofMinutes(10));
        GraphDirectory stale = fixture.directory(DeviceDirectory.AAD);
        UUID gone = UUID.randomUUID();
        assertThat(stale.lookup(DEVICE, gone)).isEqualTo(NOT_FOUND);
        fixture.clock.advance(Duration.ofMinutes(11));
        assertThatThrownBy(() -> stale.lookup(DEVICE, gone)).isInstanceOf(DirectoryUnavailableException.class)
                .hasMessageContaining("401").hasMessageContaining("InvalidAuthenticationToken");

        fixture.accessTokens = new GraphFixture.SimAccessTokens(fixture.tokens, fixture.clock, true, Duration.ofMinutes(10));
        GraphDirectory renewing = fixture.directory(DeviceDirectory.AAD);
        assertThat(renewing.lookup(DEVICE, gone)).isEqualTo(NOT_FOUND);
        fixture.clock.advance(Duration.ofMinutes(11));
        assertThat(renewing.lookup(DEVICE, gone)).as("renewed before it expired").isEqualTo(NOT_FOUND);

        fixture.accessTokens.refuse = true;
        assertThatThrownBy(() -> renewing.lookup(USER, gone)).isInstanceOf(DirectoryUnavailableException.class)
                .hasMessageContaining("no token for Microsoft Graph");
    }

    @Test
    void aTokenGraphRefusesBeforeItExpiresIsReplacedOnceThenGraphIsTakenAtItsWord() {
        GraphDirectory directory = fixture.grantAll().directory(DeviceDirectory.AAD_AND_INTUNE);
        UUID device = UUID.randomUUID();
        fixture.graph.addDevice(device);
        UUID user = UUID.randomUUID();
        fixture.graph.addUser(user, "ada@contoso.example");
        assertThat(directory.lookup(DEVICE, device)).isEqualTo(ENABLED);
        long calls = fixture.graph.calls();

        fixture.tokens.forgetIssued();
        assertThat(directory.lookup(DEVICE, device)).as("a $batch refused with 401, sent again with a new token").isEqualTo(ENABLED);
        fixture.tokens.forgetIssued();
        assertThat(directory.lookup(USER, user)).as("a single call refused with 401, sent again").isEqualTo(ENABLED);
        assertThat(fixture.graph.calls() - calls).isEqualTo(4);

        fixture.accessTokens = new GraphFixture.SimAccessTokens(fixture.tokens, fixture.clock, false, Duration.ofHours(1));
        GraphDirectory stuck = fixture.directory(DeviceDirectory.AAD);
        assertThat(stuck.lookup(USER, user)).isEqualTo(ENABLED);
        fixture.tokens.forgetIssued();
        long before = fixture.graph.calls();
        assertThatThrownBy(() -> stuck.lookup(USER, user)).as("refused again: an outage, not an answer")
                .isInstanceOf(DirectoryUnavailableException.class).hasMessageContaining("401");
        assertThat(fixture.graph.calls() - before).as("sent again once, not more").isEqualTo(2);
    }

    @Test
    void a401InsideABatchDropsTheTokenAndIsSentOnceMoreWithANewOne() {
        GraphDirectory directory = fixture.grantAll().directory(DeviceDirectory.AAD_AND_INTUNE);
        UUID device = UUID.randomUUID();
        fixture.graph.addDevice(device);
        String first = fixture.accessTokens.token(java.net.URI.create(fixture.graph.audience()));

        fixture.graph.refuseInnerNext(3);
        assertThat(directory.lookup(DEVICE, device)).as("the batch's three requests refused, then sent again").isEqualTo(ENABLED);
        assertThat(fixture.accessTokens.invalidated).as("the refused token dropped, once for the whole batch").containsExactly(first);
        assertThat(fixture.accessTokens.token(java.net.URI.create(fixture.graph.audience()))).isNotEqualTo(first);
        assertThat(fixture.graph.innerRequests()).as("three, then the same three again").isEqualTo(6);

        UUID other = UUID.randomUUID();
        fixture.graph.addDevice(other);
        fixture.graph.refuseInnerNext(6);
        assertThatThrownBy(() -> directory.lookup(DEVICE, other)).as("refused again: an outage, not an answer, and no third try")
                .isInstanceOf(DirectoryUnavailableException.class).hasMessageContaining("401");
        assertThat(fixture.graph.innerRequests()).isEqualTo(12);
    }

    @Test
    void answersGraphDidNotMeanAsAnswersAreOutagesAndA404IsNotFoundOnlyWithGraphsOwnCode() {
        try (SimServer odd = SimServer.start("odd-graph", fixture.tls)) {
            UUID object = UUID.randomUUID();
            GraphCalls calls = new GraphCalls(odd.uri(), fixture.accessTokens, new dev.scepter.azure.http.JsonHttp(
                    dev.scepter.azure.http.JsonHttp.client(fixture.tls.clientContext(), Duration.ofSeconds(2)), Duration.ofSeconds(2), 1,
                    Duration.ZERO, d -> { }, fixture.clock), Duration.ZERO, Duration.ofSeconds(5), d -> { }, 4);
            GraphDirectory directory = new GraphDirectory(calls, GraphFixture.intune(DeviceDirectory.AAD, false, Duration.ZERO, true),
                    fixture.clock);
            List<SimServer.Reply> replies = List.of(
                    SimServer.Reply.json(200, java.util.Map.of()),
                    SimServer.Reply.json(200, java.util.Map.of("accountEnabled", "yes")),
                    new SimServer.Reply(200, java.util.Map.of("Content-Type", "text/html"), "<html>sign in</html>"),
                    SimServer.Reply.error(404, "NotFound", "no such route"),
                    SimServer.Reply.empty(404),
                    SimServer.Reply.error(500, "UnknownError", "oops"),
                    SimServer.Reply.error(502, "BadGateway", "oops"),
                    SimServer.Reply.error(401, "InvalidAuthenticationToken", "Access token validation failure."),
                    SimServer.Reply.error(403, "Authorization_RequestDenied", "Insufficient privileges"));
            java.util.concurrent.atomic.AtomicReference<SimServer.Reply> next = new java.util.concurrent.atomic.AtomicReference<>();
            odd.route("GET", "/v1\\.0/.*", request -> next.get());
            for (SimServer.Reply reply : replies) {
                next.set(reply);
                assertThatThrownBy(() -> directory.lookup(DEVICE, object)).as(reply.toString()).isInstanceOf(DirectoryUnavailableException.class);
                assertThatThrownBy(() -> directory.lookup(USER, object)).as(reply.toString()).isInstanceOf(DirectoryUnavailableException.class);
            }
            next.set(SimServer.Reply.error(404, "Request_ResourceNotFound", "Resource does not exist"));
            assertThat(directory.lookup(DEVICE, object)).isEqualTo(NOT_FOUND);
        }
    }

    @Test
    void duringAnOutageTheCachedAnswerServesItsCacheTimeThenLookupsFailSoOcspSaysTryLaterAndNeverRevoked() {
        GraphDirectory graph = fixture.grantAll().directory(DeviceDirectory.AAD_AND_INTUNE);
        CachingDirectory cached = new CachingDirectory(graph, fixture.clock, Duration.ofSeconds(5));
        UUID device = UUID.randomUUID();
        fixture.graph.addDevice(device);
        assertThat(cached.lookup(DEVICE, device)).isEqualTo(ENABLED);
        fixture.server.down(true);
        fixture.graph.deleteDevice(device);
        fixture.clock.advance(Duration.ofSeconds(4));
        assertThat(cached.lookup(DEVICE, device)).as("within AppConfig:Directory:CacheSeconds").isEqualTo(ENABLED);
        for (int i = 0; i < 3; i++) {
            fixture.clock.advance(Duration.ofSeconds(2));
            assertThatThrownBy(() -> cached.lookup(DEVICE, device)).isInstanceOf(DirectoryUnavailableException.class);
        }
        fixture.server.down(false);
        fixture.clock.advance(Duration.ofSeconds(2));
        assertThat(cached.lookup(DEVICE, device)).as("Graph back: the deletion counts now").isEqualTo(NOT_FOUND);
    }
}
