package dev.scepter.protocol.scep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.NoSuchAlgorithmException;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAESOAEPparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The numbers and OIDs on the wire (RFC 8894 section 3.2.1), and the software-key adapters. */
class WireCodesTest {

    @ParameterizedTest
    @CsvSource({"CERT_REP, 3", "RENEWAL_REQ, 17", "PKCS_REQ, 19", "CERT_POLL, 20", "GET_CERT, 21", "GET_CRL, 22"})
    void messageTypes(MessageType type, int code) {
        assertThat(type.code()).isEqualTo(code);
        assertThat(MessageType.fromCode(code)).contains(type);
    }

    @Test
    void codesOutsideTheRfcAreUnknown() {
        assertThat(MessageType.fromCode(0)).isEmpty();
        assertThat(MessageType.fromCode(18)).isEmpty();
        assertThat(PkiStatus.fromCode(1)).isEmpty();
        assertThat(FailInfo.fromCode(5)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"SUCCESS, 0", "FAILURE, 2", "PENDING, 3"})
    void pkiStatuses(PkiStatus status, int code) {
        assertThat(status.code()).isEqualTo(code);
        assertThat(PkiStatus.fromCode(code)).contains(status);
    }

    @ParameterizedTest
    @CsvSource({"BAD_ALG, 0", "BAD_MESSAGE_CHECK, 1", "BAD_REQUEST, 2", "BAD_TIME, 3", "BAD_CERT_ID, 4"})
    void failInfos(FailInfo failInfo, int code) {
        assertThat(failInfo.code()).isEqualTo(code);
        assertThat(FailInfo.fromCode(code)).contains(failInfo);
    }

    @ParameterizedTest
    @CsvSource({"AES_256_CBC, 2.16.840.1.101.3.4.1.42", "AES_128_CBC, 2.16.840.1.101.3.4.1.2",
            "DES_EDE3_CBC, 1.2.840.113549.3.7"})
    void responseEncryptionsBySCEPmansOids(ResponseEncryption encryption, String oid) {
        assertThat(encryption.oid()).isEqualTo(oid);
        assertThat(ResponseEncryption.fromOid(oid)).contains(encryption);
        assertThat(ResponseEncryption.fromOid(" " + oid + " ")).contains(encryption);
    }

    @Test
    void otherOidsAreNoResponseEncryption() {
        assertThat(ResponseEncryption.fromOid("1.3.14.3.2.7")).isEmpty();
        assertThat(ResponseEncryption.fromOid(null)).isEmpty();
    }

    @Test
    void theSoftwareDecryptorDoesPkcs1KeyTransportOnly() {
        AlgorithmIdentifier oaep = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_RSAES_OAEP, new RSAESOAEPparams());

        assertThatThrownBy(() -> TestPki.caDecryptor().decryptContentEncryptionKey(oaep, new byte[256]))
                .isInstanceOf(NoSuchAlgorithmException.class);
    }

    @Test
    void theSoftwareSignerSignsWithShaDigestsOnly() throws Exception {
        CmsSigner signer = TestPki.caSigner();

        assertThat(signer.certificate()).isEqualTo(TestPki.CA_CERT);
        assertThat(signer.contentSigner(new DefaultDigestAlgorithmIdentifierFinder().find("SHA-384"))
                .getAlgorithmIdentifier().getAlgorithm()).isEqualTo(PKCSObjectIdentifiers.sha384WithRSAEncryption);
        assertThatThrownBy(() -> signer.contentSigner(new DefaultDigestAlgorithmIdentifierFinder().find("MD5")))
                .isInstanceOf(OperatorCreationException.class);
    }

    @Test
    void exceptionsCarryTheirFailInfo() {
        assertThat(new ScepFailure(FailInfo.BAD_TIME, "late").failInfo()).isEqualTo(FailInfo.BAD_TIME);
        assertThatThrownBy(() -> new ScepFailure(null, "x")).isInstanceOf(NullPointerException.class);
    }
}
