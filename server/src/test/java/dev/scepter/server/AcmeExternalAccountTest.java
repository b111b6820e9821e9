package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * External account binding (RFC 8555 section 7.3.4) with {@code AppConfig:Acme:ExternalAccountRequired}:
 * the directory says so, an account without a binding is {@code externalAccountRequired}, one with a
 * bad MAC, an unknown key id or a binding of another key is {@code unauthorized}, and none of them
 * registers; a good binding does.
 */
class AcmeExternalAccountTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final byte[] KEY = new byte[32];
    private static RunningServer server;
    private static Map<String, Object> directory;

    @org.junit.jupiter.api.io.TempDir
    static Path folder;

    @BeforeAll
    static void start() throws Exception {
        new SecureRandom().nextBytes(KEY);
        Path keys = folder.resolve("acme-eab.keys");
        Files.writeString(keys, "# team keys\nteam-a " + Base64URL.encode(KEY) + "\n");
        server = RunningServer.start(Map.of("AppConfig:Acme:Enabled", "true", "AppConfig:Acme:DnsSuffixes", "localhost",
                "AppConfig:Acme:ExternalAccountRequired", "true", "AppConfig:Acme:ExternalAccountKeysFile", keys.toString()));
        directory = JSONObjectUtils.parse(HTTP.send(HttpRequest.newBuilder(server.url("/acme/default/directory")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String nonce() throws Exception {
        return nonce(directory);
    }

    private static String nonce(Map<String, Object> directory) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create((String) directory.get("newNonce"))).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.discarding()).headers().firstValue("Replay-Nonce").orElseThrow();
    }

    private static Map<String, Object> flattened(JWSObject jws) {
        String[] parts = jws.serialize().split("\\.", -1);
        return Map.of("protected", parts[0], "payload", parts[1], "signature", parts[2]);
    }

    /** The binding: the account's public key, MACed with {@code macKey} under {@code keyId}. */
    private static Map<String, Object> binding(ECKey account, String keyId, byte[] macKey) throws Exception {
        return binding(directory, account, keyId, macKey);
    }

    private static Map<String, Object> binding(Map<String, Object> directory, ECKey account, String keyId, byte[] macKey) throws Exception {
        JWSObject eab = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(keyId).customParam("url", directory.get("newAccount")).build(),
                new Payload(account.toPublicJWK().toJSONString()));
        eab.sign(new MACSigner(macKey));
        return flattened(eab);
    }

    /** A binding under HS384 with {@code macKey}, MACed by hand: the JOSE library would refuse a key shorter than 48 bytes. */
    private static Map<String, Object> hs384Binding(ECKey account, String keyId, byte[] macKey) throws Exception {
        java.util.Base64.Encoder base64url = java.util.Base64.getUrlEncoder().withoutPadding();
        String header = base64url.encodeToString(JSONObjectUtils.toJSONString(Map.of("alg", "HS384", "kid", keyId,
                "url", directory.get("newAccount"))).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String payload = base64url.encodeToString(account.toPublicJWK().toJSONString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA384");
        mac.init(new javax.crypto.spec.SecretKeySpec(macKey, "HmacSHA384"));
        String signature = base64url.encodeToString(mac.doFinal((header + "." + payload).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        return Map.of("protected", header, "payload", payload, "signature", signature);
    }

    private static HttpResponse<String> newAccount(ECKey account, Map<String, Object> payload) throws Exception {
        return newAccount(directory, account, payload);
    }

    private static HttpResponse<String> newAccount(Map<String, Object> directory, ECKey account, Map<String, Object> payload) throws Exception {
        String url = (String) directory.get("newAccount");
        JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.ES256).jwk(account.toPublicJWK()).customParam("nonce", nonce(directory))
                .customParam("url", url).build(), new Payload(JSONObjectUtils.toJSONString(payload)));
        jws.sign(new ECDSASigner(account));
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/jose+json")
                .POST(HttpRequest.BodyPublishers.ofString(JSONObjectUtils.toJSONString(flattened(jws)))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> response, int status, String type) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(JSONObjectUtils.parse(response.body()).get("type")).as(response.body()).isEqualTo("urn:ietf:params:acme:error:" + type);
    }

    private static void assertNotRegistered(ECKey account) throws Exception {
        assertProblem(newAccount(account, Map.of("onlyReturnExisting", true)), 400, "accountDoesNotExist");
    }

    @Test
    void theDirectorySaysAnExternalAccountIsRequired() {
        assertThat(((Map<?, ?>) directory.get("meta")).get("externalAccountRequired")).isEqualTo(true);
    }

    @Test
    void anAccountWithoutABindingIsRefused() throws Exception {
        ECKey account = new ECKeyGenerator(Curve.P_256).generate();
        assertProblem(newAccount(account, Map.of("termsOfServiceAgreed", true)), 403, "externalAccountRequired");
        assertNotRegistered(account);
    }

    @Test
    void aBadMacAnUnknownKeyIdOrAnotherAccountsKeyRegistersNothing() throws Exception {
        ECKey account = new ECKeyGenerator(Curve.P_256).generate();
        byte[] wrong = KEY.clone();
        wrong[0] ^= 1;
        assertProblem(newAccount(account, Map.of("termsOfServiceAgreed", true, "externalAccountBinding", binding(account, "team-a", wrong))),
                403, "unauthorized");
        assertProblem(newAccount(account, Map.of("termsOfServiceAgreed", true, "externalAccountBinding", binding(account, "team-b", KEY))),
                403, "unauthorized");
        ECKey other = new ECKeyGenerator(Curve.P_256).generate();
        assertProblem(newAccount(account, Map.of("termsOfServiceAgreed", true, "externalAccountBinding", binding(other, "team-a", KEY))),
                403, "unauthorized");
        assertProblem(newAccount(account, Map.of("termsOfServiceAgreed", true, "externalAccountBinding", Map.of("protected", "x"))),
                400, "malformed");
        assertNotRegistered(account);
    }

    @Test
    void hs384WithAKeyShorterThan48BytesIsMalformedNotABadMac() throws Exception {
        ECKey account = new ECKeyGenerator(Curve.P_256).generate();
        HttpResponse<String> refused = newAccount(account, Map.of("termsOfServiceAgreed", true, "externalAccountBinding", hs384Binding(account, "team-a", KEY)));
        assertProblem(refused, 400, "malformed");
        assertThat(refused.body()).contains("HS384 needs an external account key of 48 bytes or more");
        assertNotRegistered(account);
    }

    @Test
    void aGoodBindingRegisters() throws Exception {
        ECKey account = new ECKeyGenerator(Curve.P_256).generate();
        Map<String, Object> payload = new HashMap<>(Map.of("termsOfServiceAgreed", true, "externalAccountBinding", binding(account, "team-a", KEY)));
        HttpResponse<String> created = newAccount(account, payload);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(newAccount(account, Map.of("onlyReturnExisting", true)).statusCode()).isEqualTo(200);
    }

    /** A POST-as-GET of the account's own URL, signed with its kid. */
    private static HttpResponse<String> readAccount(Map<String, Object> directory, ECKey account, String accountUrl) throws Exception {
        JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(accountUrl).customParam("nonce", nonce(directory))
                .customParam("url", accountUrl).build(), new Payload(""));
        jws.sign(new ECDSASigner(account));
        return HTTP.send(HttpRequest.newBuilder(URI.create(accountUrl)).header("Content-Type", "application/jose+json")
                .POST(HttpRequest.BodyPublishers.ofString(JSONObjectUtils.toJSONString(flattened(jws)))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, Object> directoryOf(RunningServer node) throws Exception {
        return JSONObjectUtils.parse(HTTP.send(HttpRequest.newBuilder(node.url("/acme/default/directory")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void anAccountRegisteredWhileOpenIsLockedOutOnceABindingIsRequiredUntilItBinds(@org.junit.jupiter.api.io.TempDir Path installation)
            throws Exception {
        Map<String, String> open = Map.of("AppConfig:Acme:Enabled", "true", "AppConfig:Acme:DnsSuffixes", "localhost");
        ECKey account = new ECKeyGenerator(Curve.P_256).generate();
        // The test's own folder: a server removes the folder it made when closed, and this one restarts.
        Path dataDir = installation;
        String accountPath;
        try (RunningServer node = RunningServer.sameInstallation(dataDir, open)) {
            HttpResponse<String> created = newAccount(directoryOf(node), account, Map.of("termsOfServiceAgreed", true));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            accountPath = URI.create(created.headers().firstValue("Location").orElseThrow()).getPath();
        }
        Path keys = Files.createTempFile("acme-eab-", ".keys");
        Files.writeString(keys, "team-a " + Base64URL.encode(KEY) + "\n");
        Map<String, String> closed = new HashMap<>(open);
        closed.put("AppConfig:Acme:ExternalAccountRequired", "true");
        closed.put("AppConfig:Acme:ExternalAccountKeysFile", keys.toString());
        try (RunningServer node = RunningServer.sameInstallation(dataDir, closed)) {
            Map<String, Object> directory = directoryOf(node);
            String accountUrl = node.url(accountPath).toString();
            assertProblem(readAccount(directory, account, accountUrl), 403, "unauthorized");
            assertProblem(newAccount(directory, account, Map.of("onlyReturnExisting", true)), 403, "unauthorized");

            HttpResponse<String> bound = newAccount(directory, account, Map.of("externalAccountBinding", binding(directory, account, "team-a", KEY)));
            assertThat(bound.statusCode()).as(bound.body()).isEqualTo(200);
            assertThat(URI.create(bound.headers().firstValue("Location").orElseThrow()).getPath()).isEqualTo(accountPath);
            assertThat(readAccount(directory, account, accountUrl).statusCode()).isEqualTo(200);
        }
    }
}
