package dev.scepter.azure.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.StoreUnavailableException;
import dev.scepter.azure.signin.AccessTokens;
import dev.scepter.azure.sim.AzuriteServer;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The table endpoint reached with this instance's Microsoft sign-in ({@code TableStorageEndpoint}),
 * against an Azurite on HTTPS that checks bearer tokens ({@code --oauth basic}: issuer, audience,
 * lifetime): the adapter asks the sign-in for Table Storage's audience and nothing else works.
 */
class TableStorageSignInTest {

    @TempDir
    Path workspace;

    @Test
    void theStorageIsReachedWithATokenForTableStoragesAudience() throws Exception {
        SSLContext tls = azuriteTls();
        List<URI> asked = new CopyOnWriteArrayList<>();
        AccessTokens signIn = tokens(asked, null);
        try (AzuriteServer azurite = AzuriteServer.startWithOAuth(workspace.resolve("azurite"), workspace.resolve("cert.pem"),
                workspace.resolve("key.pem"));
                TableStorage storage = TableStorage.open(URI.create(azurite.tableEndpoint()), signIn, tls)) {
            assertThat(storage.createTablesIfMissing()).hasSize(Tables.ALL.size());
            IssuedCertificate certificate = new IssuedCertificate(BigInteger.valueOf(0x50AB), "CN=CA", "CN=d", List.of(),
                    Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z"), "api", "t", Optional.empty(),
                    Optional.empty(), Optional.empty(), new byte[] {0x30});
            storage.certificateStore().record(certificate);

            assertThat(storage.certificateStore().find("CN=CA", certificate.serialNumber())).isPresent();
            assertThat(asked).isNotEmpty().containsOnly(URI.create("https://storage.azure.com/"));
            assertThat(storage.describe()).isEqualTo("Azure Table Storage at " + azurite.tableEndpoint());

            // A token for another audience is refused: an outage for the caller (try later), with the reason.
            try (TableStorage wrongAudience = TableStorage.open(URI.create(azurite.tableEndpoint()),
                    tokens(new CopyOnWriteArrayList<>(), "https://graph.microsoft.com"), tls)) {
                assertThatThrownBy(() -> wrongAudience.certificateStore().count()).isInstanceOf(StoreUnavailableException.class)
                        .hasMessageContaining("HTTP 403");
            }
        }
    }

    /** A sign-in that hands out unsigned tokens, as Azurite's basic check reads them, for the resource asked (or {@code audience}). */
    private static AccessTokens tokens(List<URI> asked, String audience) {
        return new AccessTokens() {
            @Override
            public String token(URI resource) {
                asked.add(resource);
                long now = Instant.now().getEpochSecond();
                String claims = "{\"aud\":\"" + (audience != null ? audience : resource) + "\",\"iss\":\"https://sts.windows.net/"
                        + "ab1f708d-50f6-404c-a006-d71b2ac7a606/\",\"iat\":" + now + ",\"nbf\":" + (now - 60) + ",\"exp\":" + (now + 3600) + "}";
                Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
                return base64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                        + base64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".";
            }

            @Override
            public String describe() {
                return "test sign-in";
            }
        };
    }

    /** A certificate for 127.0.0.1 made with openssl, and a TLS context that trusts only it. */
    private SSLContext azuriteTls() throws Exception {
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", workspace.resolve("key.pem").toString(), "-out", workspace.resolve("cert.pem").toString())
                .redirectErrorStream(true).redirectOutput(workspace.resolve("openssl.log").toFile()).start();
        assertThat(openssl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).as(Files.readString(workspace.resolve("openssl.log"))).isZero();
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (InputStream pem = Files.newInputStream(workspace.resolve("cert.pem"))) {
            trusted.setCertificateEntry("azurite", CertificateFactory.getInstance("X.509").generateCertificate(pem));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
