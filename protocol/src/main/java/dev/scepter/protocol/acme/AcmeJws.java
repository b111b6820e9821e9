package dev.scepter.protocol.acme;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * ACME's request body (RFC 8555 section 6.2): a JWS in flattened JSON serialization whose
 * protected header carries {@code alg}, {@code nonce}, {@code url} and exactly one of {@code jwk}
 * (new accounts, revocation by certificate key) or {@code kid} (the account URL). RS256 and ES256
 * (P-256) are accepted; the signature is checked against the key the caller names.
 *
 * @param algorithm  the JWS algorithm
 * @param nonce      the replay nonce (section 6.5), not yet checked against the issued ones
 * @param url        the URL the client signed for (section 6.4), to compare with the request's
 * @param jwk        the public key given inline, for newAccount and revocation by certificate key
 * @param kid        the account URL, for every other request
 * @param payload    the payload as JSON, or empty for POST-as-GET (section 6.3)
 */
public record AcmeJws(JWSAlgorithm algorithm, String nonce, String url, Optional<JWK> jwk, Optional<String> kid,
        Optional<Map<String, Object>> payload, JWSObject signed) {

    /** The largest body an ACME request may have; a CSR of a 4096-bit key is well below it. */
    public static final int MAX_BYTES = 64 * 1024;
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    /** Parses the body: a malformed one is {@link AcmeError#MALFORMED}, an algorithm we do not take {@link AcmeError#BAD_SIGNATURE_ALGORITHM}. */
    public static AcmeJws parse(byte[] body) {
        Map<String, Object> json;
        try {
            json = JSONObjectUtils.parse(new String(body, StandardCharsets.UTF_8));
        } catch (ParseException e) {
            throw new AcmeProblem(AcmeError.MALFORMED, "The body is not a JSON object (a flattened JWS, RFC 8555 section 6.2).");
        }
        return parse(json, false);
    }

    /**
     * Parses the inner JWS of a key change (RFC 8555 section 7.3.5), the outer request's payload:
     * signed by the new key, given as its {@code jwk}, with the outer request's {@code url} and no
     * {@code nonce}. Its {@link #nonce()} is empty.
     */
    public static AcmeJws parseKeyChange(Map<String, Object> json) {
        AcmeJws inner = parse(json, true);
        if (inner.jwk().isEmpty()) {
            throw new AcmeProblem(AcmeError.MALFORMED, "The inner JWS of a key change carries the new key as its jwk (RFC 8555 section 7.3.5).");
        }
        return inner;
    }

    private static boolean unsigned(String protectedHeader) {
        try {
            return Header.parse(new Base64URL(protectedHeader)).getAlgorithm() == Algorithm.NONE;
        } catch (ParseException | RuntimeException e) {
            return false;
        }
    }

    private static AcmeJws parse(Map<String, Object> json, boolean keyChange) {
        String protectedHeader = text(json, "protected");
        String payload = text(json, "payload");
        String signature = text(json, "signature");
        if (json.containsKey("header")) {
            throw new AcmeProblem(AcmeError.MALFORMED, "ACME takes no unprotected header (RFC 8555 section 6.2).");
        }
        JWSObject jws;
        try {
            jws = JWSObject.parse(protectedHeader + "." + payload + "." + signature);
        } catch (ParseException | IllegalArgumentException e) {
            if (unsigned(protectedHeader)) {
                // An unsigned JWS is one whose algorithm we refuse (RFC 8555 section 6.2), not one we cannot read.
                throw new AcmeProblem(AcmeError.BAD_SIGNATURE_ALGORITHM, "This server takes RS256 and ES256, not none.");
            }
            throw new AcmeProblem(AcmeError.MALFORMED, "The JWS cannot be read: " + e.getMessage());
        }
        JWSAlgorithm algorithm = jws.getHeader().getAlgorithm();
        if (!ALGORITHMS.contains(algorithm)) {
            throw new AcmeProblem(AcmeError.BAD_SIGNATURE_ALGORITHM, "This server takes RS256 and ES256, not " + algorithm + ".");
        }
        Object nonce = jws.getHeader().getCustomParam("nonce");
        Object url = jws.getHeader().getCustomParam("url");
        String n;
        if (keyChange) {
            if (nonce != null) {
                throw new AcmeProblem(AcmeError.MALFORMED, "The inner JWS of a key change has no nonce (RFC 8555 section 7.3.5).");
            }
            n = "";
        } else if (nonce instanceof String given && !given.isEmpty()) {
            n = given;
        } else {
            throw new AcmeProblem(AcmeError.BAD_NONCE, "The protected header has no nonce (RFC 8555 section 6.5).");
        }
        if (!(url instanceof String u)) {
            throw new AcmeProblem(AcmeError.MALFORMED, "The protected header has no url (RFC 8555 section 6.4).");
        }
        Optional<JWK> jwk = Optional.ofNullable(jws.getHeader().getJWK());
        Optional<String> kid = Optional.ofNullable(jws.getHeader().getKeyID());
        if (jwk.isPresent() == kid.isPresent()) {
            throw new AcmeProblem(AcmeError.MALFORMED, "The protected header has exactly one of jwk and kid (RFC 8555 section 6.2).");
        }
        if (jwk.isPresent() && jwk.get().isPrivate()) {
            throw new AcmeProblem(AcmeError.MALFORMED, "The jwk holds a private key.");
        }
        Optional<Map<String, Object>> parsedPayload;
        if (payload.isEmpty()) {
            parsedPayload = Optional.empty();
        } else {
            try {
                parsedPayload = Optional.of(JSONObjectUtils.parse(new Base64URL(payload).decodeToString()));
            } catch (ParseException e) {
                throw new AcmeProblem(AcmeError.MALFORMED, "The payload is not a JSON object.");
            }
        }
        return new AcmeJws(algorithm, n, u, jwk, kid, parsedPayload, jws);
    }

    /**
     * Checks the signature with {@code key}; a wrong one is {@link AcmeError#UNAUTHORIZED}
     * (the caller does not hold the key it names), a key unfit for the algorithm {@link AcmeError#BAD_SIGNATURE_ALGORITHM}.
     */
    public void verify(JWK key) {
        JWSVerifier verifier;
        try {
            if (algorithm.equals(JWSAlgorithm.RS256) && key instanceof RSAKey rsa) {
                if (rsa.size() < 2048) {
                    throw new AcmeProblem(AcmeError.BAD_SIGNATURE_ALGORITHM, "An RSA account key has 2048 bits or more.");
                }
                verifier = new RSASSAVerifier(rsa);
            } else if (algorithm.equals(JWSAlgorithm.ES256) && key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
                verifier = new ECDSAVerifier(ec);
            } else {
                throw new AcmeProblem(AcmeError.BAD_SIGNATURE_ALGORITHM, "The key does not fit the algorithm " + algorithm
                        + " (RS256 takes an RSA key, ES256 a P-256 key).");
            }
            if (!signed.verify(verifier)) {
                throw new AcmeProblem(AcmeError.UNAUTHORIZED, "The JWS signature does not verify with the account key.");
            }
        } catch (JOSEException e) {
            throw new AcmeProblem(AcmeError.MALFORMED, "The JWS signature cannot be checked: " + e.getMessage());
        }
    }

    /** The key authorization for a challenge token (RFC 8555 section 8.1): {@code token.thumbprint(jwk)}. */
    public static String keyAuthorization(String token, JWK accountKey) {
        try {
            return token + "." + accountKey.computeThumbprint();
        } catch (JOSEException e) {
            throw new IllegalStateException("SHA-256 is always there", e);
        }
    }

    /** The RFC 7638 thumbprint of a key, which identifies an account. */
    public static String thumbprint(JWK key) {
        try {
            return key.computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new IllegalStateException("SHA-256 is always there", e);
        }
    }

    private static String text(Map<String, Object> json, String name) {
        if (json.get(name) instanceof String value) {
            return value;
        }
        throw new AcmeProblem(AcmeError.MALFORMED, "The JWS has no \"" + name + "\" (flattened JSON serialization, RFC 8555 section 6.2).");
    }
}
