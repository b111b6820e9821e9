package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.token.ApiRole;
import dev.scepter.authority.token.ApiTokens;
import dev.scepter.protocol.scep.FailInfo;
import dev.scepter.protocol.scep.MessageType;
import dev.scepter.protocol.scep.PkiMessage;
import dev.scepter.protocol.scep.PkiMessageDecoder;
import dev.scepter.protocol.scep.PkiStatus;
import dev.scepter.protocol.scep.ScepRequestBuilder;
import dev.scepter.protocol.scep.TestPki;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile ASN.1 is refused in the protocol's own terms: 400 problem+json on the API, 400 or a
 * CertRep FAILURE on SCEP. Before, {@code /api/csr} threw StackOverflowError on deep nesting (a
 * 500 and about a thousand log lines), and so did a GetCert whose encrypted content nests that
 * deep; a CSR whose extensionRequest cannot be read was a 500 too.
 */
class HostileAsn1Test {

    /** Deep enough to overflow a 1 MiB thread stack many times over, small enough for the 64 KiB caps. */
    private static final int LEVELS = 10_000;

    private static RunningServer server;
    private static String csrToken;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(Map.of());
        csrToken = new ApiTokens(server.core.storage().apiTokenStore(), server.core.storage().auditLog(), Clock.systemUTC(),
                new SecureRandom()).create("test", "csr", Set.of(ApiRole.CSR_REQUEST), Optional.empty()).value();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** {@code levels} SEQUENCEs, each holding the next, in DER (definite lengths). */
    static byte[] nestedSequences(int levels) {
        byte[] inner = {0x05, 0x00};
        for (int i = 0; i < levels; i++) {
            ByteArrayOutputStream outer = new ByteArrayOutputStream(inner.length + 4);
            outer.write(0x30);
            int length = inner.length;
            if (length < 0x80) {
                outer.write(length);
            } else if (length < 0x100) {
                outer.write(0x81);
                outer.write(length);
            } else if (length < 0x10000) {
                outer.write(0x82);
                outer.write(length >> 8);
                outer.write(length);
            } else {
                outer.write(0x83);
                outer.write(length >> 16);
                outer.write(length >> 8);
                outer.write(length);
            }
            outer.writeBytes(inner);
            inner = outer.toByteArray();
        }
        return inner;
    }

    private static HttpResponse<byte[]> postCsr(byte[] body) throws Exception {
        return server.post("/api/csr", "application/pkcs10", body, "Authorization", "Bearer " + csrToken);
    }

    @Test
    void aDeeplyNestedCsrIsA400ProblemInDerAndInPem() throws Exception {
        byte[] der = nestedSequences(LEVELS);
        assertThat(der.length).isLessThan(64 * 1024);
        String pem = "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END CERTIFICATE REQUEST-----\n";
        for (byte[] body : new byte[][] {der, pem.getBytes(StandardCharsets.US_ASCII)}) {
            HttpResponse<byte[]> response = postCsr(body);
            String text = new String(response.body(), StandardCharsets.UTF_8);
            assertThat(response.statusCode()).as(text).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(text).contains("nests deeper than 64 levels").doesNotContain("StackOverflow");
        }
    }

    @Test
    void anEcCsrIsIssuedAsTheEnrollmentAllows() throws Exception {
        // The API used to parse the public key's BIT STRING as ASN.1, which only an RSA key is.
        KeyPair keys = TestPki.ec();
        byte[] csr = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
                new org.bouncycastle.asn1.x500.X500Name("CN=ec-api-client"), keys.getPublic())
                .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
                .getEncoded();
        HttpResponse<byte[]> response = postCsr(csr);
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(new org.bouncycastle.cert.X509CertificateHolder(response.body()).getSubject().toString())
                .isEqualTo("CN=ec-api-client");
    }

    @Test
    void aGetCertWhoseContentNestsDeeplyIsACertRepFailure() throws Exception {
        KeyPair keys = TestPki.rsa();
        byte[] request = ScepRequestBuilder.pkcsReq().messageType(MessageType.GET_CERT)
                .signer(keys, TestPki.selfSigned("CN=deep-getcert", keys, false))
                .recipient(server.core.ca().certificate()).messageData(nestedSequences(LEVELS)).build();
        HttpResponse<byte[]> response = server.post("/scep?operation=PKIOperation", "application/x-pki-message", request);
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        PkiMessage certRep = PkiMessageDecoder.decode(response.body());
        assertThat(certRep.pkiStatus()).contains(PkiStatus.FAILURE);
        assertThat(certRep.failInfo()).contains(FailInfo.BAD_REQUEST);
    }

    /** Found by CertificationRequestFuzzTest: the enrollment's preflight threw IllegalStateException (a 500). */
    @Test
    void aCsrWithAnExtensionRequestThatCannotBeReadIsA400Problem() throws Exception {
        HttpResponse<byte[]> response = postCsr(TestPki.csrWithUnreadableExtensionRequest(TestPki.rsa()));
        String text = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(response.statusCode()).as(text).isEqualTo(400);
        assertThat(text).contains("extensionRequest cannot be read");
    }

    /** strongSwan's pki --scep --san sends its attributes out of DER order; the API refused the signature. */
    @Test
    void aCsrWithItsAttributesOutOfDerOrderIsIssued() throws Exception {
        HttpResponse<byte[]> response = postCsr(TestPki.csrWithAttributesOutOfDerOrder("CN=unsorted-attributes", TestPki.rsa(), "x"));
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    }
}
