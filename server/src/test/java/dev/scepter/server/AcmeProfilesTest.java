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
import dev.scepter.authority.store.IssuedCertificate;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * ACME profiles ({@code AppConfig:Acme:Profiles}): {@code default} certifies names under
 * {@code servers.localhost}, {@code lab} those under {@code lab.localhost} for 7 days. A name is
 * ordered on the profile that certifies it and is {@code rejectedIdentifier} on the other; an
 * account exists on the profile it registered on alone, so through the other profile's URLs it
 * orders, reads, finalizes, rolls its key and revokes nothing ({@code accountDoesNotExist}); a key
 * holds one account per profile; a profile not declared is 404; a profile full of accounts
 * ({@code crowd}) locks no other out. DNS-01 is answered through the lookup hook; HTTP-01 by a
 * loopback server, to show that a {@code lab} answer's redirect is followed only to {@code lab}'s names.
 */
class AcmeProfilesTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static RunningServer server;

    @org.junit.jupiter.api.io.TempDir
    static Path txtRecords;

    /** HTTP-01 answers by host: a redirect's {@code Location}, or the body at {@code host + path}. */
    private static final Map<String, String> REDIRECTS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Map<String, String> ANSWERS = new java.util.concurrent.ConcurrentHashMap<>();
    /** Hosts the challenge server was asked by, each request's {@code Host}. */
    private static final List<String> ASKED = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static com.sun.net.httpserver.HttpServer challengeServer;

    @BeforeAll
    static void start() throws Exception {
        challengeServer = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        challengeServer.createContext("/.well-known/acme-challenge/", exchange -> {
            String host = exchange.getRequestHeaders().getFirst("Host").replaceFirst(":[0-9]+$", "");
            ASKED.add(host);
            String redirect = REDIRECTS.get(host + exchange.getRequestURI().getPath());
            String body = ANSWERS.get(host + exchange.getRequestURI().getPath());
            if (redirect != null) {
                exchange.getResponseHeaders().add("Location", redirect);
                exchange.sendResponseHeaders(302, -1);
            } else {
                byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.US_ASCII);
                exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length == 0 ? -1 : bytes.length);
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        challengeServer.start();
        Path hook = txtRecords.resolve("lookup.sh");
        Files.writeString(hook, "#!/bin/sh\ncat \"" + txtRecords + "/$1\" 2>/dev/null\nexit 0\n");
        Files.setPosixFilePermissions(hook, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        server = RunningServer.start(Map.of("AppConfig:Acme:Enabled", "true", "AppConfig:Acme:DnsSuffixes", "servers.localhost",
                "AppConfig:Acme:Dns01LookupCommand", hook.toString(), "AppConfig:Acme:Http01Port", String.valueOf(challengeServer.getAddress().getPort()),
                "AppConfig:Acme:Profiles", "lab,crowd",
                "AppConfig:Acme:Profiles:lab:DnsSuffixes", "lab.localhost", "AppConfig:Acme:Profiles:lab:ValidityPeriodDays", "7",
                "AppConfig:Acme:Profiles:crowd:DnsSuffixes", "crowd.localhost"));
    }

    @AfterAll
    static void stop() {
        if (challengeServer != null) {
            challengeServer.stop(0);
        }
        if (server != null) {
            server.close();
        }
    }

    /** A minimal ACME client of one profile: its key, its account URL once registered. */
    private static final class Client {
        final ECKey key;
        final String profile;
        final Map<String, Object> directory;
        String kid;

        Client(String profile) throws Exception {
            this(profile, new ECKeyGenerator(Curve.P_256).generate());
        }

        Client(String profile, ECKey key) throws Exception {
            this.profile = profile;
            this.key = key;
            HttpResponse<String> directory = HTTP.send(HttpRequest.newBuilder(server.url("/acme/" + profile + "/directory")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(directory.statusCode()).as(directory.body()).isEqualTo(200);
            this.directory = JSONObjectUtils.parse(directory.body());
        }

        String url(String name) {
            return (String) directory.get(name);
        }

        HttpResponse<String> register() throws Exception {
            return post(url("newAccount"), Map.of("termsOfServiceAgreed", true), null);
        }

        Client registered() throws Exception {
            HttpResponse<String> created = register();
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            kid = created.headers().firstValue("Location").orElseThrow();
            return this;
        }

        HttpResponse<String> post(String url, Object payload) throws Exception {
            return post(url, payload, kid);
        }

        /** Signed with {@code asKid} as the kid, or with the inline key when it is null. */
        HttpResponse<String> post(String url, Object payload, String asKid) throws Exception {
            String nonce = HTTP.send(HttpRequest.newBuilder(URI.create(url("newNonce"))).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding()).headers().firstValue("Replay-Nonce").orElseThrow();
            JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.ES256).customParam("nonce", nonce).customParam("url", url);
            if (asKid == null) {
                header.jwk(key.toPublicJWK());
            } else {
                header.keyID(asKid);
            }
            JWSObject jws = new JWSObject(header.build(), payload == null ? new Payload("") : new Payload(JSONObjectUtils.toJSONString(cast(payload))));
            jws.sign(new ECDSASigner(key));
            String[] parts = jws.serialize().split("\\.", -1);
            String body = JSONObjectUtils.toJSONString(Map.of("protected", parts[0], "payload", parts[1], "signature", parts[2]));
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/jose+json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object payload) {
        return (Map<String, Object>) payload;
    }

    private static Map<String, Object> json(HttpResponse<String> response) throws Exception {
        return JSONObjectUtils.parse(response.body());
    }

    private static Map<String, Object> order(String name) {
        return Map.of("identifiers", List.of(Map.of("type", "dns", "value", name)));
    }

    private static void assertProblem(HttpResponse<String> response, int status, String type) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(json(response).get("type")).as(response.body()).isEqualTo("urn:ietf:params:acme:error:" + type);
    }

    /** The same URL under another profile: {@code /acme/lab/order/X} as {@code /acme/default/order/X}. */
    private static String under(String profile, String url) {
        return url.replaceFirst("/acme/[a-z0-9-]+/", "/acme/" + profile + "/");
    }

    private static String csr(String name) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
        return Base64URL.encode(new JcaPKCS10CertificationRequestBuilder(new X500Name(""), keys.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())).getEncoded()).toString();
    }

    /** An order for {@code name}, its DNS-01 challenge answered through the hook: the order as the server tells it, with its URL. */
    private static Map<String, Object> readyOrder(Client client, String name) throws Exception {
        HttpResponse<String> created = client.post(client.url("newOrder"), order(name));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Map<String, Object> order = new java.util.HashMap<>(json(created));
        order.put("url", created.headers().firstValue("Location").orElseThrow());
        String authzUrl = ((List<?>) order.get("authorizations")).get(0).toString();
        Map<?, ?> challenge = ((List<?>) json(client.post(authzUrl, null)).get("challenges")).stream().map(c -> (Map<?, ?>) c)
                .filter(c -> "dns-01".equals(c.get("type"))).findFirst().orElseThrow();
        String keyAuthorization = challenge.get("token") + "." + client.key.computeThumbprint();
        Files.writeString(txtRecords.resolve("_acme-challenge." + name), Base64URL.encode(MessageDigest.getInstance("SHA-256")
                .digest(keyAuthorization.getBytes(StandardCharsets.US_ASCII))) + "\n");
        HttpResponse<String> answered = client.post((String) challenge.get("url"), Map.of());
        assertThat(json(answered).get("status")).as(answered.body()).isEqualTo("valid");
        order.put("challenge", challenge.get("url"));
        assertThat(json(client.post((String) order.get("url"), null)).get("status")).isEqualTo("ready");
        return order;
    }

    @Test
    void aNameIsOrderedOnTheProfileThatCertifiesItAndRefusedOnTheOther() throws Exception {
        Client lab = new Client("lab").registered();
        Client servers = new Client("default").registered();

        assertThat(lab.post(lab.url("newOrder"), order("www.lab.localhost")).statusCode()).isEqualTo(201);
        HttpResponse<String> refused = lab.post(lab.url("newOrder"), order("www.servers.localhost"));
        assertProblem(refused, 400, "rejectedIdentifier");
        assertThat(json(refused).get("detail").toString()).contains("profile 'lab' does not certify www.servers.localhost (DNS suffixes: lab.localhost)");

        assertThat(servers.post(servers.url("newOrder"), order("www.servers.localhost")).statusCode()).isEqualTo(201);
        refused = servers.post(servers.url("newOrder"), order("www.lab.localhost"));
        assertProblem(refused, 400, "rejectedIdentifier");
        assertThat(json(refused).get("detail").toString()).contains("profile 'default' does not certify www.lab.localhost");
    }

    @Test
    void aProfileIssuesUnderItsOwnUrlsWithItsOwnValidityAndRecordsItsName() throws Exception {
        Client lab = new Client("lab").registered();
        assertThat(lab.kid).contains("/acme/lab/account/");
        assertThat(lab.directory.values()).filteredOn(String.class::isInstance).allSatisfy(url -> assertThat((String) url).contains("/acme/lab/"));
        Map<String, Object> order = readyOrder(lab, "issued.lab.localhost");
        assertThat(List.of((String) order.get("url"), (String) order.get("finalize"), (String) order.get("challenge"),
                ((List<?>) order.get("authorizations")).get(0).toString())).allSatisfy(url -> assertThat(url).contains("/acme/lab/"));

        HttpResponse<String> finalized = lab.post((String) order.get("finalize"), Map.of("csr", csr("issued.lab.localhost")));
        assertThat(finalized.statusCode()).as(finalized.body()).isEqualTo(200);
        String certificateUrl = (String) json(finalized).get("certificate");
        assertThat(certificateUrl).contains("/acme/lab/");
        HttpResponse<String> pem = lab.post(certificateUrl, null);
        X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.body().getBytes(StandardCharsets.US_ASCII)));
        assertThat(Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()).toDays())
                .as("lab's ValidityPeriodDays, not default's 90").isBetween(7L, 8L);
        IssuedCertificate record = server.core.storage().certificateStore().find(server.issuerName(), leaf.getSerialNumber()).orElseThrow();
        assertThat(record.endpoint()).isEqualTo("acme");
        assertThat(record.requester()).startsWith("acme/lab ");

        // Revoked by its account through its own profile only.
        Client servers = new Client("default", lab.key);
        Map<String, Object> revocation = Map.of("certificate", Base64URL.encode(leaf.getEncoded()).toString());
        assertProblem(servers.post(servers.url("revokeCert"), revocation, lab.kid), 400, "accountDoesNotExist");
        assertProblem(servers.post(servers.url("revokeCert"), revocation, under("default", lab.kid)), 400, "accountDoesNotExist");
        assertThat(server.core.storage().certificateStore().find(server.issuerName(), leaf.getSerialNumber()).orElseThrow().revocation()).isEmpty();
        HttpResponse<String> revoked = lab.post(lab.url("revokeCert"), revocation);
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    }

    @Test
    void anAccountOfOneProfileDoesNotExistThroughAnother() throws Exception {
        Client lab = new Client("lab").registered();
        Map<String, Object> order = readyOrder(lab, "cross.lab.localhost");
        // The same key, speaking to default: with the lab account's own URL as kid, or that URL moved under default.
        Client elsewhere = new Client("default", lab.key);
        long before = server.recordsOf("acme");
        for (String kid : List.of(lab.kid, under("default", lab.kid))) {
            assertProblem(elsewhere.post(elsewhere.url("newOrder"), order("cross.servers.localhost"), kid), 400, "accountDoesNotExist");
            assertProblem(elsewhere.post(under("default", (String) order.get("url")), null, kid), 400, "accountDoesNotExist");
            assertProblem(elsewhere.post(under("default", ((List<?>) order.get("authorizations")).get(0).toString()), null, kid),
                    400, "accountDoesNotExist");
            assertProblem(elsewhere.post(under("default", (String) order.get("challenge")), Map.of(), kid), 400, "accountDoesNotExist");
            assertProblem(elsewhere.post(under("default", (String) order.get("finalize")), Map.of("csr", csr("cross.lab.localhost")), kid),
                    400, "accountDoesNotExist");
            assertProblem(elsewhere.post(under("default", lab.kid), null, kid), 400, "accountDoesNotExist");
            assertProblem(elsewhere.post(under("default", lab.kid) + "/orders", null, kid), 400, "accountDoesNotExist");
            assertProblem(elsewhere.post(elsewhere.url("keyChange"), Map.of(), kid), 400, "accountDoesNotExist");
        }
        assertProblem(elsewhere.post(elsewhere.url("newAccount"), Map.of("onlyReturnExisting", true), null), 400, "accountDoesNotExist");
        assertThat(server.recordsOf("acme")).as("nothing issued").isEqualTo(before);
        assertThat(json(lab.post((String) order.get("url"), null)).get("status")).as("the order untouched").isEqualTo("ready");
    }

    @Test
    void aKeyHoldsOneAccountInEachProfile() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        Client lab = new Client("lab", key).registered();
        Client servers = new Client("default", key).registered();

        assertThat(servers.kid).contains("/acme/default/account/").isNotEqualTo(under("default", lab.kid));
        HttpResponse<String> again = lab.register();
        assertThat(again.statusCode()).as("the account it has there").isEqualTo(200);
        assertThat(again.headers().firstValue("Location")).contains(lab.kid);
        assertThat(servers.post(servers.url("newOrder"), order("both.servers.localhost")).statusCode()).isEqualTo(201);
        assertThat(lab.post(lab.url("newOrder"), order("both.lab.localhost")).statusCode()).isEqualTo(201);
    }

    /** An HTTP-01 challenge of {@code client}'s order for {@code name}, answered by the client; the authorization as it then is. */
    private static Map<String, Object> http01(Client client, String name, java.util.function.BiConsumer<String, String> serve) throws Exception {
        HttpResponse<String> created = client.post(client.url("newOrder"), order(name));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String authzUrl = ((List<?>) json(created).get("authorizations")).get(0).toString();
        Map<?, ?> challenge = ((List<?>) json(client.post(authzUrl, null)).get("challenges")).stream().map(c -> (Map<?, ?>) c)
                .filter(c -> "http-01".equals(c.get("type"))).findFirst().orElseThrow();
        String token = (String) challenge.get("token");
        serve.accept("/.well-known/acme-challenge/" + token, token + "." + client.key.computeThumbprint());
        client.post((String) challenge.get("url"), Map.of());
        return json(client.post(authzUrl, null));
    }

    @Test
    void http01FollowsARedirectOnlyToANameOfTheAccountsOwnProfile() throws Exception {
        Client lab = new Client("lab").registered();
        int port = challengeServer.getAddress().getPort();

        // To a name only default certifies: lab's validator must not go there, though default's would.
        Map<String, Object> refused = http01(lab, "away.lab.localhost", (path, keyAuthorization) -> {
            REDIRECTS.put("away.lab.localhost" + path, "http://x.servers.localhost:" + port + path);
            ANSWERS.put("x.servers.localhost" + path, keyAuthorization);
        });
        assertThat(refused.get("status")).isEqualTo("invalid");
        Map<?, ?> error = (Map<?, ?>) ((Map<?, ?>) ((List<?>) refused.get("challenges")).stream()
                .filter(c -> "http-01".equals(((Map<?, ?>) c).get("type"))).findFirst().orElseThrow()).get("error");
        assertThat(error.get("type")).isEqualTo("urn:ietf:params:acme:error:connection");
        assertThat(error.get("detail").toString()).contains("profile 'lab' does not certify x.servers.localhost");
        assertThat(ASKED).as("the redirect's target was not asked").doesNotContain("x.servers.localhost");

        // Within lab.localhost the same redirect is followed and answers.
        Map<String, Object> followed = http01(lab, "home.lab.localhost", (path, keyAuthorization) -> {
            REDIRECTS.put("home.lab.localhost" + path, "http://www.lab.localhost:" + port + path);
            ANSWERS.put("www.lab.localhost" + path, keyAuthorization);
        });
        assertThat(followed.get("status")).as("%s", followed).isEqualTo("valid");
        assertThat(ASKED).contains("home.lab.localhost", "www.lab.localhost");
    }

    @Test
    void aProfileFullOfAccountsLocksNoOtherProfileOut() throws Exception {
        // As an open profile anyone registers on could be filled: its whole cap of valid accounts, written straight to the store.
        dev.scepter.authority.store.AcmeStore store = server.core.storage().acmeStore();
        for (long i = store.accounts("crowd"); i < 10_000; i++) {
            store.createAccount(new dev.scepter.authority.store.AcmeStore.Account("crowd-" + i, "crowd", "{}", "crowd-thumb-" + i,
                    dev.scepter.authority.store.AcmeStore.Status.VALID, List.of(), Optional.empty(), Instant.now(), 0));
        }
        assertThat(store.accounts("crowd")).isEqualTo(10_000);

        HttpResponse<String> refused = new Client("crowd").register();
        assertProblem(refused, 429, "rateLimited");
        assertThat(json(refused).get("detail").toString()).contains("profile keeps no more accounts (10000)");

        assertThat(new Client("default").register().statusCode()).as("default still registers").isEqualTo(201);
        assertThat(new Client("lab").register().statusCode()).as("lab still registers").isEqualTo(201);
    }

    @Test
    void aProfileNotDeclaredIsNotFound() throws Exception {
        for (String profile : List.of("nope", "Lab", "servers")) {
            HttpResponse<String> directory = HTTP.send(HttpRequest.newBuilder(server.url("/acme/" + profile + "/directory")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(directory.statusCode()).as(profile).isEqualTo(404);
            assertThat(directory.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            // The problem document's status is the HTTP status (RFC 9457 section 3.1.2), not malformed's 400.
            assertThat(directory.body()).as(profile).contains("\"status\":404").contains("No such ACME profile.");
        }
        Client lab = new Client("lab").registered();
        HttpResponse<String> refused = lab.post(under("nope", lab.url("newOrder")), order("www.lab.localhost"));
        assertThat(refused.statusCode()).isEqualTo(404);
    }
}
