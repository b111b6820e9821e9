package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.protocol.scep.PkiMessageDecoder;
import dev.scepter.protocol.scep.PkiStatus;
import dev.scepter.protocol.scep.ScepRequestBuilder;
import dev.scepter.protocol.scep.TestPki;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Settings that change how the core listens and what it serves. */
class ServerOptionsTest {

    @Test
    void aDisabledStaticEndpointAnswers404AndDoesNoWork() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of("AppConfig:StaticValidation:Enabled", "false"))) {
            assertThat(server.get("/scep?operation=GetCACaps").statusCode()).isEqualTo(404);
            assertThat(server.get("/static?operation=GetCACert").statusCode()).isEqualTo(404);
            assertThat(server.post("/scep?operation=PKIOperation", "application/x-pki-message", new byte[] {1, 2, 3}).statusCode())
                    .isEqualTo(404);
            assertThat(server.text("/")).contains("DISABLED", "AppConfig:StaticValidation:Enabled=true");
            assertThat(server.dataDir.resolve("static-challenge")).doesNotExist();
        }
    }

    @Test
    void aOneTimeChallengeFromTheApiEnrollsOnceAndOnlyWhereAllowed() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of("AppConfig:StaticValidation:AllowDynamicChallenges", "true"))) {
            String admin = java.nio.file.Files.readString(server.dataDir.resolve("admin-token")).strip();
            HttpResponse<byte[]> minted = server.post("/api/challenges", "application/json", "{\"validityMinutes\": 10}".getBytes(),
                    "Authorization", "Bearer " + admin);
            assertThat(minted.statusCode()).isEqualTo(201);
            String body = new String(minted.body(), java.nio.charset.StandardCharsets.UTF_8);
            String challenge = body.replaceAll(".*\"challenge\":\"([^\"]+)\".*", "$1");
            assertThat(body).contains("\"expiresAt\"");

            byte[] first = request(server, challenge);
            assertThat(status(server, first)).isEqualTo(PkiStatus.SUCCESS);
            assertThat(status(server, first)).as("a retransmission of the same request (RFC 8894 3.3.2)").isEqualTo(PkiStatus.SUCCESS);
            assertThat(requesters(server)).as("one certificate for both").hasSize(1);
            assertThat(status(server, request(server, challenge))).as("the same challenge, a new key").isEqualTo(PkiStatus.FAILURE);
            assertThat(server.post("/api/challenges", "application/json", "{}".getBytes()).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void oneTimeChallengesAreRefusedWhereTheyAreNotAllowed() throws Exception {
        // /dc accepts one-time challenges, /scep does not.
        try (RunningServer server = RunningServer.start(Map.of("AppConfig:DCValidation:Enabled", "true",
                "AppConfig:DCValidation:RequestPassword", "dc-static-challenge", "AppConfig:DCValidation:AllowDynamicChallenges", "true"))) {
            String admin = java.nio.file.Files.readString(server.dataDir.resolve("admin-token")).strip();
            HttpResponse<byte[]> minted = server.post("/api/challenges", "application/json", "{}".getBytes(), "Authorization", "Bearer " + admin);
            assertThat(minted.statusCode()).isEqualTo(201);
            String body = new String(minted.body(), java.nio.charset.StandardCharsets.UTF_8);
            String challenge = body.replaceAll(".*\"challenge\":\"([^\"]+)\".*", "$1");
            assertThat(status(server, request(server, challenge))).isEqualTo(PkiStatus.FAILURE);
        }
    }

    /**
     * A challenge that no endpoint accepts would fail every enrollment with a bare badRequest, far
     * from the call that made it: the call itself is refused, naming the setting to turn on.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "the defaults                           | ",
        "allowed on an endpoint that is off     | AppConfig:DCValidation:AllowDynamicChallenges"})
    void aChallengeNoEndpointAcceptsIsRefused(String name, String allowed) throws Exception {
        try (RunningServer server = RunningServer.start(allowed == null ? Map.of() : Map.of(allowed, "true"))) {
            String admin = java.nio.file.Files.readString(server.dataDir.resolve("admin-token")).strip();
            HttpResponse<byte[]> refused = server.post("/api/challenges", "application/json", "{}".getBytes(), "Authorization", "Bearer " + admin);
            String body = new String(refused.body(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(refused.statusCode()).as(body).isEqualTo(409);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(body).contains("AppConfig:StaticValidation:AllowDynamicChallenges", "\"status\":409").doesNotContain("\"challenge\"");
            String audit = new String(server.get("/api/manage/audit", "Authorization", "Bearer " + admin).body(),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertThat(audit).as("no challenge was minted").doesNotContain("challenge.create");
        }
    }

    private static PkiStatus status(RunningServer server, byte[] request) throws Exception {
        return PkiMessageDecoder.decode(server.post("/scep?operation=PKIOperation", "application/x-pki-message", request).body())
                .pkiStatus().orElseThrow();
    }

    @Test
    void theProbeAnswers503AndTheHomepageSaysSoWhenTheStoreIsGone() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of())) {
            server.core.storage().close();

            HttpResponse<byte[]> probe = server.get("/probe");
            assertThat(probe.statusCode()).isEqualTo(503);
            assertThat(new String(probe.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("Storage: NOT CONNECTED", "CA: VALID");
            assertThat(server.text("/")).contains("NOT CONNECTED", "DEGRADED");
        }
    }

    @Test
    void behindATrustedProxyTheForwardedClientAddressIsRecorded() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of("AppConfig:TrustForwardedHeaders", "true",
                "AppConfig:StaticValidation:RequestPassword", TestPki.CHALLENGE))) {
            HttpResponse<byte[]> response = server.post("/scep?operation=PKIOperation", "application/x-pki-message",
                    request(server), "X-Forwarded-For", "203.0.113.7");

            assertThat(PkiMessageDecoder.decode(response.body()).pkiStatus()).contains(PkiStatus.SUCCESS);
            assertThat(requesters(server)).containsExactly("203.0.113.7");
        }
    }

    @Test
    void withoutTrustForwardedHeadersAreIgnored() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of("AppConfig:StaticValidation:RequestPassword", TestPki.CHALLENGE))) {
            server.post("/scep?operation=PKIOperation", "application/x-pki-message", request(server), "X-Forwarded-For", "203.0.113.7");
            assertThat(requesters(server)).containsExactly("127.0.0.1");
        }
    }

    @Test
    void anHttpsListenerWithACertificateFromOurOwnCaServesBesidePlainHttp() throws Exception {
        int httpsPort = freePort();
        try (RunningServer server = RunningServer.start(Map.of("AppConfig:Https:Port", Integer.toString(httpsPort),
                "AppConfig:BaseUrl", "https://localhost:" + httpsPort))) {
            X509Certificate ca = new JcaX509CertificateConverter().getCertificate(server.core.ca().certificate());
            // The client verifies the host name: the certificate must name localhost.
            HttpClient client = trusting(ca);

            HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + httpsPort + "/probe")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            SSLSession session = page.sslSession().orElseThrow();
            X509Certificate served = (X509Certificate) session.getPeerCertificates()[0];
            assertThat(served.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
            assertThat(served.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))).toList()).contains("localhost");
            assertThat(requesters(server)).containsExactly("serve");
            // SCEP stays on plain HTTP: devices fetch it before they can validate TLS.
            assertThat(server.get("/scep?operation=GetCACaps").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anHttpsListenerServesTheKeyStoreTheAdminNames(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        int httpsPort = freePort();
        KeyPair keys = TestPki.rsa();
        X509Certificate own = selfSignedFor("localhost", keys);
        java.nio.file.Path file = dir.resolve("https.p12");
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry("https", keys.getPrivate(), "pw".toCharArray(), new java.security.cert.Certificate[] {own});
        try (var out = java.nio.file.Files.newOutputStream(file)) {
            keyStore.store(out, "pw".toCharArray());
        }
        try (RunningServer server = RunningServer.start(Map.of("AppConfig:Https:Port", Integer.toString(httpsPort),
                "AppConfig:Https:KeyStore", file.toString(), "AppConfig:Https:KeyStorePassword", "pw"))) {
            HttpResponse<String> page = trusting(own).send(HttpRequest.newBuilder(URI.create("https://localhost:" + httpsPort + "/probe")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(own);
            assertThat(requesters(server)).isEmpty();
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static X509Certificate selfSignedFor(String host, KeyPair keys) throws Exception {
        X500Name name = new X500Name("CN=" + host);
        var builder = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name, java.math.BigInteger.valueOf(System.nanoTime()),
                new java.util.Date(System.currentTimeMillis() - 60_000), new java.util.Date(System.currentTimeMillis() + 86_400_000L),
                name, keys.getPublic());
        builder.addExtension(org.bouncycastle.asn1.x509.Extension.subjectAlternativeName, false,
                new org.bouncycastle.asn1.x509.GeneralNames(new org.bouncycastle.asn1.x509.GeneralName(
                        org.bouncycastle.asn1.x509.GeneralName.dNSName, host)));
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    }

    /** A client that trusts this one certificate. */
    private static HttpClient trusting(X509Certificate certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("trusted", certificate);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trustManagers.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).build();
    }

    private static byte[] request(RunningServer server) throws Exception {
        return request(server, TestPki.CHALLENGE);
    }

    private static byte[] request(RunningServer server, String challenge) throws Exception {
        KeyPair device = TestPki.rsa();
        byte[] csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=proxied"), device.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(challenge))
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(device.getPrivate())).getEncoded();
        return ScepRequestBuilder.pkcsReq().signer(device, TestPki.selfSigned("CN=proxied", device, false))
                .recipient(server.core.ca().certificate()).messageData(csr).build();
    }

    /** Who asked for each recorded certificate, as the store has it. */
    private static List<String> requesters(RunningServer server) throws Exception {
        List<String> requesters = new java.util.ArrayList<>();
        try (var connection = ((dev.scepter.store.jdbc.JdbcStorage) server.core.storage()).dataSource().getConnection();
                var rows = connection.createStatement().executeQuery("select requester from issued_certificate")) {
            while (rows.next()) {
                requesters.add(rows.getString(1));
            }
        }
        return requesters;
    }
}
