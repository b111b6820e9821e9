package dev.scepter.azure.intune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.InMemoryAuditLog;
import dev.scepter.authority.InMemoryCertificateStore;
import dev.scepter.authority.revocation.Revocations;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.validity.RevocationIndex;
import dev.scepter.azure.sim.IntuneSimulator;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Intune's revocation requests, carried out through the authority's revocations and answered with Intune's codes. */
class IntuneRevocationPollerTest {

    private static final String ISSUER = "CN=Test Root CA,O=Scepter Tests";
    private static final BigInteger OURS = new BigInteger("41aa00112233445566778899aabbccddeeff0011", 16);

    private final IntuneFixture fixture = new IntuneFixture();
    private final IntuneSimulator intune = fixture.intune;
    private final InMemoryCertificateStore store = new InMemoryCertificateStore();
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final RevocationIndex index = new RevocationIndex(store, ISSUER);
    private final IntuneRevocationPoller poller = new IntuneRevocationPoller(fixture.client,
            new Revocations(store, ISSUER, index, audit, Clock.systemUTC()), store, ISSUER, java.util.Set.of("intune"));

    @AfterEach
    void stop() {
        fixture.close();
    }

    private void record(BigInteger serial) {
        record(serial, "intune");
    }

    private void record(BigInteger serial, String endpoint) {
        store.record(new IssuedCertificate(serial, ISSUER, "CN=device", List.of(), Instant.now(), Instant.now().plusSeconds(3600),
                endpoint, "192.0.2.7", Optional.of("tx"), Optional.empty(), Optional.empty(), new byte[] {1}));
    }

    private JsonNode resultFor(String context) {
        return intune.uploadedResults().stream().filter(r -> r.path("requestContext").asString().equals(context)).findFirst().orElseThrow();
    }

    @Test
    void revokesWhatIntuneAsksForAndUploadsEachResultWithIntunesCode() {
        record(OURS);
        String ours = intune.requestRevocation(OURS.toString(16).toUpperCase(java.util.Locale.ROOT), ISSUER);
        String unknown = intune.requestRevocation("41BB", ISSUER);
        String garbled = intune.requestRevocation("not-hex", ISSUER);
        intune.requestRevocation("41CC", "CN=Somebody else");

        IntuneRevocationPoller.Poll poll = poller.pollOnce();

        assertThat(poll).isEqualTo(new IntuneRevocationPoller.Poll(3, 1, 2));
        assertThat(store.find(ISSUER, OURS).orElseThrow().revocation()).hasValueSatisfying(revocation -> {
            assertThat(revocation.reason()).isEqualTo(5);
            assertThat(revocation.revokedBy()).isEqualTo("Intune");
        });
        assertThat(index.find(OURS)).as("OCSP knows at once").isPresent();
        assertThat(audit.events).as("every attempt is audited").extracting(e -> e.actor() + " " + e.action() + " " + e.target() + " " + e.outcome())
                .containsExactly("Intune certificate.revoke " + OURS.toString(16).toUpperCase(java.util.Locale.ROOT) + " reason 5 revoked",
                        "Intune certificate.revoke 41BB reason 5 not_found");
        assertThat(resultFor(ours).path("succeeded").asBoolean()).isTrue();
        assertThat(resultFor(ours).path("errorCode").asString()).isEqualTo("0");
        assertThat(resultFor(unknown).path("errorCode").asString()).isEqualTo("4004");
        assertThat(resultFor(unknown).path("succeeded").asBoolean()).isFalse();
        assertThat(resultFor(garbled).path("errorCode").asString()).isEqualTo("4002");
        assertThat(intune.pendingRevocations()).as("another CA's request is not ours to answer")
                .extracting(IntuneSimulator.RevocationRequest::serialNumber).containsExactly("41CC");

        JsonNode download = intune.downloads().get(0).path("downloadParameters");
        assertThat(download.path("maxRequests").asInt()).isEqualTo(500);
        assertThat(download.path("issuerName").asString()).isEqualTo(ISSUER);
        assertThat(intune.server().requests()).extracting(r -> r.header("api-version")).containsOnly("5019-05-05");
    }

    @Test
    void aCertificateRevokedAlreadyIsAnsweredAsAConflictAndNothingIsAskedWhenNothingWaits() {
        record(OURS);
        intune.requestRevocation(OURS.toString(16), ISSUER);
        poller.pollOnce();
        String again = intune.requestRevocation(OURS.toString(16), ISSUER);

        poller.pollOnce();
        IntuneRevocationPoller.Poll idle = poller.pollOnce();

        assertThat(resultFor(again).path("errorCode").asString()).isEqualTo("4005");
        assertThat(resultFor(again).path("succeeded").asBoolean()).isFalse();
        assertThat(idle).isEqualTo(new IntuneRevocationPoller.Poll(0, 0, 0));
        assertThat(store.find(ISSUER, OURS).orElseThrow().revocation().orElseThrow().reason()).isEqualTo(5);
    }

    @Test
    void aCertificateOfOursThatIntuneDidNotEnrollIsNotIntunesToRevoke() {
        BigInteger jamf = new BigInteger("44aa00112233445566778899aabbccddeeff0011", 16);
        BigInteger api = new BigInteger("10aa00112233445566778899aabbccddeeff0011", 16);
        record(jamf, "jamf");
        record(api, "api");
        record(OURS);
        String forJamf = intune.requestRevocation(jamf.toString(16).toUpperCase(java.util.Locale.ROOT), ISSUER);
        String forApi = intune.requestRevocation(api.toString(16), ISSUER);
        String forOurs = intune.requestRevocation(OURS.toString(16), ISSUER);

        IntuneRevocationPoller.Poll poll = poller.pollOnce();

        assertThat(poll).isEqualTo(new IntuneRevocationPoller.Poll(3, 1, 2));
        assertThat(store.find(ISSUER, jamf).orElseThrow().revocation()).isEmpty();
        assertThat(store.find(ISSUER, api).orElseThrow().revocation()).isEmpty();
        assertThat(index.find(jamf)).isEmpty();
        assertThat(store.find(ISSUER, OURS).orElseThrow().revocation()).isPresent();
        assertThat(resultFor(forJamf).path("errorCode").asString()).isEqualTo("4004");
        assertThat(resultFor(forJamf).path("succeeded").asBoolean()).isFalse();
        assertThat(resultFor(forApi).path("errorCode").asString()).isEqualTo("4004");
        assertThat(resultFor(forOurs).path("errorCode").asString()).isEqualTo("0");
        assertThat(audit.events).as("only the Intune certificate was revoked").extracting(e -> e.target())
                .containsExactly(OURS.toString(16).toUpperCase(java.util.Locale.ROOT) + " reason 5");
    }

    @Test
    void intuneDownFailsThePollAndRevokesNothing() {
        record(OURS);
        intune.requestRevocation(OURS.toString(16), ISSUER);
        intune.server().down(true);

        org.junit.jupiter.api.Assertions.assertThrows(IntuneUnavailableException.class, poller::pollOnce);

        assertThat(store.find(ISSUER, OURS).orElseThrow().revocation()).isEmpty();
    }
}
