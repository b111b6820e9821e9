package dev.scepter.azure.tables;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import dev.scepter.authority.audit.AuditLog;
import dev.scepter.authority.directory.EmbeddedDirectory;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.OneTimeChallengeStore;
import dev.scepter.authority.store.Storage;
import dev.scepter.authority.token.ApiTokenStore;
import dev.scepter.azure.signin.AccessTokens;
import java.math.BigInteger;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * {@link Storage} on Azure Table Storage: SCEPman's {@code Certificates} table, and tables of our
 * own for API tokens, one-time challenges, the audit trail and the embedded directory. Nodes that
 * share the storage account share everything, as nodes sharing a PostgreSQL database do.
 *
 * <p>Two ways in: the account's table endpoint with this instance's Microsoft sign-in (managed
 * identity or app registration, which need the "Storage Table Data Contributor" role), or a
 * connection string (an account key, or Azurite's). The connection string is a secret: it is
 * never logged, and {@link #describe()} names the endpoint only. Calls are bounded (a few seconds
 * and two retries), so that an outage becomes "try later" for a device while it still waits.
 */
public final class TableStorage implements Storage {

    private static final Logger LOG = LoggerFactory.getLogger(TableStorage.class);

    /** Table Storage's audience for Entra ID tokens. */
    static final URI STORAGE_RESOURCE = URI.create("https://storage.azure.com/");

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(10);

    private final TableServiceClient service;
    private final String endpoint;
    private final Tables.Guard guard = new Tables.Guard();
    private final TableCertificateStore certificates;
    private final TableApiTokenStore tokens;
    private final TableOneTimeChallengeStore challenges;
    private final TableAuditLog audit;
    private final TableEmbeddedDirectory directory;
    private final TableAcmeStore acme;

    private TableStorage(TableServiceClient service, Clock clock) {
        this.service = service;
        this.endpoint = service.getServiceEndpoint();
        this.certificates = new TableCertificateStore(service.getTableClient(Tables.CERTIFICATES), guard, clock);
        this.tokens = new TableApiTokenStore(service.getTableClient(Tables.API_TOKENS), guard);
        this.challenges = new TableOneTimeChallengeStore(service.getTableClient(Tables.ONE_TIME_CHALLENGES), guard);
        this.audit = new TableAuditLog(service.getTableClient(Tables.AUDIT_LOG), guard);
        this.directory = new TableEmbeddedDirectory(service.getTableClient(Tables.EMBEDDED_DIRECTORY), guard, clock);
        this.acme = new TableAcmeStore(service.getTableClient(Tables.ACME), guard);
    }

    /**
     * Opens the account a connection string names ({@code AppConfig:CertificateStorage:ConnectionString}).
     *
     * @throws IllegalArgumentException when it is no connection string; the message does not repeat it
     */
    public static TableStorage connect(String connectionString) {
        Objects.requireNonNull(connectionString, "connectionString");
        TableServiceClient service;
        try {
            service = builder(null).connectionString(connectionString).buildClient();
        } catch (RuntimeException e) {
            // The SDK's message may quote the string, and with it the account key.
            throw new IllegalArgumentException("not a storage connection string (AccountName, AccountKey and TableEndpoint or"
                    + " EndpointSuffix, or UseDevelopmentStorage=true)", null);
        }
        return opened(new TableStorage(service, Clock.systemUTC()));
    }

    /**
     * Opens the account at this table endpoint ({@code AppConfig:CertificateStorage:TableStorageEndpoint}),
     * signing in as this instance.
     */
    public static TableStorage open(URI tableEndpoint, AccessTokens signIn) {
        try {
            return open(tableEndpoint, signIn, javax.net.ssl.SSLContext.getDefault());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no default TLS context", e);
        }
    }

    /** @param tls whom to trust on HTTPS (tests: an Azurite with a certificate of their own) */
    public static TableStorage open(URI tableEndpoint, AccessTokens signIn, javax.net.ssl.SSLContext tls) {
        Objects.requireNonNull(tableEndpoint, "tableEndpoint");
        Objects.requireNonNull(signIn, "signIn");
        TokenCredential credential = request -> Mono.fromCallable(() ->
                // AccessTokens keeps and renews the token itself; the SDK asks again when this one says it expires.
                new AccessToken(signIn.token(STORAGE_RESOURCE), OffsetDateTime.now().plusMinutes(5)));
        TableServiceClient service = builder(tls).endpoint(tableEndpoint.toString()).credential(credential).buildClient();
        return opened(new TableStorage(service, Clock.systemUTC()));
    }

    private static TableStorage opened(TableStorage storage) {
        LOG.info("Storage: {}", storage.describe());
        return storage;
    }

    private static TableServiceClientBuilder builder(javax.net.ssl.SSLContext tls) {
        java.net.http.HttpClient.Builder jdk = java.net.http.HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT);
        if (tls != null) {
            jdk.sslContext(tls);
        }
        HttpClient http = new JdkHttpClientBuilder(jdk).responseTimeout(RESPONSE_TIMEOUT).build();
        RetryOptions retry = new RetryOptions(new ExponentialBackoffOptions().setMaxRetries(2)
                .setBaseDelay(Duration.ofMillis(200)).setMaxDelay(Duration.ofSeconds(2)));
        return new TableServiceClientBuilder().httpClient(http).retryOptions(retry).addPolicy(new XmlErrorAnswers());
    }

    /**
     * Creates the tables that are missing and leaves the others as they are: what
     * {@code complete-installation} does, any number of times.
     *
     * @return the tables it created
     */
    public java.util.List<String> createTablesIfMissing() {
        java.util.List<String> created = new java.util.ArrayList<>();
        for (String table : missingTables()) {
            Tables.call(guard, table, () -> service.createTableIfNotExists(table));
            created.add(table);
        }
        return created;
    }

    /** The tables this storage keeps that the account does not have yet; reads, changes nothing. */
    public java.util.List<String> missingTables() {
        java.util.Set<String> present = new java.util.HashSet<>();
        Tables.call(guard, "tables", () -> {
            service.listTables().forEach(table -> present.add(table.getName()));
            return null;
        });
        return Tables.ALL.stream().filter(table -> !present.contains(table)).toList();
    }

    @Override
    public CertificateStore certificateStore() {
        return certificates;
    }

    @Override
    public ApiTokenStore apiTokenStore() {
        return tokens;
    }

    @Override
    public OneTimeChallengeStore oneTimeChallengeStore() {
        return challenges;
    }

    @Override
    public dev.scepter.authority.store.AcmeStore acmeStore() {
        return acme;
    }

    @Override
    public AuditLog auditLog() {
        return audit;
    }

    @Override
    public EmbeddedDirectory embeddedDirectory() {
        return directory;
    }

    @Override
    public String describe() {
        return "Azure Table Storage at " + endpoint;
    }

    @Override
    public void close() {
        guard.close();
    }

    // --- for tests that look past the port ------------------------------------------------------

    /** A certificate as another store recorded it, with the time it did: what a copy into this storage keeps. */
    public record Recorded(dev.scepter.authority.store.IssuedCertificate certificate, Instant recordedAt) {
        public Recorded {
            java.util.Objects.requireNonNull(certificate, "certificate");
            java.util.Objects.requireNonNull(recordedAt, "recordedAt");
        }
    }

    /** The serials of {@code issuer} in the Certificates table, each with its revocation (one listing, no certificate read). */
    public Map<BigInteger, java.util.Optional<dev.scepter.authority.store.Revocation>> recordedSerials(String issuer) {
        return certificates.recorded(issuer);
    }

    /**
     * Records certificates of {@code issuer} copied from another store, keeping when they were
     * recorded there, in Table Storage transactions of up to 100; serials already taken are left as
     * they are.
     *
     * @return how many this call recorded
     */
    public long recordCopies(String issuer, java.util.List<Recorded> certificates) {
        return this.certificates.recordAll(issuer, certificates);
    }

    /** Sets when a certificate was recorded, which the store otherwise sets itself. */
    public void setRecordedAt(String issuer, BigInteger serialNumber, Instant recordedAt) {
        certificates.setRecordedAt(issuer, serialNumber, recordedAt);
    }

    /** The table's entities' properties, as kept (keys included), for tests that read past the port. */
    public java.util.List<Map<String, Object>> entities(String table) {
        return Tables.call(guard, table, () -> Tables.list(service.getTableClient(table), null, null).stream()
                .map(entity -> {
                    Map<String, Object> properties = new java.util.TreeMap<>(entity.getProperties());
                    properties.put("PartitionKey", entity.getPartitionKey());
                    properties.put("RowKey", entity.getRowKey());
                    return (Map<String, Object>) properties;
                }).toList());
    }

    /** Deletes every entity of every table, keeping the tables: an empty storage for the next test. */
    public void deleteEverything() {
        for (String table : Tables.ALL) {
            var client = service.getTableClient(table);
            Tables.call(guard, table, () -> {
                Tables.list(client, null, java.util.List.of("PartitionKey", "RowKey"))
                        .forEach(entity -> client.deleteEntity(entity.getPartitionKey(), entity.getRowKey()));
                return null;
            });
        }
    }
}
