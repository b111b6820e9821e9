package dev.scepter.azure.keyvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.authority.ca.CaKeyUnavailableException;
import dev.scepter.azure.connection.ConnectionStatus;
import dev.scepter.azure.signin.AccessTokens;
import dev.scepter.azure.sim.KeyVaultSimulator;
import dev.scepter.azure.sim.SimServer;
import dev.scepter.azure.sim.SimTls;
import dev.scepter.azure.sim.SimTokens;
import dev.scepter.keys.KeyCustody;
import dev.scepter.keys.KeyCustodyContractTest;
import dev.scepter.keys.RootCaSpec;
import dev.scepter.settings.RawSettings;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key contract on the Key Vault simulator (HTTPS on loopback, challenge authentication, the
 * REST contract of ms_contracts.md 4.2), bound from {@code KeyVaultURL} as the installer's factory
 * binds it; and what is particular to Key Vault: the key is only ever used, never read;
 * throttling is waited out as {@code Retry-After} says, within bounds; an unavailable vault is a
 * clear exception at once, not a hang; a wrong audience or a missing permission names what to fix.
 */
class KeyVaultKeyCustodyTest extends KeyCustodyContractTest {

    private static final String VAULT_URL = "AppConfig:KeyVaultConfig:KeyVaultURL";

    @TempDir
    Path dataDir;

    private final SimTls tls = SimTls.generate();
    private final SimServer server = SimServer.start("keyvault", tls);
    private final SimTokens simTokens = new SimTokens(Instant::now);
    private final KeyVaultSimulator vault = new KeyVaultSimulator(server, simTokens);
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final List<URI> tokenAudiences = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicBoolean wrongTokens = new java.util.concurrent.atomic.AtomicBoolean();
    private final Map<String, String> values = new HashMap<>(Map.of(VAULT_URL, vault.vaultUrl() + "/"));

    private final AccessTokens tokens = new AccessTokens() {
        @Override
        public String token(URI resource) {
            tokenAudiences.add(resource);
            return simTokens.mint("scepter", wrongTokens.get() ? "https://storage.azure.com" : resource.toString(), Duration.ofHours(1));
        }

        @Override
        public String describe() {
            return "simulated managed identity";
        }
    };

    @AfterEach
    void stop() {
        server.close();
    }

    @Override
    protected KeyCustody create(RootCaSpec spec) throws Exception {
        return create(spec, Clock.systemUTC());
    }

    @Override
    protected KeyCustody create(RootCaSpec spec, Clock clock) throws Exception {
        return KeyVaultKeyCustody.createRootCa(settings(), access(), spec, clock, new SecureRandom());
    }

    @Override
    protected KeyCustody reopen() throws Exception {
        return KeyVaultKeyCustody.open(settings(), access());
    }

    private KeyVaultAccess access() {
        return new KeyVaultAccess(tokens, tls.clientContext(), waits::add, Clock.systemUTC());
    }

    private KeyVaultSettings settings() {
        return KeyVaultSettings.bind(RawSettings.of(values)).orElseThrow();
    }

    @Test
    void theCaIsACertificateObjectOfTheVaultAndNothingIsWrittenToTheDataFolder() throws Exception {
        assertThat(KeyVaultKeyCustody.find(settings(), access())).isEmpty();

        KeyCustody custody = create(RSA_CA);

        assertThat(custody.kind()).isEqualTo(KeyCustody.Kind.KEY_VAULT);
        assertThat(custody.ca().describe()).isEqualTo("Key Vault " + vault.vaultUrl() + "/, certificate Scepter-Root-CA-V1");
        // The certificate's key is the vault's: the CA certificate carries the public key the vault holds.
        assertThat(custody.ca().certificate().getSubjectPublicKeyInfo().getEncoded())
                .isEqualTo(vault.publicKey("Scepter-Root-CA-V1").getEncoded());
        assertThat(KeyVaultKeyCustody.find(settings(), access())).isPresent();
        assertThat(dataDir).isEmptyDirectory();
        assertThat(tokenAudiences).isNotEmpty().allMatch(audience -> audience.equals(URI.create("https://vault.azure.net")));
    }

    @Test
    void theKeyIsOnlyUsedNeverReadAndEachSignatureIsOneSignOperation() throws Exception {
        KeyCustody custody = create(RSA_CA);
        int signsBefore = vault.count("sign");

        assertSignsVerifiably(custody.ca(), custody.ca().certificate());
        assertDecryptsScepRequestsTo(custody.scepKey(), custody.ca().certificate());

        assertThat(vault.count("sign")).isEqualTo(signsBefore + 1);
        assertThat(vault.count("unwrapkey")).isEqualTo(1);
        // Only the key's public half is ever asked for: no secret (a certificate's PFX), no export, no backup.
        assertThat(server.requests()).allSatisfy(request -> assertThat(request.path())
                .matches("/(keys/Scepter-Root-CA-V1(/[0-9a-f]{32}/(sign|unwrapkey))?|certificates/Scepter-Root-CA-V1(/create|/pending/merge)?)"));
        assertThat(server.requests()).filteredOn(request -> request.path().startsWith("/keys/") && "GET".equals(request.method()))
                .isNotEmpty();
    }

    @Test
    void anRsaHsmKeyIsMadeWhenTheKeyTypeSaysSo() throws Exception {
        values.put("AppConfig:KeyVaultConfig:RootCertificateConfig:KeyType", "RSA-HSM");
        create(RSA_CA);

        assertThat(server.requests()).filteredOn(request -> request.path().endsWith("/create")).singleElement()
                .satisfies(request -> assertThat(request.json().path("policy").path("key_props").path("kty").asString()).isEqualTo("RSA-HSM"));
    }

    @Test
    void throttlingIsWaitedOutAsRetryAfterSays() throws Exception {
        KeyCustody custody = create(RSA_CA);
        server.throttleNext(1, 429, 2);

        assertSignsVerifiably(custody.ca(), custody.ca().certificate());

        assertThat(waits).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void anUnavailableVaultIsAClearExceptionAfterAFewBoundedTriesNotAHang() throws Exception {
        KeyCustody custody = create(RSA_CA);
        int before = server.requests().size();
        server.throttleNext(100, 503, 1);

        assertThatThrownBy(() -> assertSignsVerifiably(custody.ca(), custody.ca().certificate()))
                .isInstanceOf(KeyVaultUnavailableException.class)
                .hasMessageContaining("Key Vault " + vault.vaultUrl())
                .hasMessageContaining("HTTP 503, Retry-After 1 s")
                .hasMessageContaining("sign with the key Scepter-Root-CA-V1/");
        assertThat(server.requests().size() - before).isEqualTo(KeyVaultKeyCustody.ATTEMPTS);
        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    @Test
    void aRetryAfterLongerThanACallerCanWaitIsNotWaitedFor() throws Exception {
        KeyCustody custody = create(RSA_CA);
        server.throttleNext(1, 429, 60);

        assertThatThrownBy(() -> custody.scepKey().decrypter().decryptContentEncryptionKey(null, new byte[256]))
                .isInstanceOf(KeyVaultUnavailableException.class)
                .hasMessageContaining("HTTP 429, Retry-After 60 s");
        assertThat(waits).isEmpty();
    }

    @Test
    void anotherCloudsAudienceIsNamedWithItsSetting() throws Exception {
        create(RSA_CA);
        values.put("AppConfig:AzureCloudConfig:KeyVaultEndpoint", "https://vault.usgovcloudapi.net");

        assertThatThrownBy(this::reopen).isInstanceOf(IllegalStateException.class)
                .hasMessage("Key Vault " + vault.vaultUrl() + "/ wants tokens for https://vault.azure.net, and this instance asks for "
                        + "https://vault.usgovcloudapi.net (AppConfig:AzureCloudConfig:KeyVaultEndpoint): set it to https://vault.azure.net.");
    }

    @Test
    void aPermissionRemovedWhileServingIsTheKeyUnavailableNamingThePermissionsToGrant() throws Exception {
        KeyCustody custody = create(RSA_CA);
        vault.deny("sign");
        vault.deny("unwrapkey");

        // Not an IllegalStateException: the protocols answer a CaKeyUnavailableException as "try later", anything else as a 500.
        assertThatThrownBy(() -> assertSignsVerifiably(custody.ca(), custody.ca().certificate()))
                .isInstanceOf(KeyVaultRefusedException.class)
                .isInstanceOf(CaKeyUnavailableException.class)
                .hasMessageContaining("refused to sign with the key Scepter-Root-CA-V1/")
                .hasMessageContaining("HTTP 403")
                .hasMessageContaining("keys permissions get, sign and unwrapKey");
        assertThatThrownBy(() -> custody.scepKey().decrypter().decryptContentEncryptionKey(null, new byte[256]))
                .isInstanceOf(KeyVaultRefusedException.class)
                .hasMessageContaining("refused to unwrapkey with the key Scepter-Root-CA-V1/");
    }

    @Test
    void tokensTheVaultNoLongerTakesWhileServingAreTheKeyUnavailable() throws Exception {
        KeyCustody custody = create(RSA_CA);
        // The sign-in now gives tokens the vault refuses (401 again after the renewed token): the key cannot be used.
        wrongTokens.set(true);

        assertThatThrownBy(() -> assertSignsVerifiably(custody.ca(), custody.ca().certificate()))
                .isInstanceOf(KeyVaultRefusedException.class)
                .hasMessageContaining("refused to sign with the key Scepter-Root-CA-V1/")
                .hasMessageContaining("HTTP 401");
    }

    @Test
    void anInstallationThatMayNotSignSaysSoAsStartUpDoes() {
        vault.deny("sign");

        assertThatThrownBy(() -> create(RSA_CA)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refused to sign with the key Scepter-Root-CA-V1/")
                .hasMessageContaining("HTTP 403");
    }

    @Test
    void anEnvelopeTheVaultCannotUnwrapIsTheClientsNotTheVaultsOutage() throws Exception {
        KeyVaultKeyCustody custody = (KeyVaultKeyCustody) create(RSA_CA);
        assertThat(custody.check()).singleElement().satisfies(row -> assertThat(row.state()).isEqualTo(ConnectionStatus.State.CONNECTED));

        // 256 bytes of zeros: no PKCS#1 v1.5 block under the CA's key, and Key Vault answers 400.
        assertThatThrownBy(() -> custody.scepKey().decrypter().decryptContentEncryptionKey(null, new byte[256]))
                .isInstanceOf(javax.crypto.BadPaddingException.class)
                .hasMessageContaining("HTTP 400");

        assertThat(custody.check()).singleElement().satisfies(row -> assertThat(row.state()).isEqualTo(ConnectionStatus.State.CONNECTED));
        assertThat(waits).isEmpty();
    }

    @Test
    void aCaIsNeverReplacedAndAMissingOneSaysHowToMakeIt() throws Exception {
        assertThatThrownBy(this::reopen).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("holds no certificate named 'Scepter-Root-CA-V1' (AppConfig:KeyVaultConfig:RootCertificateConfig:CertificateName)")
                .hasMessageContaining("run complete-installation");
        X509CertificateHolder first = create(RSA_CA).ca().certificate();

        assertThatThrownBy(() -> create(RSA_CA)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already holds a certificate named 'Scepter-Root-CA-V1'");
        assertThat(reopen().ca().certificate()).isEqualTo(first);
    }

    @Test
    void aVaultUrlThatIsNotHttpsIsRefusedNamingIt() {
        values.put(VAULT_URL, "http://kv-contoso.vault.azure.net/");

        assertThatThrownBy(this::reopen).isInstanceOf(IllegalStateException.class)
                .hasMessage("AppConfig:KeyVaultConfig:KeyVaultURL must be an https:// URL, not 'http://kv-contoso.vault.azure.net/'.");
    }

    @Test
    void theConnectionRowSaysWhetherTheVaultSignsAndWhyNot() throws Exception {
        KeyVaultKeyCustody custody = (KeyVaultKeyCustody) create(RSA_CA);
        assertThat(custody.check()).singleElement().satisfies(row -> {
            assertThat(row.state()).isEqualTo(ConnectionStatus.State.CONNECTED);
            assertThat(row.name()).isEqualTo("Azure Key Vault");
            assertThat(row.reason()).isEqualTo("Key Vault " + vault.vaultUrl() + "/, certificate Scepter-Root-CA-V1: answers");
        });

        vault.throttle("sign", 1, 429, 60);
        assertThatThrownBy(() -> assertSignsVerifiably(custody.ca(), custody.ca().certificate()))
                .isInstanceOf(KeyVaultUnavailableException.class);
        int requests = server.requests().size();

        // What the failed signature taught is the answer: no call of the check's own, and a read does not hide it.
        assertThat(custody.check()).singleElement().satisfies(row -> {
            assertThat(row.state()).isEqualTo(ConnectionStatus.State.NOT_CONNECTED);
            assertThat(row.reason()).contains("throttled (HTTP 429, Retry-After 60 s) on sign with the key Scepter-Root-CA-V1/");
        });
        assertThat(server.requests()).hasSize(requests);

        vault.deny("sign");
        assertThatThrownBy(() -> assertSignsVerifiably(custody.ca(), custody.ca().certificate())).isInstanceOf(KeyVaultRefusedException.class)
                .hasMessageContaining("grant this instance's identity the role Key Vault Crypto User on the vault");
        assertThat(custody.check()).singleElement().satisfies(row -> {
            assertThat(row.state()).isEqualTo(ConnectionStatus.State.NOT_CONNECTED);
            assertThat(row.reason()).contains("refused to sign with the key Scepter-Root-CA-V1/").contains("HTTP 403, Forbidden");
            assertThat(row.missingPermission()).contains("Key Vault Crypto User");
        });
    }
}
