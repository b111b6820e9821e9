package dev.scepter.protocol.scep;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Fuzzes a SCEP PKIOperation as the server reads it (RFC 8894 section 4.3): the POST body, and
 * the raw query string of a GET whose {@code message} parameter carries the base64. The
 * contract: the message decodes or {@link MalformedScepMessageException} is thrown (an HTTP
 * 400); a decoded request's envelope decrypts with the CA key and its content is read, or
 * {@link ScepFailure} is thrown (a CertRep FAILURE). Anything else (a RuntimeException,
 * StackOverflowError, OutOfMemoryError, a hang) is a finding.
 *
 * <p>Seeds ({@code PkiMessageFuzzTestInputs/}): requests of micromdm's scepclient and
 * strongSwan's {@code pki --scep}, encrypted for the CA in {@code PkiMessageFuzzTest-ca.pem}, a
 * throwaway CA made for them, so that the fuzzer gets past the decryption.
 */
class PkiMessageFuzzTest {

    private static final X509CertificateHolder CA_CERT;
    private static final KeyTransportDecryptor CA_DECRYPTOR;

    static {
        try (InputStream in = PkiMessageFuzzTest.class.getResourceAsStream("PkiMessageFuzzTest-ca.pem");
                PEMParser pem = new PEMParser(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            CA_CERT = (X509CertificateHolder) pem.readObject();
            PrivateKey key = new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) pem.readObject());
            CA_DECRYPTOR = KeyTransportDecryptor.of(key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void postBody(byte[] body) {
        try {
            readAsTheServerDoes(PkiMessageDecoder.decode(body));
        } catch (MalformedScepMessageException expected) {
            // HTTP 400
        }
    }

    @FuzzTest(maxDuration = "60s")
    void getQuery(byte[] query) {
        // The servlet container hands the raw query string over as ISO-8859-1 characters.
        String message = ScepMessageParameter.value(new String(query, StandardCharsets.ISO_8859_1), "message");
        if (message == null) {
            return;
        }
        try {
            readAsTheServerDoes(PkiMessageDecoder.decode(ScepMessageParameter.decode(message)));
        } catch (MalformedScepMessageException expected) {
            // HTTP 400
        }
    }

    /** What the SCEP service reads from a decoded request, whether or not its signature holds. */
    private static void readAsTheServerDoes(PkiMessage request) {
        request.toString();
        try {
            switch (request.messageType()) {
                case PKCS_REQ, RENEWAL_REQ -> {
                    PKCS10CertificationRequest csr = request.decryptCertificationRequest(CA_DECRYPTOR);
                    dev.scepter.protocol.csr.CertificationRequestContract.readAsTheEnrollmentDoes(csr);
                }
                case GET_CERT, GET_CRL -> request.decryptIssuerAndSerialNumber(CA_DECRYPTOR, CA_CERT).getSerialNumber();
                default -> request.decryptEnvelope(CA_DECRYPTOR, CA_CERT);
            }
        } catch (ScepFailure expected) {
            // A CertRep FAILURE
        }
    }
}
