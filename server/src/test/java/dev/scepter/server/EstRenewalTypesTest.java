package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.token.ApiRole;
import dev.scepter.authority.token.ApiTokens;
import dev.scepter.protocol.est.EstCodec;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * EST with renewals on ({@code AppConfig:DbCSRValidation:AllowRenewals=true}) but not for the type
 * of certificate EST issues: with {@code ReenrollmentAllowedCertificateTypes=IntuneDevice}, a
 * {@code Static} certificate of ours over mutual TLS renews nothing, on {@code simplereenroll} nor
 * on {@code simpleenroll}, and neither does a device's self-service certificate, though its type is
 * IntuneDevice; {@link EstTest} shows the default ({@code Static}) renewing.
 */
class EstRenewalTypesTest {

    private static RunningServer server;
    private static int httpsPort;
    private static String token;
    private static String selfService;
    private static String directoryManager;

    @BeforeAll
    static void start() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            httpsPort = socket.getLocalPort();
        }
        server = RunningServer.start(Map.of("AppConfig:Https:Port", String.valueOf(httpsPort),
                "AppConfig:Https:ClientCertificateMode", "Optional", "AppConfig:DbCSRValidation:AllowRenewals", "true",
                "AppConfig:DbCSRValidation:ReenrollmentAllowedCertificateTypes", "IntuneDevice"));
        ApiTokens tokens = new ApiTokens(server.core.storage().apiTokenStore(), server.core.storage().auditLog(), Clock.systemUTC(),
                new SecureRandom());
        token = tokens.create("test", "est-db", Set.of(ApiRole.CSR_REQUEST_DB), Optional.empty()).value();
        selfService = tokens.create("test", "alice@contoso.example", Set.of(ApiRole.CSR_SELF_SERVICE), Optional.empty()).value();
        directoryManager = tokens.create("test", "directory", Set.of(ApiRole.DIRECTORY_MANAGE), Optional.empty()).value();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static HttpResponse<byte[]> post(HttpClient client, URI url, String authorization, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).header("Content-Type", EstCodec.PKCS10)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpClient https(KeyPair keys, X509CertificateHolder certificate) throws Exception {
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", converter.getCertificate(server.core.ca().certificate()));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", keys.getPrivate(), "x".toCharArray(),
                new Certificate[] {converter.getCertificate(certificate), converter.getCertificate(server.core.ca().certificate())});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(store, "x".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), new SecureRandom());
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * A device's self-service certificate carries Intune's device type (0x40) so that OCSP follows
     * the device, but IntuneDevice renewals do not renew it: a renewal would not ask the directory
     * again whether its holder owns the device (docs/est.md). Its owner enrolls again instead.
     */
    @Test
    void aDevicesSelfServiceCertificateIsNotRenewedAsAnIntuneDevice() throws Exception {
        UUID alice = UUID.randomUUID();
        UUID laptop = UUID.randomUUID();
        putDirectoryObject("users", alice, "{\"enabled\": true, \"userPrincipalName\": \"alice@contoso.example\"}");
        putDirectoryObject("devices", laptop, "{\"enabled\": true, \"name\": \"alices-laptop\", \"owner\": \"" + alice + "\"}");
        KeyPair keys = rsa();
        HttpResponse<byte[]> enrolled = post(HttpClient.newHttpClient(), server.url("/.well-known/est/simpleenroll"), "Bearer " + selfService,
                EstTest.csr(keys, "CN=" + laptop, null));
        assertThat(enrolled.statusCode()).as(new String(enrolled.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        X509CertificateHolder certificate = EstCodec.readCertsOnly(enrolled.body()).get(0);
        assertThat(certificate.getSerialNumber().shiftRight(152).intValue()).as("IntuneDevice's type byte").isEqualTo(0x40);
        long recorded = server.core.storage().certificateStore().count();

        for (String path : new String[] {"/.well-known/est/simpleenroll", "/.well-known/est/simplereenroll"}) {
            HttpResponse<byte[]> refused = post(https(keys, certificate), URI.create("https://127.0.0.1:" + httpsPort + path), null,
                    EstTest.csr(rsa(), "CN=" + laptop, null));
            String text = new String(refused.body(), StandardCharsets.UTF_8);
            assertThat(refused.statusCode()).as(path + ": " + text).isEqualTo(403);
            assertThat(text).as(path).contains("self-service certificate is not renewed");
        }
        assertThat(server.core.storage().certificateStore().count()).as("nothing issued").isEqualTo(recorded);
        assertThat(post(HttpClient.newHttpClient(), server.url("/.well-known/est/simpleenroll"), "Bearer " + selfService,
                EstTest.csr(rsa(), "CN=" + laptop, null)).statusCode()).as("its owner enrolls again").isEqualTo(200);
    }

    private static void putDirectoryObject(String kind, UUID id, String json) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.url("/api/directory/" + kind + "/" + id))
                .header("Authorization", "Bearer " + directoryManager).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
    }

    @Test
    void aStaticCertificateRenewsNothingOnEitherPath() throws Exception {
        KeyPair keys = rsa();
        HttpResponse<byte[]> enrolled = post(HttpClient.newHttpClient(), server.url("/.well-known/est/simpleenroll"), "Bearer " + token,
                EstTest.csr(keys, "CN=est-type-not-renewed", null));
        assertThat(enrolled.statusCode()).as(new String(enrolled.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        X509CertificateHolder certificate = EstCodec.readCertsOnly(enrolled.body()).get(0);
        long recorded = server.core.storage().certificateStore().count();

        for (String path : new String[] {"/.well-known/est/simpleenroll", "/.well-known/est/simplereenroll"}) {
            HttpResponse<byte[]> refused = post(https(keys, certificate), URI.create("https://127.0.0.1:" + httpsPort + path), null,
                    EstTest.csr(rsa(), "CN=est-type-not-renewed", null));
            String text = new String(refused.body(), StandardCharsets.UTF_8);
            assertThat(refused.statusCode()).as(path + ": " + text).isEqualTo(403);
            assertThat(text).as(path).contains("does not renew Static certificates (ReenrollmentAllowedCertificateTypes)");
        }
        assertThat(server.core.storage().certificateStore().count()).as("nothing issued").isEqualTo(recorded);
    }
}
