package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A PKIOperation by GET whose base64 message carries raw, unescaped {@code +} and {@code /}, as
 * clients in the field send it (RFC 8894 section 4.1 asks for percent-encoding; many do not). The
 * request is built on BouncyCastle here, so the test sees the whole CertRep.
 */
class RawGetPkiOperationTest {

    private static final int ATTEMPTS = 20;

    @RegisterExtension
    static final ScepterServerExtension server = ScepterServerExtension.withDefaults();
    private static X509Certificate ca;

    @BeforeAll
    static void readCa() {
        ca = caFromGetCACert();
    }

    @Test
    void aGetWithRawPlusAndSlashInItsMessageIsAnsweredWithTheCertificate() throws Exception {
        ScepMessages.Requester requester = ScepMessages.Requester.create("raw-get");
        ScepMessages.PkcsReq request = requestWhoseBase64HasPlusAndSlash(requester, "raw-get", server.staticChallenge());
        URI uri = getUri(request);
        assertThat(uri.getRawQuery()).as("the query is sent as built, unescaped").contains("+").contains("/");

        HttpResponse<byte[]> response = server.send(HttpRequest.newBuilder(uri).GET().build());

        assertThat(response.statusCode()).as("%s", bodyText(response)).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/x-pki-message"));
        ScepMessages.CertRep certRep = ScepMessages.readCertRep(response.body(), ca, requester);
        assertThat(certRep.messageType()).as("messageType").isEqualTo(ScepMessages.CERT_REP);
        assertThat(certRep.pkiStatus()).as("pkiStatus (failInfo %s)", certRep.failInfo()).isEqualTo(ScepMessages.SUCCESS);
        assertThat(certRep.transactionId()).as("transactionID echoed").isEqualTo(request.transactionId());
        assertThat(certRep.recipientNonce()).as("recipientNonce is our senderNonce").isEqualTo(request.senderNonce());
        assertThat(certRep.certsOnly()).as("the envelope holds a certs-only SignedData").isTrue();
        X509Certificate issued = certRep.certificates().stream()
                .filter(certificate -> certificate.getPublicKey().equals(requester.keyPair().getPublic()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no certificate for the requester's key among " + certRep.certificates()));
        issued.verify(ca.getPublicKey());
        assertThat(issued.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
        assertThat(issued.getSubjectX500Principal().getName()).contains("CN=raw-get");
    }

    @Test
    void aGetWithAWrongChallengeIsACertRepFailureBadRequest() throws Exception {
        ScepMessages.Requester requester = ScepMessages.Requester.create("raw-get-wrong");
        ScepMessages.PkcsReq request = ScepMessages.pkcsReq(requester, ca, "raw-get-wrong", "not-the-" + server.staticChallenge());

        HttpResponse<byte[]> response = server.send(HttpRequest.newBuilder(getUri(request)).GET().build());

        assertThat(response.statusCode()).as("%s", bodyText(response)).isEqualTo(200);
        ScepMessages.CertRep certRep = ScepMessages.readCertRep(response.body(), ca, requester);
        assertThat(certRep.messageType()).as("messageType").isEqualTo(ScepMessages.CERT_REP);
        assertThat(certRep.pkiStatus()).as("pkiStatus").isEqualTo(ScepMessages.FAILURE);
        assertThat(certRep.failInfo()).as("failInfo").isEqualTo(ScepMessages.BAD_REQUEST);
        assertThat(certRep.transactionId()).as("transactionID echoed").isEqualTo(request.transactionId());
        assertThat(certRep.recipientNonce()).as("recipientNonce is our senderNonce").isEqualTo(request.senderNonce());
    }

    private static URI getUri(ScepMessages.PkcsReq request) {
        // Deliberately not percent-encoded: URI.create keeps '+', '/' and '=' in the query as they are.
        return server.url("scep?operation=PKIOperation&message=" + Base64.getEncoder().encodeToString(request.der()));
    }

    /** Signed messages differ by nonce and signature; one of a few has both characters in its base64. */
    private static ScepMessages.PkcsReq requestWhoseBase64HasPlusAndSlash(ScepMessages.Requester requester, String commonName, String challenge) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            ScepMessages.PkcsReq request = ScepMessages.pkcsReq(requester, ca, commonName, challenge);
            String base64 = Base64.getEncoder().encodeToString(request.der());
            if (base64.contains("+") && base64.contains("/")) {
                return request;
            }
        }
        throw new AssertionError("no request among " + ATTEMPTS + " had both '+' and '/' in its base64");
    }

    private static X509Certificate caFromGetCACert() {
        HttpResponse<byte[]> response = server.get("scep?operation=GetCACert");
        assertThat(response.statusCode()).isEqualTo(200);
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(response.body()));
        } catch (CertificateException e) {
            throw new AssertionError("GetCACert did not answer one DER certificate", e);
        }
    }

    private static String bodyText(HttpResponse<byte[]> response) {
        return "HTTP " + response.statusCode() + " " + response.headers().map() + "\n" + new String(response.body(), StandardCharsets.ISO_8859_1);
    }
}
