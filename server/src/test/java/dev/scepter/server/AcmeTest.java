package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpServer;
import dev.scepter.authority.store.IssuedCertificate;
import java.io.ByteArrayInputStream;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ACME (RFC 8555) on the core with a client written against the RFC (nimbus-jose-jwt signs): an
 * account with an ES256 and with an RS256 key, an order for a name the profile allows, HTTP-01
 * against a loopback HTTP server this test runs, finalize, the PEM chain, the record in the store,
 * revocation by the account. Bad input, each with its problem type and nothing issued: a replayed
 * nonce, a wrong signature, a name the profile does not allow, a failed challenge, a CSR for
 * another name.
 */
class AcmeTest {

    private static RunningServer server;
    private static HttpServer challengeServer;
    private static final Map<String, String> SERVED = new java.util.concurrent.ConcurrentHashMap<>();
    /** Tokens whose fetch the challenge server holds until {@link #release} opens, counting each in {@link #held}. */
    private static final Set<String> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static volatile java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(0);
    private static volatile java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(0);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Map<String, Object> directory;
    /** Where the DNS-01 lookup hook finds the TXT values: one file per record name. */
    /** The "zone" the DNS-01 lookup hook reads, one file per TXT record. */
    @org.junit.jupiter.api.io.TempDir
    static java.nio.file.Path txtRecords;
    /** A loopback TLS-ALPN-01 responder (RFC 8737): it presents {@link #alpnCertificate} to a handshake offering acme-tls/1. */
    private static javax.net.ssl.SSLServerSocket alpnServer;
    private static volatile X509Certificate alpnCertificate;
    private static final KeyPair ALPN_KEYS = ecKeys();

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        challengeServer = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 0);
        challengeServer.createContext("/.well-known/acme-challenge/", exchange -> {
            String token = exchange.getRequestURI().getPath().substring("/.well-known/acme-challenge/".length());
            if (HELD.contains(token)) {
                held.countDown();
                try {
                    release.await(8, java.util.concurrent.TimeUnit.SECONDS); // within the validator's 10 s
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            String body = SERVED.get(token);
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        // A thread per request: validations held at once must all reach the handler.
        challengeServer.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "acme-test-challenge-server");
            thread.setDaemon(true);
            return thread;
        }));
        challengeServer.start();
        java.nio.file.Path hook = txtRecords.resolve("lookup.sh");
        java.nio.file.Files.writeString(hook, "#!/bin/sh\ncase \"$1\" in _acme-challenge.failing.*) exit 1 ;; esac\ncat \"" + txtRecords + "/$1\" 2>/dev/null\nexit 0\n");
        java.nio.file.Files.setPosixFilePermissions(hook, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        alpnServer = startAlpnResponder();
        server = RunningServer.start(Map.of("AppConfig:Acme:Enabled", "true", "AppConfig:Acme:DnsSuffixes", "localhost",
                "AppConfig:Acme:IpRanges", "127.0.0.0/8", "AppConfig:Acme:Http01Port", String.valueOf(port),
                "AppConfig:Acme:TlsAlpn01Port", String.valueOf(alpnServer.getLocalPort()),
                "AppConfig:Acme:Dns01LookupCommand", hook.toString(), "AppConfig:Acme:AllowWildcards", "true"));
        directory = json(HTTP.send(HttpRequest.newBuilder(server.url("/acme/default/directory")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (alpnServer != null) {
            alpnServer.close();
        }
        if (challengeServer != null) {
            challengeServer.stop(0);
        }
    }

    /** A minimal ACME client: its key, its account URL once registered, the last nonce it got. */
    private static final class Client {
        final JWK key;
        String kid;
        String nonce;

        Client(JWK key) {
            this.key = key;
        }

        HttpResponse<String> post(String url, Object payload) throws Exception {
            return post(url, payload, kid == null, freshNonce());
        }

        String freshNonce() throws Exception {
            if (nonce != null) {
                String n = nonce;
                nonce = null;
                return n;
            }
            HttpResponse<Void> head = HTTP.send(HttpRequest.newBuilder(URI.create((String) directory.get("newNonce")))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(head.statusCode()).isEqualTo(200);
            return head.headers().firstValue("Replay-Nonce").orElseThrow();
        }

        HttpResponse<String> post(String url, Object payload, boolean withJwk, String useNonce) throws Exception {
            return send(url, sign(url, payload, withJwk, useNonce));
        }

        String sign(String url, Object payload, boolean withJwk, String useNonce) throws Exception {
            JWSAlgorithm alg = key instanceof ECKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
            JWSHeader.Builder header = new JWSHeader.Builder(alg).customParam("nonce", useNonce).customParam("url", url);
            if (withJwk) {
                header.jwk(key.toPublicJWK());
            } else {
                header.keyID(kid);
            }
            JWSObject jws = new JWSObject(header.build(), payload == null ? new Payload("")
                    : new Payload(JSONObjectUtils.toJSONString(asMap(payload))));
            jws.sign(key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key));
            String[] parts = jws.serialize().split("\\.", -1);
            return JSONObjectUtils.toJSONString(Map.of("protected", parts[0], "payload", parts[1], "signature", parts[2]));
        }

        HttpResponse<String> send(String url, String body) throws Exception {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/jose+json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            nonce = response.headers().firstValue("Replay-Nonce").orElse(null);
            return response;
        }

        void register() throws Exception {
            HttpResponse<String> response = post((String) directory.get("newAccount"), Map.of("termsOfServiceAgreed", true));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            kid = response.headers().firstValue("Location").orElseThrow();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object payload) {
        return (Map<String, Object>) payload;
    }

    private static Map<String, Object> json(String text) throws Exception {
        return JSONObjectUtils.parse(text);
    }

    private static Map<String, Object> order(String type, String value) {
        return Map.of("identifiers", List.of(Map.of("type", type, "value", value)));
    }

    private static byte[] csr(KeyPair keys, GeneralName... names) throws Exception {
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        return new JcaPKCS10CertificationRequestBuilder(new X500Name(""), keys.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())).getEncoded();
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static void assertProblem(HttpResponse<String> response, int status, String type) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(json(response.body()).get("type")).as(response.body()).isEqualTo("urn:ietf:params:acme:error:" + type);
        assertThat(response.headers().firstValue("Replay-Nonce")).as("a problem carries a fresh nonce").isPresent();
    }

    /** Order, HTTP-01, finalize: the order's final state and, when valid, its certificate chain. */
    private static List<X509Certificate> issue(Client client, String type, String value, GeneralName name, boolean serveRightAnswer)
            throws Exception {
        HttpResponse<String> created = client.post((String) directory.get("newOrder"), order(type, value));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Map<String, Object> order = json(created.body());
        String orderUrl = created.headers().firstValue("Location").orElseThrow();
        String authzUrl = ((List<?>) order.get("authorizations")).get(0).toString();
        Map<String, Object> authz = json(client.post(authzUrl, null).body());
        Map<?, ?> challenge = (Map<?, ?>) ((List<?>) authz.get("challenges")).get(0);
        assertThat(challenge.get("type")).isEqualTo("http-01");
        String token = (String) challenge.get("token");
        SERVED.put(token, serveRightAnswer ? token + "." + client.key.computeThumbprint() : "not-the-key-authorization");
        HttpResponse<String> answered = client.post((String) challenge.get("url"), Map.of());
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        Map<String, Object> result = json(answered.body());
        if (!serveRightAnswer) {
            assertThat(result.get("status")).isEqualTo("invalid");
            assertThat(((Map<?, ?>) result.get("error")).get("type")).isEqualTo("urn:ietf:params:acme:error:incorrectResponse");
            HttpResponse<String> finalize = client.post((String) order.get("finalize"), Map.of("csr", Base64URL.encode(csr(rsa(), name)).toString()));
            assertProblem(finalize, 403, "orderNotReady");
            assertThat(json(client.post(orderUrl, null).body()).get("status")).isEqualTo("invalid");
            return List.of();
        }
        assertThat(result.get("status")).isEqualTo("valid");
        assertThat(json(client.post(orderUrl, null).body()).get("status")).isEqualTo("ready");
        // A CSR for another name than the order's is refused, and the order stays ready.
        HttpResponse<String> wrong = client.post((String) order.get("finalize"),
                Map.of("csr", Base64URL.encode(csr(rsa(), new GeneralName(GeneralName.dNSName, "other.localhost"))).toString()));
        assertProblem(wrong, 400, "badCSR");
        HttpResponse<String> finalized = client.post((String) order.get("finalize"), Map.of("csr", Base64URL.encode(csr(rsa(), name)).toString()));
        assertThat(finalized.statusCode()).as(finalized.body()).isEqualTo(200);
        Map<String, Object> done = json(finalized.body());
        assertThat(done.get("status")).isEqualTo("valid");
        HttpResponse<String> pem = client.post((String) done.get("certificate"), null);
        assertThat(pem.statusCode()).isEqualTo(200);
        assertThat(pem.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/pem-certificate-chain"));
        Collection<? extends java.security.cert.Certificate> chain = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.body().getBytes(StandardCharsets.US_ASCII)));
        List<X509Certificate> certificates = new ArrayList<>();
        chain.forEach(c -> certificates.add((X509Certificate) c));
        return certificates;
    }

    @Test
    void anEs256AccountGetsACertificateForAnAllowedNameOverHttp01AndRevokesIt() throws Exception {
        Client client = new Client(new ECKeyGenerator(Curve.P_256).generate());
        client.register();
        List<X509Certificate> chain = issue(client, "dns", "www.localhost", new GeneralName(GeneralName.dNSName, "www.localhost"), true);
        assertThat(chain).hasSize(2);
        X509Certificate leaf = chain.get(0);
        leaf.verify(chain.get(1).getPublicKey());
        assertThat(chain.get(1).getEncoded()).isEqualTo(server.core.ca().certificate().getEncoded());
        assertThat(leaf.getSubjectAlternativeNames()).extracting(n -> (Object) n.get(1)).containsExactly((Object) "www.localhost");
        assertThat(leaf.getExtendedKeyUsage()).contains(KeyPurposeId.id_kp_serverAuth.getId());
        Optional<IssuedCertificate> record = server.core.storage().certificateStore().find(server.issuerName(), leaf.getSerialNumber());
        assertThat(record).as("recorded before it left").hasValueSatisfying(r -> {
            assertThat(r.endpoint()).isEqualTo("acme");
            assertThat(r.revocation()).isEmpty();
        });

        HttpResponse<String> revoked = client.post(((String) directory.get("revokeCert")),
                Map.of("certificate", Base64URL.encode(leaf.getEncoded()).toString()));
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(server.core.storage().certificateStore().find(server.issuerName(), leaf.getSerialNumber()).orElseThrow().revocation()).isPresent();
        assertProblem(client.post(((String) directory.get("revokeCert")), Map.of("certificate", Base64URL.encode(leaf.getEncoded()).toString())),
                400, "alreadyRevoked");
    }

    @Test
    void anRs256AccountGetsACertificateForAnAddressInTheProfilesRange() throws Exception {
        Client client = new Client(new RSAKeyGenerator(2048).generate());
        client.register();
        List<X509Certificate> chain = issue(client, "ip", "127.0.0.1",
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), true);
        assertThat(chain.get(0).getSubjectAlternativeNames()).extracting(n -> (Object) n.get(1)).containsExactly((Object) "127.0.0.1");
        // Another account may not revoke it.
        Client other = new Client(new ECKeyGenerator(Curve.P_256).generate());
        other.register();
        assertProblem(other.post(((String) directory.get("revokeCert")), Map.of("certificate", Base64URL.encode(chain.get(0).getEncoded()).toString())),
                403, "unauthorized");
    }

    /** Order, DNS-01 through the lookup hook, finalize: the leaf certificate, or null when the TXT value was wrong. */
    private static X509Certificate issueByDns01(Client client, String value, boolean publishRightValue) throws Exception {
        HttpResponse<String> created = client.post((String) directory.get("newOrder"), order("dns", value));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Map<String, Object> order = json(created.body());
        String orderUrl = created.headers().firstValue("Location").orElseThrow();
        Map<String, Object> authz = json(client.post(((List<?>) order.get("authorizations")).get(0).toString(), null).body());
        boolean wildcard = value.startsWith("*.");
        String base = wildcard ? value.substring(2) : value;
        assertThat(((Map<?, ?>) authz.get("identifier")).get("value")).isEqualTo(base);
        assertThat(authz.get("wildcard")).isEqualTo(wildcard ? true : null);
        List<?> challenges = (List<?>) authz.get("challenges");
        List<String> types = challenges.stream().map(c -> String.valueOf(((Map<?, ?>) c).get("type"))).toList();
        assertThat(types).as("HTTP-01 and TLS-ALPN-01 prove no wildcard (RFC 8555 section 7.1.3)")
                .isEqualTo(wildcard ? List.of("dns-01") : List.of("http-01", "dns-01", "tls-alpn-01"));
        Map<?, ?> challenge = challenges.stream().map(c -> (Map<?, ?>) c).filter(c -> c.get("type").equals("dns-01")).findFirst().orElseThrow();
        String keyAuthorization = challenge.get("token") + "." + client.key.computeThumbprint();
        String digest = Base64URL.encode(java.security.MessageDigest.getInstance("SHA-256")
                .digest(keyAuthorization.getBytes(StandardCharsets.US_ASCII))).toString();
        java.nio.file.Files.writeString(txtRecords.resolve("_acme-challenge." + base), "unrelated\n" + (publishRightValue ? digest : "wrong") + "\n");
        HttpResponse<String> answered = client.post((String) challenge.get("url"), Map.of());
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        GeneralName name = new GeneralName(GeneralName.dNSName, value);
        if (!publishRightValue) {
            assertThat(json(answered.body()).get("status")).isEqualTo("invalid");
            assertThat(((Map<?, ?>) json(answered.body()).get("error")).get("type")).isEqualTo("urn:ietf:params:acme:error:incorrectResponse");
            assertProblem(client.post((String) order.get("finalize"), Map.of("csr", Base64URL.encode(csr(rsa(), name)).toString())), 403, "orderNotReady");
            return null;
        }
        assertThat(json(answered.body()).get("status")).as(answered.body()).isEqualTo("valid");
        assertThat(json(client.post(orderUrl, null).body()).get("status")).isEqualTo("ready");
        HttpResponse<String> finalized = client.post((String) order.get("finalize"), Map.of("csr", Base64URL.encode(csr(rsa(), name)).toString()));
        assertThat(finalized.statusCode()).as(finalized.body()).isEqualTo(200);
        HttpResponse<String> pem = client.post((String) json(finalized.body()).get("certificate"), null);
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem.body().getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void dns01ThroughTheLookupHookValidatesANameAndAWildcard() throws Exception {
        Client client = new Client(new ECKeyGenerator(Curve.P_256).generate());
        client.register();
        X509Certificate named = issueByDns01(client, "dns01.localhost", true);
        assertThat(named.getSubjectAlternativeNames()).extracting(n -> (Object) n.get(1)).containsExactly((Object) "dns01.localhost");
        X509Certificate wildcard = issueByDns01(client, "*.wild.localhost", true);
        assertThat(wildcard.getSubjectAlternativeNames()).extracting(n -> (Object) n.get(1)).containsExactly((Object) "*.wild.localhost");
    }

    @Test
    void aWrongTxtValueNoRecordOrAFailingLookupInvalidatesTheOrderAndIssuesNothing() throws Exception {
        Client client = new Client(new ECKeyGenerator(Curve.P_256).generate());
        client.register();
        long before = server.recordsOf("acme");
        assertThat(issueByDns01(client, "wrongtxt.localhost", false)).isNull();
        // No TXT record at all: the hook prints nothing, which is a wrong answer too.
        HttpResponse<String> created = client.post((String) directory.get("newOrder"), order("dns", "*.nothing.localhost"));
        Map<String, Object> authz = json(client.post(((List<?>) json(created.body()).get("authorizations")).get(0).toString(), null).body());
        Map<?, ?> challenge = (Map<?, ?>) ((List<?>) authz.get("challenges")).get(0);
        Map<String, Object> answered = json(client.post((String) challenge.get("url"), Map.of()).body());
        assertThat(answered.get("status")).isEqualTo("invalid");
        assertThat(((Map<?, ?>) answered.get("error")).get("detail").toString()).contains("No TXT record at _acme-challenge.nothing.localhost");
        assertThat(((Map<?, ?>) answered.get("error")).get("type")).isEqualTo("urn:ietf:params:acme:error:incorrectResponse");
        // A lookup that fails (the hook exits 1) is the dns problem, not a wrong answer.
        created = client.post((String) directory.get("newOrder"), order("dns", "failing.localhost"));
        authz = json(client.post(((List<?>) json(created.body()).get("authorizations")).get(0).toString(), null).body());
        Map<?, ?> dns01 = ((List<?>) authz.get("challenges")).stream().map(c -> (Map<?, ?>) c).filter(c -> "dns-01".equals(c.get("type")))
                .findFirst().orElseThrow();
        answered = json(client.post((String) dns01.get("url"), Map.of()).body());
        assertThat(answered.get("status")).isEqualTo("invalid");
        assertThat(((Map<?, ?>) answered.get("error")).get("type")).isEqualTo("urn:ietf:params:acme:error:dns");
        assertThat(((Map<?, ?>) answered.get("error")).get("detail").toString()).contains("exited with 1");
        assertThat(server.recordsOf("acme")).isEqualTo(before);
    }

    private static KeyPair ecKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Accepts handshakes one after another, choosing acme-tls/1 by ALPN, with {@link #alpnCertificate} and {@link #ALPN_KEYS}. */
    private static javax.net.ssl.SSLServerSocket startAlpnResponder() throws Exception {
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(new javax.net.ssl.KeyManager[] {new javax.net.ssl.X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
                return null;
            }

            @Override
            public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
                return "EC".equals(keyType) ? new String[] {"validation"} : null;
            }

            @Override
            public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
                return "EC".equals(keyType) ? "validation" : null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return new X509Certificate[] {alpnCertificate};
            }

            @Override
            public java.security.PrivateKey getPrivateKey(String alias) {
                return ALPN_KEYS.getPrivate();
            }
        }}, null, null);
        javax.net.ssl.SSLServerSocket listener = (javax.net.ssl.SSLServerSocket) tls.getServerSocketFactory()
                .createServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress());
        Thread responder = new Thread(() -> {
            while (!listener.isClosed()) {
                try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) listener.accept()) {
                    socket.setHandshakeApplicationProtocolSelector((s, offered) -> offered.contains("acme-tls/1") ? "acme-tls/1" : null);
                    socket.setSoTimeout(5000);
                    socket.startHandshake();
                    socket.getInputStream().read(); // until the validator hangs up
                } catch (Exception e) {
                    // a handshake the validator ended, or the listener closed
                }
            }
        }, "acme-tls-alpn-responder");
        responder.setDaemon(true);
        responder.start();
        return listener;
    }

    /** RFC 8737 section 3's validation certificate: the one name, and the critical acmeIdentifier extension with the digest. */
    private static X509Certificate validationCertificate(GeneralName name, String keyAuthorization) throws Exception {
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(keyAuthorization.getBytes(StandardCharsets.US_ASCII));
        X500Name subject = new X500Name("CN=ACME TLS-ALPN-01");
        Instant now = Instant.now();
        org.bouncycastle.cert.X509v3CertificateBuilder builder = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(subject,
                java.math.BigInteger.valueOf(now.toEpochMilli()), java.util.Date.from(now.minusSeconds(3600)), java.util.Date.from(now.plusSeconds(3600)),
                subject, ALPN_KEYS.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, true, new GeneralNames(name));
        builder.addExtension(new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.3.6.1.5.5.7.1.31"), true, new org.bouncycastle.asn1.DEROctetString(digest));
        return new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ALPN_KEYS.getPrivate())));
    }

    /** A new order for {@code address}: its finalize URL and its TLS-ALPN-01 challenge, offered beside HTTP-01 (no DNS-01 for an address). */
    private static Map.Entry<String, Map<?, ?>> tlsAlpn01Order(Client client, String address) throws Exception {
        HttpResponse<String> created = client.post((String) directory.get("newOrder"), order("ip", address));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Map<String, Object> order = json(created.body());
        Map<String, Object> authz = json(client.post(((List<?>) order.get("authorizations")).get(0).toString(), null).body());
        List<Map<?, ?>> challenges = ((List<?>) authz.get("challenges")).stream().<Map<?, ?>>map(c -> (Map<?, ?>) c).toList();
        assertThat(challenges.stream().map(c -> String.valueOf(c.get("type"))).toList()).containsExactly("http-01", "tls-alpn-01");
        return Map.entry((String) order.get("finalize"), challenges.get(1));
    }

    @Test
    void anAddressIsValidatedByTlsAlpn01AndACertificateForAnotherKeyAuthorizationIsAnIncorrectResponse() throws Exception {
        Client client = new Client(new ECKeyGenerator(Curve.P_256).generate());
        client.register();
        GeneralName address = new GeneralName(GeneralName.iPAddress, "127.0.0.1");
        long before = server.recordsOf("acme");
        Map.Entry<String, Map<?, ?>> refused = tlsAlpn01Order(client, "127.0.0.1");
        alpnCertificate = validationCertificate(address, refused.getValue().get("token") + ".another-account");
        Map<String, Object> answered = json(client.post((String) refused.getValue().get("url"), Map.of()).body());
        assertThat(answered.get("status")).isEqualTo("invalid");
        assertThat(((Map<?, ?>) answered.get("error")).get("type")).isEqualTo("urn:ietf:params:acme:error:incorrectResponse");
        assertProblem(client.post(refused.getKey(), Map.of("csr", Base64URL.encode(csr(rsa(), address)).toString())), 403, "orderNotReady");
        assertThat(server.recordsOf("acme")).as("nothing issued").isEqualTo(before);

        Map.Entry<String, Map<?, ?>> validated = tlsAlpn01Order(client, "127.0.0.1");
        alpnCertificate = validationCertificate(address, validated.getValue().get("token") + "." + client.key.computeThumbprint());
        answered = json(client.post((String) validated.getValue().get("url"), Map.of()).body());
        assertThat(answered.get("status")).as("%s", answered).isEqualTo("valid");
        HttpResponse<String> finalized = client.post(validated.getKey(), Map.of("csr", Base64URL.encode(csr(rsa(), address)).toString()));
        assertThat(finalized.statusCode()).as(finalized.body()).isEqualTo(200);
        assertThat(json(finalized.body()).get("status")).isEqualTo("valid");
        assertThat(server.recordsOf("acme")).isEqualTo(before + 1);
    }

    /** A key change's inner JWS (RFC 8555 section 7.3.5): the new key in its jwk, signed by {@code signer}, no nonce. */
    private static Map<String, Object> innerJws(JWK newKey, JWK signer, String url, Object payload) throws Exception {
        JWSAlgorithm alg = signer instanceof ECKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
        JWSObject jws = new JWSObject(new JWSHeader.Builder(alg).jwk(newKey.toPublicJWK()).customParam("url", url).build(),
                new Payload(JSONObjectUtils.toJSONString(asMap(payload))));
        jws.sign(signer instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) signer));
        String[] parts = jws.serialize().split("\\.", -1);
        return Map.of("protected", parts[0], "payload", parts[1], "signature", parts[2]);
    }

    private static Map<String, Object> keyChangePayload(Client client, JWK oldKey) {
        return Map.of("account", client.kid, "oldKey", oldKey.toPublicJWK().toJSONObject());
    }

    @Test
    void aKeyChangeMovesTheAccountToTheNewKey() throws Exception {
        Client client = new Client(new ECKeyGenerator(Curve.P_256).generate());
        client.register();
        JWK oldKey = client.key;
        JWK newKey = new ECKeyGenerator(Curve.P_256).generate();
        String url = (String) directory.get("keyChange");
        HttpResponse<String> changed = client.post(url, innerJws(newKey, newKey, url, keyChangePayload(client, oldKey)));
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);

        // The old key no longer signs for the account; the new one does, and finds it by key.
        assertProblem(client.post(client.kid, null), 403, "unauthorized");
        Client renewed = new Client(newKey);
        renewed.kid = client.kid;
        assertThat(renewed.post(client.kid, null).statusCode()).isEqualTo(200);
        renewed.kid = null;
        HttpResponse<String> found = renewed.post((String) directory.get("newAccount"), Map.of("onlyReturnExisting", true));
        assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
        assertThat(found.headers().firstValue("Location")).hasValue(client.kid);
        Client oldKeyAgain = new Client(oldKey);
        assertProblem(oldKeyAgain.post((String) directory.get("newAccount"), Map.of("onlyReturnExisting", true)), 400, "accountDoesNotExist");
    }

    @Test
    void aKeyChangeWithABadInnerJwsOrAnotherAccountsKeyChangesNothing() throws Exception {
        Client client = new Client(new ECKeyGenerator(Curve.P_256).generate());
        client.register();
        JWK newKey = new ECKeyGenerator(Curve.P_256).generate();
        JWK stranger = new ECKeyGenerator(Curve.P_256).generate();
        String url = (String) directory.get("keyChange");
        // The inner JWS names the new key but is signed by another: the caller does not hold the new key.
        assertProblem(client.post(url, innerJws(newKey, stranger, url, keyChangePayload(client, client.key))), 400, "malformed");
        // oldKey is not the account's key.
        assertProblem(client.post(url, innerJws(newKey, newKey, url, keyChangePayload(client, stranger))), 400, "malformed");
        // Another account in the inner payload, or another url.
        assertProblem(client.post(url, innerJws(newKey, newKey, url, Map.of("account", client.kid + "x",
                "oldKey", client.key.toPublicJWK().toJSONObject()))), 400, "malformed");
        assertProblem(client.post(url, innerJws(newKey, newKey, (String) directory.get("newOrder"), keyChangePayload(client, client.key))),
                400, "malformed");
        // An inner JWS with a nonce.
        JWSObject withNonce = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.ES256).jwk(newKey.toPublicJWK()).customParam("url", url)
                .customParam("nonce", client.freshNonce()).build(), new Payload(JSONObjectUtils.toJSONString(keyChangePayload(client, client.key))));
        withNonce.sign(new ECDSASigner((ECKey) newKey));
        String[] parts = withNonce.serialize().split("\\.", -1);
        assertProblem(client.post(url, Map.of("protected", parts[0], "payload", parts[1], "signature", parts[2])), 400, "malformed");

        // The new key is another account's: 409 with that account's URL.
        Client other = new Client(newKey);
        other.register();
        HttpResponse<String> conflict = client.post(url, innerJws(newKey, newKey, url, keyChangePayload(client, client.key)));
        assertThat(conflict.statusCode()).as(conflict.body()).isEqualTo(409);
        assertThat(conflict.headers().firstValue("Location")).hasValue(other.kid);
        assertThat(json(conflict.body()).get("type")).isEqualTo("urn:ietf:params:acme:error:malformed");

        // Through all of it the account kept its key.
        assertThat(client.post(client.kid, null).statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> renewalInfo(String certId) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(directory.get("renewalInfo") + "/" + certId)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String certId(X509Certificate certificate) throws Exception {
        byte[] keyIdentifier = org.bouncycastle.asn1.x509.AuthorityKeyIdentifier.fromExtensions(
                new X509CertificateHolder(certificate.getEncoded()).getExtensions()).getKeyIdentifier();
        return Base64URL.encode(keyIdentifier) + "." + Base64URL.encode(certificate.getSerialNumber().toByteArray());
    }

    @Test
    void renewalInformationSuggestsTheLastThirdOfTheLifetimeAndNowOnceRevoked() throws Exception {
        Client client = new Client(new ECKeyGenerator(Curve.P_256).generate());
        client.register();
        X509Certificate leaf = issue(client, "dns", "ari.localhost", new GeneralName(GeneralName.dNSName, "ari.localhost"), true).get(0);
        HttpResponse<String> info = renewalInfo(certId(leaf));
        assertThat(info.statusCode()).as(info.body()).isEqualTo(200);
        assertThat(info.headers().firstValue("Retry-After")).isPresent();
        Map<?, ?> window = (Map<?, ?>) json(info.body()).get("suggestedWindow");
        Instant start = Instant.parse((String) window.get("start"));
        Instant end = Instant.parse((String) window.get("end"));
        Instant notBefore = leaf.getNotBefore().toInstant();
        Instant notAfter = leaf.getNotAfter().toInstant();
        java.time.Duration lifetime = java.time.Duration.between(notBefore, notAfter);
        assertThat(java.time.Duration.between(notBefore.plus(lifetime.multipliedBy(2).dividedBy(3)), start).abs()).isLessThan(java.time.Duration.ofSeconds(2));
        assertThat(end).isAfter(start).isBefore(notAfter);

        assertThat(client.post((String) directory.get("revokeCert"), Map.of("certificate", Base64URL.encode(leaf.getEncoded()).toString()))
                .statusCode()).isEqualTo(200);
        Map<?, ?> revoked = (Map<?, ?>) json(renewalInfo(certId(leaf)).body()).get("suggestedWindow");
        assertThat(Instant.parse((String) revoked.get("end"))).as("renew now").isBeforeOrEqualTo(Instant.now());
    }

    @Test
    void renewalInformationForAMalformedOrUnknownCertIdIsAProblem() throws Exception {
        Client client = new Client(new ECKeyGenerator(Curve.P_256).generate());
        client.register();
        X509Certificate leaf = issue(client, "dns", "ari2.localhost", new GeneralName(GeneralName.dNSName, "ari2.localhost"), true).get(0);
        String[] parts = certId(leaf).split("\\.");
        assertProblem(renewalInfo("no-dot-here"), 400, "malformed");
        assertProblem(renewalInfo(parts[0] + "." + parts[1] + "=="), 400, "malformed");
        assertProblem(renewalInfo(parts[0] + "." + Base64URL.encode(new byte[] {(byte) 0x80, 1})), 400, "malformed");
        // A serial this CA never issued, and the right serial under another authority key identifier.
        assertProblem(renewalInfo(parts[0] + "." + Base64URL.encode(new byte[] {0x12, 0x34})), 404, "malformed");
        assertProblem(renewalInfo(Base64URL.encode(new byte[] {1, 2, 3}) + "." + parts[1]), 404, "malformed");
        assertThat(renewalInfo(parts[0] + "." + parts[1]).statusCode()).isEqualTo(200);
    }

    @Test
    void aReplayedNonceIsBadNonce() throws Exception {
        Client client = new Client(new ECKeyGenerator(Curve.P_256).generate());
        String nonce = client.freshNonce();
        String body = client.sign((String) directory.get("newAccount"), Map.of("termsOfServiceAgreed", true), true, nonce);
        assertThat(client.send((String) directory.get("newAccount"), body).statusCode()).isEqualTo(201);
        assertProblem(client.send((String) directory.get("newAccount"), body), 400, "badNonce");
        assertProblem(client.post((String) directory.get("newAccount"), Map.of(), true, "never-issued"), 400, "badNonce");
    }

    @Test
    void aRequestThatDoesNotVerifyLeavesItsNonceUnused() throws Exception {
        Client client = new Client(new ECKeyGenerator(Curve.P_256).generate());
        client.register();
        String nonce = client.freshNonce();
        String signed = client.sign((String) directory.get("newOrder"), order("dns", "nonce-kept.localhost"), false, nonce);
        Map<String, Object> tampered = new HashMap<>(json(signed));
        tampered.put("payload", Base64URL.encode(JSONObjectUtils.toJSONString(order("dns", "other.localhost"))).toString());
        assertProblem(client.send((String) directory.get("newOrder"), JSONObjectUtils.toJSONString(tampered)), 403, "unauthorized");
        HttpResponse<String> created = client.send((String) directory.get("newOrder"), signed);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    @Test
    void anotherSpellingOfANonceIsBadNonce() throws Exception {
        Client client = new Client(new ECKeyGenerator(Curve.P_256).generate());
        String nonce = client.freshNonce();
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        // The last character's unused bits set: the same bytes, another string.
        String respelled = nonce.substring(0, nonce.length() - 1) + alphabet.charAt(alphabet.indexOf(nonce.charAt(nonce.length() - 1)) + 1);
        assertProblem(client.post((String) directory.get("newAccount"), Map.of("termsOfServiceAgreed", true), true, respelled), 400, "badNonce");
        HttpResponse<String> registered = client.post((String) directory.get("newAccount"), Map.of("termsOfServiceAgreed", true), true, nonce);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    }

    @Test
    void aWrongSignatureIsUnauthorizedAndOrdersNothing() throws Exception {
        Client client = new Client(new ECKeyGenerator(Curve.P_256).generate());
        client.register();
        Client impostor = new Client(new ECKeyGenerator(Curve.P_256).generate());
        impostor.kid = client.kid;
        assertProblem(impostor.post((String) directory.get("newOrder"), order("dns", "www.localhost")), 403, "unauthorized");
        // A signature over another payload than the one sent.
        String signed = client.sign((String) directory.get("newOrder"), order("dns", "a.localhost"), false, client.freshNonce());
        Map<String, Object> tampered = new HashMap<>(json(signed));
        tampered.put("payload", Base64URL.encode(JSONObjectUtils.toJSONString(order("dns", "b.localhost"))).toString());
        assertProblem(client.send((String) directory.get("newOrder"), JSONObjectUtils.toJSONString(tampered)), 403, "unauthorized");
        assertProblem(client.send((String) directory.get("newOrder"), "{\"protected\": 1}"), 400, "malformed");
        String orders = (String) json(client.post(client.kid, null).body()).get("orders");
        assertThat((List<?>) json(client.post(orders, null).body()).get("orders")).as("no order made").isEmpty();
        assertThat(client.post((String) directory.get("newOrder"), order("dns", "a.localhost")).statusCode()).isEqualTo(201);
        assertThat((List<?>) json(client.post(orders, null).body()).get("orders")).as("the list shows an order made").hasSize(1);
    }

    @Test
    void aNameOrAddressTheProfileDoesNotAllowIsRejectedIdentifier() throws Exception {
        long before = server.recordsOf("acme");
        Client client = new Client(new ECKeyGenerator(Curve.P_256).generate());
        client.register();
        assertProblem(client.post((String) directory.get("newOrder"), order("dns", "www.example.com")), 400, "rejectedIdentifier");
        assertProblem(client.post((String) directory.get("newOrder"), order("dns", "localhost.example.com")), 400, "rejectedIdentifier");
        assertProblem(client.post((String) directory.get("newOrder"), order("ip", "10.0.0.1")), 400, "rejectedIdentifier");
        assertProblem(client.post((String) directory.get("newOrder"), order("dns", "*.localhost")), 400, "rejectedIdentifier");
        assertProblem(client.post((String) directory.get("newOrder"), order("dns", "localhost")), 400, "rejectedIdentifier");
        assertThat(server.recordsOf("acme")).as("nothing issued").isEqualTo(before);
    }

    @Test
    void aFailedChallengeInvalidatesTheOrderAndIssuesNothing() throws Exception {
        long before = server.recordsOf("acme");
        Client client = new Client(new ECKeyGenerator(Curve.P_256).generate());
        client.register();
        issue(client, "dns", "fail.localhost", new GeneralName(GeneralName.dNSName, "fail.localhost"), false);
        assertThat(server.recordsOf("acme")).as("nothing issued").isEqualTo(before);
    }

    /** A ready order for one DNS name: its finalize URL. */
    private static String readyOrder(Client client, String name) throws Exception {
        HttpResponse<String> created = client.post((String) directory.get("newOrder"), order("dns", name));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Map<String, Object> order = json(created.body());
        Map<String, Object> authz = json(client.post(((List<?>) order.get("authorizations")).get(0).toString(), null).body());
        Map<?, ?> challenge = (Map<?, ?>) ((List<?>) authz.get("challenges")).get(0);
        SERVED.put((String) challenge.get("token"), challenge.get("token") + "." + client.key.computeThumbprint());
        assertThat(json(client.post((String) challenge.get("url"), Map.of()).body()).get("status")).isEqualTo("valid");
        return (String) order.get("finalize");
    }

    private static String csr(KeyPair keys, X500Name subject, ExtensionsGenerator extensions) throws Exception {
        return Base64URL.encode(new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())).getEncoded()).toString();
    }

    @Test
    void aCertificateOfAnotherKeyWithTheVictimsSerialRevokesNothing() throws Exception {
        Client victim = new Client(new ECKeyGenerator(Curve.P_256).generate());
        victim.register();
        X509Certificate leaf = issue(victim, "dns", "victim.localhost", new GeneralName(GeneralName.dNSName, "victim.localhost"), true).get(0);
        // The attacker's own certificate: the CA's name as issuer, the victim's serial, the attacker's key, signed by that key.
        KeyPair attacker = KeyPairGenerator.getInstance("EC").generateKeyPair();
        byte[] forged = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(server.core.ca().certificate().getSubject(),
                leaf.getSerialNumber(), new java.util.Date(), new java.util.Date(System.currentTimeMillis() + 86_400_000L),
                new X500Name("CN=victim.localhost"), attacker.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(attacker.getPrivate())).getEncoded();
        Client forger = new Client(new ECKey.Builder(Curve.P_256, (java.security.interfaces.ECPublicKey) attacker.getPublic())
                .privateKey(attacker.getPrivate()).build());
        assertProblem(forger.post((String) directory.get("revokeCert"), Map.of("certificate", Base64URL.encode(forged).toString())),
                403, "unauthorized");
        // Nor through an account: the victim's account with the forged certificate.
        assertProblem(victim.post((String) directory.get("revokeCert"), Map.of("certificate", Base64URL.encode(forged).toString())),
                403, "unauthorized");
        assertThat(server.core.storage().certificateStore().find(server.issuerName(), leaf.getSerialNumber()).orElseThrow().revocation())
                .as("the victim's certificate is not revoked").isEmpty();
    }

    @Test
    void aRevocationReasonIsAnIntegerInRange() throws Exception {
        Client client = new Client(new ECKeyGenerator(Curve.P_256).generate());
        client.register();
        X509Certificate leaf = issue(client, "dns", "reason.localhost", new GeneralName(GeneralName.dNSName, "reason.localhost"), true).get(0);
        String certificate = Base64URL.encode(leaf.getEncoded()).toString();
        assertProblem(client.post((String) directory.get("revokeCert"), Map.of("certificate", certificate, "reason", 4294967297L)),
                400, "badRevocationReason");
        assertProblem(client.post((String) directory.get("revokeCert"), Map.of("certificate", certificate, "reason", 1.9)),
                400, "badRevocationReason");
        assertThat(server.core.storage().certificateStore().find(server.issuerName(), leaf.getSerialNumber()).orElseThrow().revocation()).isEmpty();
        assertThat(client.post((String) directory.get("revokeCert"), Map.of("certificate", certificate, "reason", 4)).statusCode()).isEqualTo(200);
    }

    @Test
    void theServerKindDecidesTheUsagesAndTheSubjectHoldsOneCommonNameOnly() throws Exception {
        long before = server.recordsOf("acme");
        Client client = new Client(new ECKeyGenerator(Curve.P_256).generate());
        client.register();
        String finalize = readyOrder(client, "usage.localhost");
        GeneralNames san = new GeneralNames(new GeneralName(GeneralName.dNSName, "usage.localhost"));
        for (KeyPurposeId usage : List.of(KeyPurposeId.id_kp_OCSPSigning, KeyPurposeId.id_kp_codeSigning, KeyPurposeId.anyExtendedKeyUsage)) {
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.subjectAlternativeName, false, san);
            extensions.addExtension(Extension.extendedKeyUsage, false, new org.bouncycastle.asn1.x509.ExtendedKeyUsage(usage));
            assertProblem(client.post(finalize, Map.of("csr", csr(rsa(), new X500Name(""), extensions))), 400, "badCSR");
        }
        for (String subject : List.of("CN=usage.localhost+CN=evil.example", "CN=usage.localhost,O=Evil Corp", "E=boss@example.com")) {
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.subjectAlternativeName, false, san);
            assertProblem(client.post(finalize, Map.of("csr", csr(rsa(), new X500Name(subject), extensions))), 400, "badCSR");
        }
        ExtensionsGenerator notNames = new ExtensionsGenerator();
        notNames.addExtension(Extension.subjectAlternativeName, false, new org.bouncycastle.asn1.DERUTF8String("not GeneralNames"));
        assertProblem(client.post(finalize, Map.of("csr", csr(rsa(), new X500Name(""), notNames))), 400, "badCSR");
        assertThat(server.recordsOf("acme")).as("nothing issued").isEqualTo(before);

        // A key usage the CSR asks for is not the certificate's: the kind's are (RSA: digitalSignature, keyEncipherment).
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.subjectAlternativeName, false, san);
        extensions.addExtension(Extension.keyUsage, true, new org.bouncycastle.asn1.x509.KeyUsage(
                org.bouncycastle.asn1.x509.KeyUsage.keyCertSign | org.bouncycastle.asn1.x509.KeyUsage.cRLSign));
        HttpResponse<String> finalized = client.post(finalize, Map.of("csr", csr(rsa(), new X500Name("CN=usage.localhost"), extensions)));
        assertThat(finalized.statusCode()).as(finalized.body()).isEqualTo(200);
        HttpResponse<String> pem = client.post((String) json(finalized.body()).get("certificate"), null);
        X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.body().getBytes(StandardCharsets.US_ASCII)));
        assertThat(leaf.getExtendedKeyUsage()).containsExactly(KeyPurposeId.id_kp_serverAuth.getId());
        assertThat(leaf.getKeyUsage()).containsExactly(true, false, true, false, false, false, false, false, false);
        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=usage.localhost");
    }

    /**
     * RFC 8555 section 6.2: a request that is not {@code application/jose+json} gets 415. A wildcard
     * such as {@code *}{@code /*} or {@code application/*} names no media type (a range is for
     * Accept), so it is no {@code application/jose+json} either; parameters are allowed.
     */
    @Test
    void aContentTypeOtherThanJoseJsonIsUnsupportedMediaType() throws Exception {
        Client client = new Client(new ECKeyGenerator(Curve.P_256).generate());
        client.register();
        for (String type : List.of("x", "application/json", "*/*", "application/*", "application/jose")) {
            String body = client.sign((String) directory.get("newOrder"), order("dns", "content-type.localhost"), false, client.freshNonce());
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create((String) directory.get("newOrder")))
                    .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertProblem(response, 415, "malformed");
        }
        String body = client.sign((String) directory.get("newOrder"), order("dns", "content-type.localhost"), false, client.freshNonce());
        HttpResponse<String> withParameter = HTTP.send(HttpRequest.newBuilder(URI.create((String) directory.get("newOrder")))
                .header("Content-Type", "application/jose+json; charset=utf-8").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(withParameter.statusCode()).as(withParameter.body()).isEqualTo(201);
    }

    @Test
    void anOrderNamesTenIdentifiersAtMostAndAnAccountHasTwentyOpenOrders() throws Exception {
        Client client = new Client(new ECKeyGenerator(Curve.P_256).generate());
        client.register();
        List<Map<String, Object>> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(Map.of("type", "dns", "value", "n" + i + ".localhost"));
        }
        assertProblem(client.post((String) directory.get("newOrder"), Map.of("identifiers", eleven)), 400, "malformed");
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> created = client.post((String) directory.get("newOrder"), order("dns", "n" + i + ".localhost"));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        }
        assertProblem(client.post((String) directory.get("newOrder"), order("dns", "one-more.localhost")), 429, "rateLimited");
    }

    @Test
    void anUnknownProfileIsNotFound() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(server.url("/acme/other/directory")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
    }

    @Test
    void aChallengePostedWhileFourValidationsRunIsRateLimitedAndStaysPendingForTheNextTry() throws Exception {
        int limit = 4; // a node's validations at once (docs/acme.md, Validation limits)
        Client client = new Client(new ECKeyGenerator(Curve.P_256).generate());
        client.register();
        List<String> authzUrls = new ArrayList<>();
        List<String> challengeUrls = new ArrayList<>();
        for (int i = 0; i <= limit; i++) {
            HttpResponse<String> created = client.post((String) directory.get("newOrder"), order("dns", "held" + i + ".localhost"));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String authzUrl = ((List<?>) json(created.body()).get("authorizations")).get(0).toString();
            Map<?, ?> challenge = (Map<?, ?>) ((List<?>) json(client.post(authzUrl, null).body()).get("challenges")).get(0);
            assertThat(challenge.get("type")).isEqualTo("http-01");
            String token = (String) challenge.get("token");
            SERVED.put(token, token + "." + client.key.computeThumbprint());
            if (i < limit) {
                HELD.add(token);
            }
            authzUrls.add(authzUrl);
            challengeUrls.add((String) challenge.get("url"));
        }
        held = new java.util.concurrent.CountDownLatch(limit);
        release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService posters = java.util.concurrent.Executors.newFixedThreadPool(limit);
        try {
            List<java.util.concurrent.Future<HttpResponse<String>>> running = new ArrayList<>();
            for (int i = 0; i < limit; i++) {
                String url = challengeUrls.get(i);
                String body = client.sign(url, Map.of(), false, client.freshNonce());
                running.add(posters.submit(() -> client.send(url, body)));
            }
            try {
                assertThat(held.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("four validations fetching at once").isTrue();
                HttpResponse<String> busy = client.post(challengeUrls.get(limit), Map.of());
                assertProblem(busy, 429, "rateLimited");
                assertThat(busy.headers().firstValue("Retry-After")).hasValue("5");
                Map<String, Object> authz = json(client.post(authzUrls.get(limit), null).body());
                assertThat(authz.get("status")).isEqualTo("pending");
                assertThat(((Map<?, ?>) ((List<?>) authz.get("challenges")).get(0)).get("status")).as("not processing, not invalid").isEqualTo("pending");
            } finally {
                release.countDown();
            }
            for (java.util.concurrent.Future<HttpResponse<String>> answered : running) {
                HttpResponse<String> response = answered.get(15, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                assertThat(json(response.body()).get("status")).isEqualTo("valid");
            }
        } finally {
            posters.shutdownNow();
        }
        // Its places free again, the challenge refused for want of one validates on the next try.
        HttpResponse<String> again = client.post(challengeUrls.get(limit), Map.of());
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(json(again.body()).get("status")).isEqualTo("valid");
    }
}
