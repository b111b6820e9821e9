package dev.scepter.protocol.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ACME's JWS (RFC 8555 section 6.2): what is read, and each way a body is refused with its error type. */
class AcmeJwsTest {

    private static final String URL = "http://127.0.0.1/acme/default/new-order";

    private static byte[] flattened(JWSObject jws) {
        String[] parts = jws.serialize().split("\\.", -1);
        return JSONObjectUtils.toJSONString(Map.of("protected", parts[0], "payload", parts[1], "signature", parts[2]))
                .getBytes(StandardCharsets.UTF_8);
    }

    private static JWSObject signed(ECKey key, JWSHeader.Builder header, String payload) throws Exception {
        JWSObject jws = new JWSObject(header.build(), new Payload(payload));
        jws.sign(new ECDSASigner(key));
        return jws;
    }

    private static AcmeError errorOf(Runnable action) {
        try {
            action.run();
        } catch (AcmeProblem problem) {
            return problem.error();
        }
        throw new AssertionError("no problem");
    }

    @Test
    void readsAndVerifiesAnEs256RequestWithAKid() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        AcmeJws jws = AcmeJws.parse(flattened(signed(key, new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("acct").customParam("nonce", "n1")
                .customParam("url", URL), "{\"identifiers\":[]}")));
        assertThat(jws.nonce()).isEqualTo("n1");
        assertThat(jws.url()).isEqualTo(URL);
        assertThat(jws.kid()).contains("acct");
        assertThat(jws.payload()).hasValueSatisfying(p -> assertThat(p).containsKey("identifiers"));
        jws.verify(key.toPublicJWK());
        ECKey other = new ECKeyGenerator(Curve.P_256).generate();
        assertThat(errorOf(() -> jws.verify(other.toPublicJWK()))).isEqualTo(AcmeError.UNAUTHORIZED);
    }

    @Test
    void anEmptyPayloadIsPostAsGet() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        AcmeJws jws = AcmeJws.parse(flattened(signed(key, new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("acct").customParam("nonce", "n")
                .customParam("url", URL), "")));
        assertThat(jws.payload()).isEmpty();
        jws.verify(key.toPublicJWK());
    }

    @Test
    void refusals() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        // No nonce: badNonce.
        assertThat(errorOf(() -> AcmeJws.parse(flattened(uncheck(() -> signed(key, new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("a")
                .customParam("url", URL), "{}")))))).isEqualTo(AcmeError.BAD_NONCE);
        // Both jwk and kid: malformed.
        assertThat(errorOf(() -> AcmeJws.parse(flattened(uncheck(() -> signed(key, new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("a")
                .jwk(key.toPublicJWK()).customParam("nonce", "n").customParam("url", URL), "{}")))))).isEqualTo(AcmeError.MALFORMED);
        // A MAC (HS256): badSignatureAlgorithm.
        JWSObject mac = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("a").customParam("nonce", "n").customParam("url", URL)
                .build(), new Payload("{}"));
        mac.sign(new MACSigner(new byte[32]));
        assertThat(errorOf(() -> AcmeJws.parse(flattened(mac)))).isEqualTo(AcmeError.BAD_SIGNATURE_ALGORITHM);
        // An unsigned "alg": "none" JWS.
        String none = Base64URL.encode("{\"alg\":\"none\",\"nonce\":\"n\",\"url\":\"" + URL + "\",\"kid\":\"a\"}").toString();
        assertThat(errorOf(() -> AcmeJws.parse(("{\"protected\":\"" + none + "\",\"payload\":\"\",\"signature\":\"\"}")
                .getBytes(StandardCharsets.UTF_8)))).isEqualTo(AcmeError.BAD_SIGNATURE_ALGORITHM);
        // Not JSON, or not a JWS.
        assertThat(errorOf(() -> AcmeJws.parse("not json".getBytes(StandardCharsets.UTF_8)))).isEqualTo(AcmeError.MALFORMED);
        assertThat(errorOf(() -> AcmeJws.parse("{\"protected\":\"x\"}".getBytes(StandardCharsets.UTF_8)))).isEqualTo(AcmeError.MALFORMED);
        assertThatThrownBy(() -> AcmeJws.parse("{\"protected\":\"!!\",\"payload\":\"\",\"signature\":\"\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(AcmeProblem.class);
    }

    @Test
    void theKeyAuthorizationIsTheTokenAndTheRfc7638Thumbprint() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        assertThat(AcmeJws.keyAuthorization("tok", key)).isEqualTo("tok." + key.computeThumbprint());
    }

    private interface Checked<T> {
        T get() throws Exception;
    }

    private static <T> T uncheck(Checked<T> supplier) {
        try {
            return supplier.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
