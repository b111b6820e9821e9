package dev.scepter.protocol.acme;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jwk.JWK;
import java.text.ParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * External account binding (RFC 8555 section 7.3.4): a newAccount payload's
 * {@code externalAccountBinding}, a flattened JWS MACed (HS256, HS384 or HS512) with a key the CA
 * gave out of band, whose protected header names that key ({@code kid}) and the newAccount URL,
 * and whose payload is the account's public key.
 */
public final class AcmeExternalAccountBinding {

    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512);

    private AcmeExternalAccountBinding() {
    }

    /**
     * Checks the binding and answers the external account's key identifier. {@code keys} gives the
     * MAC key of a key identifier, empty for one the CA does not know. A binding that is not a JWS
     * of that form is {@link AcmeError#MALFORMED}; an unknown key identifier or a MAC that does not
     * verify is {@link AcmeError#UNAUTHORIZED}.
     */
    public static String verify(Object binding, String url, JWK accountKey, Function<String, Optional<byte[]>> keys) {
        if (!(binding instanceof Map<?, ?> json) || !(json.get("protected") instanceof String protectedHeader)
                || !(json.get("payload") instanceof String payload) || !(json.get("signature") instanceof String signature)) {
            throw new AcmeProblem(AcmeError.MALFORMED, "externalAccountBinding is a flattened JWS (RFC 8555 section 7.3.4).");
        }
        JWSObject jws;
        try {
            jws = JWSObject.parse(protectedHeader + "." + payload + "." + signature);
        } catch (ParseException | IllegalArgumentException e) {
            throw new AcmeProblem(AcmeError.MALFORMED, "externalAccountBinding cannot be read as a JWS.");
        }
        if (!ALGORITHMS.contains(jws.getHeader().getAlgorithm())) {
            throw new AcmeProblem(AcmeError.MALFORMED, "externalAccountBinding is MACed with HS256, HS384 or HS512.");
        }
        if (jws.getHeader().getCustomParam("nonce") != null || jws.getHeader().getJWK() != null) {
            throw new AcmeProblem(AcmeError.MALFORMED, "externalAccountBinding's header has no nonce and no jwk.");
        }
        String kid = jws.getHeader().getKeyID();
        if (kid == null || kid.isEmpty()) {
            throw new AcmeProblem(AcmeError.MALFORMED, "externalAccountBinding names its key (kid).");
        }
        if (!url.equals(jws.getHeader().getCustomParam("url"))) {
            throw new AcmeProblem(AcmeError.MALFORMED, "externalAccountBinding's url is the newAccount URL.");
        }
        byte[] secret = keys.apply(kid).orElseThrow(() -> new AcmeProblem(AcmeError.UNAUTHORIZED, "No such external account key."));
        // RFC 7518 section 3.2: HS384 and HS512 need keys as long as their hash; a shorter key is
        // the client's choice of algorithm, not a wrong MAC, and the MAC library would say only that.
        int needed = jws.getHeader().getAlgorithm().equals(JWSAlgorithm.HS512) ? 64 : jws.getHeader().getAlgorithm().equals(JWSAlgorithm.HS384) ? 48 : 32;
        if (secret.length < needed) {
            throw new AcmeProblem(AcmeError.MALFORMED, jws.getHeader().getAlgorithm() + " needs an external account key of " + needed
                    + " bytes or more; MAC the binding with HS256.");
        }
        boolean valid;
        try {
            valid = jws.verify(new MACVerifier(secret));
        } catch (JOSEException e) {
            valid = false;
        }
        if (!valid) {
            throw new AcmeProblem(AcmeError.UNAUTHORIZED, "externalAccountBinding's MAC does not verify with the external account key.");
        }
        JWK bound;
        try {
            bound = JWK.parse(jws.getPayload().toString());
        } catch (ParseException e) {
            throw new AcmeProblem(AcmeError.MALFORMED, "externalAccountBinding's payload is a JWK.");
        }
        if (!AcmeJws.thumbprint(bound).equals(AcmeJws.thumbprint(accountKey))) {
            throw new AcmeProblem(AcmeError.UNAUTHORIZED, "externalAccountBinding binds another key than the account's.");
        }
        return kid;
    }
}
