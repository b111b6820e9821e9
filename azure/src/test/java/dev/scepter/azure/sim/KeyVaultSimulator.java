package dev.scepter.azure.sim;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Cipher;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DigestInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import tools.jackson.databind.JsonNode;

/**
 * Azure Key Vault's keys and certificates, as a CA whose key lives there uses them
 * (ms_contracts.md 4.2; API version 7.4): challenge authentication (a request without a token for
 * the vault's audience gets 401 with {@code WWW-Authenticate: Bearer authorization=..., resource=...}),
 * {@code GET keys/{name}[/{version}]} (the public JWK only), {@code POST keys/{name}/create},
 * {@code POST keys/{name}/{version}/sign} over a digest (RS256/384/512, ES256/384/512 with a raw
 * r||s answer), {@code decrypt} and {@code unwrapkey} (RSA1_5, RSA-OAEP), and the certificate
 * object SCEPman keeps its CA in: {@code GET certificates/{name}}, {@code POST certificates/{name}/create}
 * with issuer {@code Unknown} (the key is made, a CSR is pending) and {@code POST certificates/{name}/pending/merge}.
 * Keys are RSA, RSA-HSM, EC or EC-HSM; their private halves never leave the simulator. Faults: the
 * {@link SimServer}'s (429 or 503 with {@code Retry-After}, down, silence) and a denied operation (403).
 */
public final class KeyVaultSimulator {

    /** The public cloud's Key Vault audience. */
    public static final String AUDIENCE = "https://vault.azure.net";
    public static final String API_VERSION = "7.4";

    /** One version of a key; the key pair stays here. */
    public record Key(String name, String version, String kty, KeyPair keyPair) {
    }

    private record Certificate(String name, String keyVersion, X509CertificateHolder cer) {
    }

    private final SimServer server;
    private final SimTokens tokens;
    private final String audience;
    private final Map<String, Key> keys = new ConcurrentHashMap<>();
    private final Map<String, Certificate> certificates = new ConcurrentHashMap<>();
    /** Certificates created with issuer Unknown and not merged yet: name to the version of their new key. */
    private final Map<String, String> pending = new ConcurrentHashMap<>();
    private final Set<String> denied = ConcurrentHashMap.newKeySet();
    /** Per operation: how many more of it are throttled, and with which status and Retry-After. */
    private final Map<String, Throttle> throttled = new ConcurrentHashMap<>();

    private record Throttle(AtomicInteger left, int status, long retryAfterSeconds) {
    }
    private final Map<String, AtomicInteger> operations = new ConcurrentHashMap<>();

    public KeyVaultSimulator(SimServer server, SimTokens tokens) {
        this(server, tokens, AUDIENCE);
    }

    /** @param audience the audience its tokens must carry (a national cloud's, such as {@code https://vault.usgovcloudapi.net}) */
    public KeyVaultSimulator(SimServer server, SimTokens tokens, String audience) {
        this.server = Objects.requireNonNull(server, "server");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.audience = SimTokens.audience(audience);
        server.route("GET", "/keys/([^/]+)/?([^/]*)", request -> guarded(request, "get", () -> getKey(request.group(1), request.group(2))));
        server.route("POST", "/keys/([^/]+)/create", request -> guarded(request, "create", () -> createKey(request.group(1), request.json())));
        server.route("POST", "/keys/([^/]+)/([^/]*)/?(sign|decrypt|unwrapkey|verify)", request -> guarded(request,
                request.group(3), () -> operate(request.group(1), request.group(2), request.group(3), request.json())));
        server.route("GET", "/certificates/([^/]+)/?([^/]*)", request -> guarded(request, "certificates/get",
                () -> getCertificate(request.group(1))));
        server.route("POST", "/certificates/([^/]+)/create", request -> guarded(request, "certificates/create",
                () -> createCertificate(request.group(1), request.json())));
        server.route("POST", "/certificates/([^/]+)/pending/merge", request -> guarded(request, "certificates/create",
                () -> merge(request.group(1), request.json())));
    }

    /** The vault's URL, the {@code KeyVaultURL} setting. */
    public String vaultUrl() {
        return server.uri().toString();
    }

    public String audience() {
        return audience;
    }

    public SimServer server() {
        return server;
    }

    /** Operations of this kind ({@code get}, {@code sign}, {@code unwrapkey}, {@code decrypt}, {@code create}, ...) now answer 403. */
    public void deny(String operation) {
        denied.add(operation);
    }

    /** Operations of this kind are allowed again, as when the role is granted back. */
    public void allow(String operation) {
        denied.remove(operation);
    }

    /**
     * The next {@code count} operations of this kind ({@code sign}, {@code unwrapkey}, ...) answer
     * {@code status} (429 or 503) with {@code Retry-After}, as Key Vault does when one kind of
     * operation is over its quota; the others go on.
     */
    public void throttle(String operation, int count, int status, long retryAfterSeconds) {
        throttled.put(operation, new Throttle(new AtomicInteger(count), status, retryAfterSeconds));
    }

    /** How many operations of this kind were answered with 200 so far. */
    public int count(String operation) {
        return operations.getOrDefault(operation, new AtomicInteger()).get();
    }

    /** Creates a key here, as an administrator would in the portal: {@code RSA}, {@code RSA-HSM}, {@code EC}, {@code EC-HSM}. */
    public Key addKey(String name, String kty, int sizeOrCurveBits) {
        try {
            return store(name, kty, generate(kty, sizeOrCurveBits));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The current version of a key; its public half, for tests to verify with. */
    public PublicKey publicKey(String name) {
        return current(name).keyPair().getPublic();
    }

    // --- the REST contract ---------------------------------------------------------------------

    private interface Answer {
        SimServer.Reply get() throws Exception;
    }

    private SimServer.Reply guarded(SimServer.Request request, String operation, Answer answer) throws Exception {
        String authorization = request.header("Authorization");
        if (authorization == null || tokens.refuse(request, audience).isPresent()) {
            // Challenge authentication: the client learns from here which audience to ask a token for.
            return SimServer.Reply.error(401, "Unauthorized", authorization == null ? "AKV10000: Request is missing a Bearer or PoP token."
                    : "AKV10022: Invalid audience or token.")
                    .withHeader("WWW-Authenticate", "Bearer authorization=\"https://login.microsoftonline.com/" + UUID.randomUUID()
                            + "\", resource=\"" + audience + "\"");
        }
        if (!API_VERSION.equals(request.query().get("api-version")) && !"2025-07-01".equals(request.query().get("api-version"))) {
            return SimServer.Reply.error(400, "BadParameter", "The api-version '" + request.query().get("api-version") + "' is invalid.");
        }
        if (denied.contains(operation)) {
            return SimServer.Reply.error(403, "Forbidden", "The user, group or application does not have keys " + operation
                    + " permission on key vault.");
        }
        Throttle throttle = throttled.get(operation);
        if (throttle != null && throttle.left().getAndDecrement() > 0) {
            return SimServer.Reply.error(throttle.status(), throttle.status() == 429 ? "Throttled" : "ServiceUnavailable",
                    "Operations per second for this vault exceeded.").withHeader("Retry-After", String.valueOf(throttle.retryAfterSeconds()));
        }
        SimServer.Reply reply = answer.get();
        if (reply.status() / 100 == 2) {
            operations.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
        }
        return reply;
    }

    private SimServer.Reply getKey(String name, String version) {
        Key key = version.isEmpty() ? keys.get(name) : keys.get(name + "/" + version);
        if (key == null) {
            return notFound("Key", name);
        }
        return SimServer.Reply.json(200, keyBundle(key));
    }

    private SimServer.Reply createKey(String name, JsonNode body) throws GeneralSecurityException {
        String kty = body.path("kty").asString("");
        int size = kty.startsWith("EC") ? curveBits(body.path("crv").asString("P-256")) : body.path("key_size").asInt(2048);
        if (!List.of("RSA", "RSA-HSM", "EC", "EC-HSM").contains(kty) || size < 0) {
            return SimServer.Reply.error(400, "BadParameter", "Invalid kty or crv.");
        }
        return SimServer.Reply.json(200, keyBundle(store(name, kty, generate(kty, size))));
    }

    private SimServer.Reply operate(String name, String version, String operation, JsonNode body) throws GeneralSecurityException {
        Key key = version.isEmpty() ? keys.get(name) : keys.get(name + "/" + version);
        if (key == null) {
            return notFound("Key", name);
        }
        String alg = body.path("alg").asString("");
        byte[] value;
        try {
            value = Base64.getUrlDecoder().decode(body.path("value").asString(""));
        } catch (IllegalArgumentException e) {
            return SimServer.Reply.error(400, "BadParameter", "value is not base64url.");
        }
        boolean rsa = key.kty().startsWith("RSA");
        byte[] result;
        switch (operation) {
            case "sign" -> {
                int digestLength = Integer.parseInt(alg.length() == 5 ? alg.substring(2) : "0") / 8;
                if (!(rsa ? alg.startsWith("RS") : alg.startsWith("ES")) || digestLength == 0 || value.length != digestLength) {
                    return SimServer.Reply.error(400, "BadParameter", "Invalid algorithm " + alg + " for a " + key.kty()
                            + " key, or a digest of the wrong length (" + value.length + " bytes).");
                }
                if (!rsa && digestLength * 8 != curveSize(key)) {
                    return SimServer.Reply.error(400, "BadParameter", alg + " does not go with this key's curve.");
                }
                result = rsa ? signRsa(key, alg, value) : signEc(key, value);
            }
            case "decrypt", "unwrapkey" -> {
                if (!rsa || !List.of("RSA1_5", "RSA-OAEP").contains(alg)) {
                    return SimServer.Reply.error(400, "BadParameter", "Invalid algorithm " + alg + " for a " + key.kty() + " key.");
                }
                Cipher cipher = Cipher.getInstance("RSA1_5".equals(alg) ? "RSA/ECB/PKCS1Padding" : "RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
                cipher.init(Cipher.DECRYPT_MODE, key.keyPair().getPrivate());
                try {
                    result = cipher.doFinal(value);
                } catch (GeneralSecurityException e) {
                    return SimServer.Reply.error(400, "BadParameter", "Decryption failed.");
                }
            }
            default -> {
                return SimServer.Reply.error(400, "BadParameter", operation + " is not simulated.");
            }
        }
        return SimServer.Reply.json(200, Map.of("kid", kid(key), "value", Base64.getUrlEncoder().withoutPadding().encodeToString(result)));
    }

    private SimServer.Reply getCertificate(String name) throws Exception {
        Certificate certificate = certificates.get(name);
        if (certificate == null) {
            return notFound("Certificate", name);
        }
        return SimServer.Reply.json(200, certificateBundle(certificate));
    }

    private SimServer.Reply createCertificate(String name, JsonNode body) throws Exception {
        JsonNode policy = body.path("policy");
        if (!"Unknown".equals(policy.path("issuer").path("name").asString(""))) {
            return SimServer.Reply.error(400, "BadParameter", "The simulator creates certificates with issuer Unknown only (the CA signs its own).");
        }
        JsonNode keyProps = policy.path("key_props");
        String kty = keyProps.path("kty").asString("");
        int size = kty.startsWith("EC") ? curveBits(keyProps.path("crv").asString("P-256")) : keyProps.path("key_size").asInt(2048);
        if (!List.of("RSA", "RSA-HSM", "EC", "EC-HSM").contains(kty) || size < 0 || keyProps.path("exportable").asBoolean(false)) {
            return SimServer.Reply.error(400, "BadParameter", "Invalid key_props (kty, key_size or crv; exportable must be false).");
        }
        if (pending.containsKey(name)) {
            return SimServer.Reply.error(409, "Conflict", "Pending certificate " + name + " already exists.");
        }
        Key key = store(name, kty, generate(kty, size));
        pending.put(name, key.version());
        String subject = policy.path("x509_props").path("subject").asString("CN=" + name);
        String algorithm = kty.startsWith("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        byte[] csr = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), key.keyPair().getPublic())
                .build(new JcaContentSignerBuilder(algorithm).build(key.keyPair().getPrivate())).getEncoded();
        Map<String, Object> operation = new LinkedHashMap<>();
        operation.put("id", vaultUrl() + "/certificates/" + name + "/pending");
        operation.put("issuer", Map.of("name", "Unknown"));
        operation.put("csr", Base64.getEncoder().encodeToString(csr));
        operation.put("status", "inProgress");
        return SimServer.Reply.json(202, operation);
    }

    private SimServer.Reply merge(String name, JsonNode body) throws Exception {
        String keyVersion = pending.get(name);
        if (keyVersion == null) {
            return notFound("Pending certificate", name);
        }
        X509CertificateHolder cer;
        try {
            cer = new X509CertificateHolder(Base64.getDecoder().decode(body.path("x5c").path(0).asString("")));
        } catch (Exception e) {
            return SimServer.Reply.error(400, "BadParameter", "x5c[0] is not a certificate.");
        }
        Key key = keys.get(name + "/" + keyVersion);
        if (!Arrays.equals(cer.getSubjectPublicKeyInfo().getEncoded(), key.keyPair().getPublic().getEncoded())) {
            return SimServer.Reply.error(400, "BadParameter", "Public key from x509 certificate and key of this instance doesn't match.");
        }
        pending.remove(name);
        Certificate certificate = new Certificate(name, keyVersion, cer);
        certificates.put(name, certificate);
        return SimServer.Reply.json(201, certificateBundle(certificate));
    }

    // --- state and cryptography ----------------------------------------------------------------

    private Key store(String name, String kty, KeyPair keyPair) {
        Key key = new Key(name, UUID.randomUUID().toString().replace("-", ""), kty, keyPair);
        keys.put(name + "/" + key.version(), key);
        keys.put(name, key);
        return key;
    }

    private Key current(String name) {
        return Objects.requireNonNull(keys.get(name), "no such key");
    }

    private String kid(Key key) {
        return vaultUrl() + "/keys/" + key.name() + "/" + key.version();
    }

    private Map<String, Object> keyBundle(Key key) {
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kid", kid(key));
        jwk.put("kty", key.kty());
        if (key.keyPair().getPublic() instanceof RSAPublicKey rsa) {
            jwk.put("key_ops", List.of("sign", "verify", "encrypt", "decrypt", "wrapKey", "unwrapKey"));
            jwk.put("n", base64url(unsigned(rsa.getModulus())));
            jwk.put("e", base64url(unsigned(rsa.getPublicExponent())));
        } else {
            ECPublicKey ec = (ECPublicKey) key.keyPair().getPublic();
            int bytes = (curveSize(key) + 7) / 8;
            jwk.put("key_ops", List.of("sign", "verify"));
            jwk.put("crv", "P-" + curveSize(key));
            jwk.put("x", base64url(fixed(ec.getW().getAffineX(), bytes)));
            jwk.put("y", base64url(fixed(ec.getW().getAffineY(), bytes)));
        }
        return Map.of("key", jwk, "attributes", Map.of("enabled", true, "recoveryLevel", "Recoverable+Purgeable",
                "exportable", false));
    }

    private Map<String, Object> certificateBundle(Certificate certificate) throws Exception {
        Map<String, Object> bundle = new LinkedHashMap<>();
        String version = UUID.nameUUIDFromBytes(certificate.cer().getEncoded()).toString().replace("-", "");
        bundle.put("id", vaultUrl() + "/certificates/" + certificate.name() + "/" + version);
        bundle.put("kid", vaultUrl() + "/keys/" + certificate.name() + "/" + certificate.keyVersion());
        bundle.put("sid", vaultUrl() + "/secrets/" + certificate.name() + "/" + version);
        bundle.put("x5t", base64url(MessageDigest.getInstance("SHA-1").digest(certificate.cer().getEncoded())));
        bundle.put("cer", Base64.getEncoder().encodeToString(certificate.cer().getEncoded()));
        bundle.put("attributes", Map.of("enabled", true));
        return bundle;
    }

    private static KeyPair generate(String kty, int sizeOrCurveBits) throws GeneralSecurityException {
        if (kty.startsWith("EC")) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp" + sizeOrCurveBits + "r1"));
            return generator.generateKeyPair();
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(sizeOrCurveBits);
        return generator.generateKeyPair();
    }

    private static byte[] signRsa(Key key, String alg, byte[] digest) throws GeneralSecurityException {
        // RSASSA-PKCS1-v1_5 over the given digest: the DigestInfo is built here, as Key Vault does.
        AlgorithmIdentifier digestAlgorithm = new AlgorithmIdentifier(switch (alg) {
            case "RS384" -> NISTObjectIdentifiers.id_sha384;
            case "RS512" -> NISTObjectIdentifiers.id_sha512;
            default -> NISTObjectIdentifiers.id_sha256;
        }, DERNull.INSTANCE);
        Signature signature = Signature.getInstance("NONEwithRSA");
        signature.initSign(key.keyPair().getPrivate());
        try {
            signature.update(new DigestInfo(digestAlgorithm, digest).getEncoded());
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
        return signature.sign();
    }

    private static byte[] signEc(Key key, byte[] digest) throws GeneralSecurityException {
        Signature signature = Signature.getInstance("NONEwithECDSA");
        signature.initSign(key.keyPair().getPrivate());
        signature.update(digest);
        ASN1Sequence der = ASN1Sequence.getInstance(signature.sign());
        int bytes = (curveSize(key) + 7) / 8;
        // Key Vault answers the JWS form, r || s, each of the curve's length.
        byte[] raw = new byte[2 * bytes];
        System.arraycopy(fixed(ASN1Integer.getInstance(der.getObjectAt(0)).getValue(), bytes), 0, raw, 0, bytes);
        System.arraycopy(fixed(ASN1Integer.getInstance(der.getObjectAt(1)).getValue(), bytes), 0, raw, bytes, bytes);
        return raw;
    }

    private static int curveSize(Key key) {
        return ((ECPublicKey) key.keyPair().getPublic()).getParams().getCurve().getField().getFieldSize();
    }

    private static int curveBits(String crv) {
        return switch (crv.toUpperCase(Locale.ROOT)) {
            case "P-256" -> 256;
            case "P-384" -> 384;
            case "P-521" -> 521;
            default -> -1;
        };
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 && bytes.length > 1 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static byte[] fixed(BigInteger value, int length) {
        byte[] bytes = unsigned(value);
        byte[] out = new byte[length];
        System.arraycopy(bytes, 0, out, length - bytes.length, bytes.length);
        return out;
    }

    private static String base64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static SimServer.Reply notFound(String what, String name) {
        return SimServer.Reply.error(404, what.replace(" ", "") + "NotFound", "A " + what.toLowerCase(Locale.ROOT) + " with (name/id) "
                + name + " was not found in this key vault.");
    }
}
