package dev.scepter.azure.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.directory.DirectoryUnavailableException;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.OneTimeChallengeStore;
import dev.scepter.authority.store.Revocation;
import dev.scepter.authority.store.RevocationOutcome;
import dev.scepter.authority.store.StoreUnavailableException;
import dev.scepter.azure.sim.AzuriteServer;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the Table Storage adapter does: its tables and columns, two nodes on one account, an outage. */
class TableStorageTest {

    private static final String ISSUER = "CN=Scepter Test CA,O=Scepter";

    @TempDir
    Path workspace;

    @Test
    void keepsCertificatesInScepmansTableWithScepmansColumns() {
        try (AzuriteServer azurite = AzuriteServer.startInMemory(workspace);
                TableStorage storage = TableStorage.connect(azurite.connectionString())) {
            assertThat(storage.createTablesIfMissing()).containsExactlyInAnyOrderElementsOf(Tables.ALL);
            assertThat(storage.createTablesIfMissing()).as("a second run creates nothing").isEmpty();
            IssuedCertificate certificate = certificate(new BigInteger("4A0B0C", 16));
            storage.certificateStore().record(certificate);
            storage.certificateStore().revoke(ISSUER, certificate.serialNumber(), new Revocation(1, Instant.parse("2025-06-01T00:00:00Z"),
                    "admin@example.com"));

            Map<String, Object> row = storage.entities("Certificates").get(0);
            assertThat(row).containsEntry("RowKey", "4A0B0C").containsEntry("Subject", "CN=laptop")
                    .containsEntry("Requester", "Intune").containsEntry("FQDNs", "laptop.example,laptop")
                    .containsEntry("UPN", "alice@example.com").containsEntry("Revoked", true).containsEntry("RevokedBy", "admin@example.com")
                    .containsEntry("Issuer", ISSUER).containsKeys("ExpirationDate", "Certificate", "RecordedAt", "TransactionId");
        }
    }

    @Test
    void anIssuerWithCharactersTableStorageRefusesInKeysIsKeptAndFound() {
        // Table Storage refuses / \\ # ? in keys; a DN may hold them.
        String issuer = "CN=Lab/CA #2?,O=100% Test\\, Inc.";
        assertThat(Tables.key(issuer)).isEqualTo("CN=Lab%2FCA %232%3F,O=100%25 Test%5C, Inc.");
        try (AzuriteServer azurite = AzuriteServer.startInMemory(workspace);
                TableStorage storage = TableStorage.connect(azurite.connectionString())) {
            storage.createTablesIfMissing();
            IssuedCertificate certificate = new IssuedCertificate(BigInteger.TWO, issuer, "CN=x", List.of(), Instant.parse("2025-01-01T00:00:00Z"),
                    Instant.parse("2026-01-01T00:00:00Z"), "api", "t", Optional.empty(), Optional.empty(), Optional.empty(), new byte[] {0x30});
            storage.certificateStore().record(certificate);

            assertThat(storage.certificateStore().find(issuer, BigInteger.TWO)).hasValueSatisfying(found -> assertThat(found.issuer()).isEqualTo(issuer));
            assertThat(storage.certificateStore().revoke(issuer, BigInteger.TWO, new Revocation(0, Instant.now(), "admin")))
                    .isEqualTo(RevocationOutcome.REVOKED);
            assertThat(storage.certificateStore().revocations(issuer)).hasSize(1);
        }
    }

    @Test
    void twoNodesOnOneAccountSeeEachOthersWritesAndAChallengeIsConsumedOnceAcrossThem() throws Exception {
        try (AzuriteServer azurite = AzuriteServer.startInMemory(workspace);
                TableStorage nodeA = TableStorage.connect(azurite.connectionString());
                TableStorage nodeB = TableStorage.connect(azurite.connectionString())) {
            nodeA.createTablesIfMissing();
            IssuedCertificate certificate = certificate(new BigInteger("5012345678", 16));
            nodeA.certificateStore().record(certificate);
            assertThat(nodeB.certificateStore().revoke(ISSUER, certificate.serialNumber(),
                    new Revocation(4, Instant.parse("2025-06-01T00:00:00Z"), "ops"))).isEqualTo(RevocationOutcome.REVOKED);
            assertThat(nodeA.certificateStore().revocations(ISSUER)).singleElement()
                    .satisfies(revoked -> assertThat(revoked.serialNumber()).isEqualTo(certificate.serialNumber()));

            byte[] hash = new byte[32];
            hash[5] = 1;
            Instant now = Instant.now();
            nodeA.oneTimeChallengeStore().save(new OneTimeChallengeStore.Stored(hash, Optional.empty(), now.plusSeconds(60)));
            List<Callable<Boolean>> uses = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                TableStorage node = i % 2 == 0 ? nodeA : nodeB;
                uses.add(() -> node.oneTimeChallengeStore().consume(hash, now));
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            int wins = 0;
            try {
                for (Future<Boolean> use : pool.invokeAll(uses)) {
                    wins += use.get() ? 1 : 0;
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(wins).isEqualTo(1);
        }
    }

    @Test
    void anOutageIsTryLaterNeverAnEmptyAnswer() {
        try (AzuriteServer azurite = AzuriteServer.startInMemory(workspace);
                TableStorage storage = TableStorage.connect(azurite.connectionString())) {
            storage.createTablesIfMissing();
            azurite.stop();
            Instant started = Instant.now();

            assertThatThrownBy(() -> storage.certificateStore().count()).isInstanceOf(StoreUnavailableException.class)
                    .hasMessageStartingWith("Azure Table Storage cannot answer (Certificates)");
            assertThat(Duration.between(started, Instant.now())).as("bounded, so a device still waits").isLessThan(Duration.ofSeconds(30));
            assertThatThrownBy(() -> storage.certificateStore().find(ISSUER, BigInteger.TEN)).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> storage.certificateStore().revocations(ISSUER)).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> storage.oneTimeChallengeStore().consume(new byte[32], Instant.now()))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> storage.apiTokenStore().findByValueHash(new byte[32])).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> storage.embeddedDirectory().lookup(DirectoryObjectType.DEVICE, UUID.randomUUID()))
                    .isInstanceOf(DirectoryUnavailableException.class);
        }
    }

    @Test
    void aMissingTableSaysThatTheInstallationCreatesIt() {
        try (AzuriteServer azurite = AzuriteServer.startInMemory(workspace);
                TableStorage storage = TableStorage.connect(azurite.connectionString())) {
            assertThatThrownBy(() -> storage.certificateStore().find(ISSUER, BigInteger.TEN)).isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("the table Certificates does not exist (complete-installation creates it)");
        }
    }

    @Test
    void theConnectionStringsKeyIsNeitherDescribedNorRepeatedInAnError() {
        try (AzuriteServer azurite = AzuriteServer.startInMemory(workspace);
                TableStorage storage = TableStorage.connect(azurite.connectionString())) {
            assertThat(storage.describe()).isEqualTo("Azure Table Storage at " + azurite.tableEndpoint())
                    .doesNotContain(AzuriteServer.ACCOUNT_KEY);
            // A wrong key is refused (403, in XML): an outage with its reason, never an error the caller does not expect.
            String wrongKey = azurite.connectionString().replace(AzuriteServer.ACCOUNT_KEY, "d3Jvbmcta2V5LXdyb25nLWtleQ==");
            try (TableStorage refused = TableStorage.connect(wrongKey)) {
                assertThatThrownBy(() -> refused.certificateStore().count()).isInstanceOf(StoreUnavailableException.class)
                        .hasMessageContaining("HTTP 403").hasMessageNotContaining("d3Jvbmcta2V5LXdyb25nLWtleQ==");
            }
        }
        String broken = "AccountName=x;AccountKey=c2VjcmV0LWtleQ==;Nonsense";
        assertThatThrownBy(() -> TableStorage.connect(broken)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("c2VjcmV0LWtleQ==").hasMessageContaining("connection string");
    }

    @Test
    void aSearchReadsThePartitionWithoutTheDersAndFetchesThoseOfThePageOnly() {
        try (AzuriteServer azurite = AzuriteServer.startInMemory(workspace);
                TableStorage storage = TableStorage.connect(azurite.connectionString())) {
            storage.createTablesIfMissing();
            for (int serial = 1; serial <= 20; serial++) {
                storage.certificateStore().record(certificate(BigInteger.valueOf(serial)));
            }
            List<String> queries = new java.util.concurrent.CopyOnWriteArrayList<>();
            com.azure.data.tables.TableClient observed = new com.azure.data.tables.TableClientBuilder().connectionString(azurite.connectionString())
                    .tableName(Tables.CERTIFICATES).addPolicy((context, next) -> {
                        queries.add(java.net.URLDecoder.decode(String.valueOf(context.getHttpRequest().getUrl().getQuery()),
                                java.nio.charset.StandardCharsets.UTF_8));
                        return next.process();
                    }).buildClient();
            TableCertificateStore store = new TableCertificateStore(observed, new Tables.Guard(), java.time.Clock.systemUTC());

            var page = store.search(ISSUER, new dev.scepter.authority.store.SearchQuery(Optional.of("laptop"),
                    dev.scepter.authority.store.SearchQuery.Validity.ANY, Instant.now(), 15, Optional.empty()));

            assertThat(page.items()).hasSize(15).allSatisfy(found -> assertThat(found.der()).containsExactly(0x30, 0x03, 0x02, 0x01, 0x01));
            assertThat(page.continuationToken()).isPresent();
            // The partition without its DERs, then the page's 15 rows by row key: 14 and 1.
            assertThat(queries).hasSize(3);
            assertThat(queries.get(0)).contains("$select=").doesNotContain("Certificate,").doesNotContain(",Certificate");
            assertThat(queries.get(1)).doesNotContain("$select").contains("RowKey eq ");
        }
    }

    @Test
    void theCountIsKeptThirtySecondsAndARecordOfThisNodeShowsAtOnce() {
        try (AzuriteServer azurite = AzuriteServer.startInMemory(workspace);
                TableStorage other = TableStorage.connect(azurite.connectionString())) {
            other.createTablesIfMissing();
            other.certificateStore().record(certificate(BigInteger.ONE));
            List<String> queries = new java.util.concurrent.CopyOnWriteArrayList<>();
            com.azure.data.tables.TableClient observed = new com.azure.data.tables.TableClientBuilder().connectionString(azurite.connectionString())
                    .tableName(Tables.CERTIFICATES).addPolicy((context, next) -> {
                        queries.add(String.valueOf(context.getHttpRequest().getUrl().getQuery()));
                        return next.process();
                    }).buildClient();
            java.util.concurrent.atomic.AtomicReference<Instant> now = new java.util.concurrent.atomic.AtomicReference<>(Instant.now());
            java.time.Clock clock = new java.time.Clock() {
                @Override
                public java.time.ZoneId getZone() {
                    return java.time.ZoneOffset.UTC;
                }

                @Override
                public java.time.Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return now.get();
                }
            };
            TableCertificateStore store = new TableCertificateStore(observed, new Tables.Guard(), clock);

            assertThat(store.count()).isEqualTo(1);
            assertThat(store.count()).isEqualTo(1);
            assertThat(queries).as("the homepage's second load within 30 s reads no table").hasSize(1);

            store.record(certificate(BigInteger.TWO));
            assertThat(store.count()).as("this node's record shows at once").isEqualTo(2);
            other.certificateStore().record(certificate(BigInteger.TEN));
            assertThat(store.count()).as("another node's within 30 s").isEqualTo(2);
            now.set(now.get().plus(TableCertificateStore.COUNT_KEPT));
            assertThat(store.count()).isEqualTo(3);
        }
    }

    private static IssuedCertificate certificate(BigInteger serial) {
        return new IssuedCertificate(serial, ISSUER, "CN=laptop", List.of("dns:laptop.example", "dns:laptop", "upn:alice@example.com"),
                Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z"), "intune", "Intune", Optional.of("T1"),
                Optional.empty(), Optional.empty(), new byte[] {0x30, 0x03, 0x02, 0x01, 0x01});
    }
}
