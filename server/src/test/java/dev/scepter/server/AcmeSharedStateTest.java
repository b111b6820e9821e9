package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ACME's state lives in the installation's store, not in a node: two nodes of one installation
 * (one data folder, one embedded database, as nodes behind a load balancer share PostgreSQL or
 * Table Storage) serve one client whose requests alternate between them, and a node that
 * restarts knows its accounts and unfinished orders. Behind a load balancer every node answers
 * to the same public URL; here each node has its own port, so the client writes each URL (and
 * its account URL, the {@code kid}) for the node it sends to, as the balancer's one name would be.
 */
class AcmeSharedStateTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Map<String, String> SERVED = new ConcurrentHashMap<>();
    private static HttpServer challengeServer;
    private static Map<String, String> settings;

    @BeforeAll
    static void startChallengeServer() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        challengeServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        challengeServer.createContext("/.well-known/acme-challenge/", exchange -> {
            String body = SERVED.get(exchange.getRequestURI().getPath().substring("/.well-known/acme-challenge/".length()));
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        challengeServer.start();
        settings = Map.of("AppConfig:Acme:Enabled", "true", "AppConfig:Acme:DnsSuffixes", "localhost",
                "AppConfig:Acme:Http01Port", String.valueOf(port));
    }

    @AfterAll
    static void stopChallengeServer() {
        if (challengeServer != null) {
            challengeServer.stop(0);
        }
    }

    @Test
    void oneClientsRequestsAlternatingBetweenTwoNodesGetACertificate() throws Exception {
        try (RunningServer a = RunningServer.start(settings); RunningServer b = RunningServer.sameInstallation(a.dataDir, settings)) {
            Client client = new Client();

            // The account is made on A.
            HttpResponse<String> registered = client.post(a, "/new-account", Map.of("termsOfServiceAgreed", true), client.nonce(a), true);
            assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
            client.accountPath = path(registered.headers().firstValue("Location").orElseThrow());

            // The order on B, with a nonce A issued.
            String nonceOfA = client.nonce(a);
            HttpResponse<String> created = client.post(b, "/new-order",
                    Map.of("identifiers", List.of(Map.of("type", "dns", "value", "shared.localhost"))), nonceOfA, false);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String orderPath = path(created.headers().firstValue("Location").orElseThrow());

            // The same nonce again, on A: used up on every node.
            HttpResponse<String> replayed = client.post(a, orderPath, null, nonceOfA, false);
            assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(400);
            assertThat(json(replayed.body()).get("type")).isEqualTo("urn:ietf:params:acme:error:badNonce");

            // The authorization read on B, its challenge answered on A.
            Map<String, Object> order = json(created.body());
            Map<String, Object> authz = json(client.post(b, path((String) ((List<?>) order.get("authorizations")).get(0)), null,
                    client.nonce(b), false).body());
            Map<?, ?> challenge = ((List<?>) authz.get("challenges")).stream().map(c -> (Map<?, ?>) c)
                    .filter(c -> "http-01".equals(c.get("type"))).findFirst().orElseThrow();
            SERVED.put((String) challenge.get("token"), challenge.get("token") + "." + client.key.computeThumbprint());
            HttpResponse<String> answered = client.post(a, path((String) challenge.get("url")), Map.of(), client.nonce(a), false);
            assertThat(json(answered.body()).get("status")).as(answered.body()).isEqualTo("valid");

            // Ready on B, and finalized there.
            assertThat(json(client.post(b, orderPath, null, client.nonce(b), false).body()).get("status")).isEqualTo("ready");
            KeyPair keys = rsa();
            HttpResponse<String> finalized = client.post(b, path((String) order.get("finalize")),
                    Map.of("csr", Base64URL.encode(csr(keys, "shared.localhost")).toString()), client.nonce(b), false);
            assertThat(finalized.statusCode()).as(finalized.body()).isEqualTo(200);
            Map<String, Object> done = json(finalized.body());
            assertThat(done.get("status")).isEqualTo("valid");

            // The certificate downloaded from A.
            HttpResponse<String> pem = client.post(a, path((String) done.get("certificate")), null, client.nonce(a), false);
            assertThat(pem.statusCode()).as(pem.body()).isEqualTo(200);
            X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.body().getBytes(StandardCharsets.US_ASCII))).iterator().next();
            assertThat(leaf.getPublicKey()).isEqualTo(keys.getPublic());
            assertThat(json(client.post(a, client.accountPath + "/orders", null, client.nonce(a), false).body()).get("orders").toString())
                    .contains(orderPath);

            // Revoked by the account on B: B knows which account ordered it.
            HttpResponse<String> revoked = client.post(b, "/revoke-cert", Map.of("certificate", Base64URL.encode(leaf.getEncoded()).toString()),
                    client.nonce(a), false);
            assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
            assertThat(a.core.storage().certificateStore().find(issuer(a), leaf.getSerialNumber()).orElseThrow().revocation()).isPresent();
        }
    }

    @Test
    void anAccountAndAnUnfinishedOrderSurviveARestart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path installation) throws Exception {
        Client client = new Client();
        String orderPath;
        String challengePath;
        String finalizePath;
        // The test's own folder: a server removes the folder it made when closed, and this one restarts.
        java.nio.file.Path dataDir = installation;
        try (RunningServer node = RunningServer.sameInstallation(dataDir, settings)) {
            HttpResponse<String> registered = client.post(node, "/new-account", Map.of("termsOfServiceAgreed", true), client.nonce(node), true);
            assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
            client.accountPath = path(registered.headers().firstValue("Location").orElseThrow());
            HttpResponse<String> created = client.post(node, "/new-order",
                    Map.of("identifiers", List.of(Map.of("type", "dns", "value", "restart.localhost"))), client.nonce(node), false);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            orderPath = path(created.headers().firstValue("Location").orElseThrow());
            Map<String, Object> order = json(created.body());
            finalizePath = path((String) order.get("finalize"));
            Map<String, Object> authz = json(client.post(node, path((String) ((List<?>) order.get("authorizations")).get(0)), null,
                    client.nonce(node), false).body());
            Map<?, ?> challenge = ((List<?>) authz.get("challenges")).stream().map(c -> (Map<?, ?>) c)
                    .filter(c -> "http-01".equals(c.get("type"))).findFirst().orElseThrow();
            challengePath = path((String) challenge.get("url"));
            SERVED.put((String) challenge.get("token"), challenge.get("token") + "." + client.key.computeThumbprint());
        }

        try (RunningServer restarted = RunningServer.sameInstallation(dataDir, settings)) {
            HttpResponse<String> existing = client.post(restarted, "/new-account", Map.of("onlyReturnExisting", true), client.nonce(restarted), true);
            assertThat(existing.statusCode()).as(existing.body()).isEqualTo(200);
            assertThat(path(existing.headers().firstValue("Location").orElseThrow())).isEqualTo(client.accountPath);
            assertThat(json(client.post(restarted, orderPath, null, client.nonce(restarted), false).body()).get("status")).isEqualTo("pending");

            HttpResponse<String> answered = client.post(restarted, challengePath, Map.of(), client.nonce(restarted), false);
            assertThat(json(answered.body()).get("status")).as(answered.body()).isEqualTo("valid");
            String csr = Base64URL.encode(csr(rsa(), "restart.localhost")).toString();

            // A node claimed the finalize just now: a finalize elsewhere meanwhile is orderNotReady.
            dev.scepter.authority.store.AcmeStore store = restarted.core.storage().acmeStore();
            String accountId = client.accountPath.substring("/account/".length());
            String orderId = orderPath.substring("/order/".length());
            assertThat(store.updateOrder(store.order(accountId, orderId).orElseThrow().processing(java.time.Instant.now()))).isTrue();
            HttpResponse<String> claimed = client.post(restarted, finalizePath, Map.of("csr", csr), client.nonce(restarted), false);
            assertThat(json(claimed.body()).get("type")).as(claimed.body()).isEqualTo("urn:ietf:params:acme:error:orderNotReady");

            // That node stopped six minutes ago, mid-finalize: the order reads ready, and is finalized here.
            java.time.Instant stopped = java.time.Instant.now().minus(java.time.Duration.ofMinutes(6));
            assertThat(store.updateOrder(store.order(accountId, orderId).orElseThrow().processing(stopped))).isTrue();
            assertThat(json(client.post(restarted, orderPath, null, client.nonce(restarted), false).body()).get("status")).isEqualTo("ready");
            HttpResponse<String> finalized = client.post(restarted, finalizePath, Map.of("csr", csr), client.nonce(restarted), false);
            assertThat(json(finalized.body()).get("status")).as(finalized.body()).isEqualTo("valid");
            String issued = store.order(accountId, orderId).orElseThrow().certificate().orElseThrow();

            // A node that stopped after issuing, before the order named the certificate: finalized again with the
            // same CSR, the order gets the certificate already issued, not a second one.
            long recorded = restarted.core.storage().certificateStore().count();
            assertThat(store.updateOrder(store.order(accountId, orderId).orElseThrow().processing(stopped))).isTrue();
            HttpResponse<String> again = client.post(restarted, finalizePath, Map.of("csr", csr), client.nonce(restarted), false);
            assertThat(json(again.body()).get("status")).as(again.body()).isEqualTo("valid");
            assertThat(store.order(accountId, orderId).orElseThrow().certificate()).contains(issued);
            assertThat(restarted.core.storage().certificateStore().count()).isEqualTo(recorded);
        }
    }

    /** An ACME client (ES256) that sends each request to the node it is told, under that node's origin. */
    private static final class Client {
        final ECKey key;
        /** The account's path under {@code /acme/default}, once registered. */
        String accountPath;

        Client() throws Exception {
            this.key = new ECKeyGenerator(Curve.P_256).generate();
        }

        String nonce(RunningServer node) throws Exception {
            HttpResponse<Void> head = HTTP.send(HttpRequest.newBuilder(node.url("/acme/default/new-nonce"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(head.statusCode()).isEqualTo(200);
            return head.headers().firstValue("Replay-Nonce").orElseThrow();
        }

        HttpResponse<String> post(RunningServer node, String path, Object payload, String nonce, boolean withJwk) throws Exception {
            String url = node.url("/acme/default" + path).toString();
            JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.ES256).customParam("nonce", nonce).customParam("url", url);
            if (withJwk) {
                header.jwk(key.toPublicJWK());
            } else {
                header.keyID(node.url("/acme/default" + accountPath).toString());
            }
            @SuppressWarnings("unchecked")
            JWSObject jws = new JWSObject(header.build(), payload == null ? new Payload("")
                    : new Payload(JSONObjectUtils.toJSONString((Map<String, Object>) payload)));
            jws.sign(new ECDSASigner(key));
            String[] parts = jws.serialize().split("\\.", -1);
            String body = JSONObjectUtils.toJSONString(Map.of("protected", parts[0], "payload", parts[1], "signature", parts[2]));
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/jose+json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    /** A URL a node gave, as a path under {@code /acme/default}, good on every node. */
    private static String path(String url) {
        String marker = "/acme/default";
        return url.substring(url.indexOf(marker) + marker.length());
    }

    private static Map<String, Object> json(String text) throws Exception {
        return JSONObjectUtils.parse(text);
    }

    private static String issuer(RunningServer node) {
        return org.bouncycastle.asn1.x500.style.BCStyle.INSTANCE.toString(node.core.ca().certificate().getSubject());
    }

    private static byte[] csr(KeyPair keys, String name) throws Exception {
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
        return new JcaPKCS10CertificationRequestBuilder(new X500Name(""), keys.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())).getEncoded();
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }
}
