package dev.scepter.server.scep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.protocol.scep.TestPki;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSSignedData;
import org.junit.jupiter.api.Test;

/** GetCACert's answer (RFC 8894 section 4.2.1): the CA alone as DER, or certs-only with what else a client needs. */
class ScepKeysTest {

    private static final X509CertificateHolder INTERMEDIATE = TestPki.issue(TestPki.CA_CERT, TestPki.CA_KEYS.getPrivate(),
            "CN=Issuing CA", TestPki.STRANGER_KEYS, BigInteger.valueOf(7));
    private static final X509CertificateHolder RA = TestPki.issue(TestPki.CA_CERT, TestPki.CA_KEYS.getPrivate(), "CN=Scepter RA",
            TestPki.CLIENT_KEYS, BigInteger.valueOf(8));

    private static List<X509CertificateHolder> certsOnly(byte[] body) throws Exception {
        CMSSignedData signedData = new CMSSignedData(body);
        assertThat(signedData.getSignerInfos().size()).isZero();
        return new ArrayList<>(signedData.getCertificates().getMatches(null));
    }

    @Test
    void aRootAloneIsItsDer() throws Exception {
        ScepKeys keys = new ScepKeys(TestPki.caSigner(), TestPki.caDecryptor(), Optional.empty(), List.of(TestPki.CA_CERT));
        assertThat(keys.caCertContentType()).isEqualTo("application/x-x509-ca-cert");
        assertThat(keys.caCertBody()).isEqualTo(TestPki.CA_CERT.getEncoded());
    }

    @Test
    void anIntermediateComesWithItsChain() throws Exception {
        ScepKeys keys = new ScepKeys(TestPki.caSigner(), TestPki.caDecryptor(), Optional.empty(), List.of(INTERMEDIATE, TestPki.CA_CERT));
        assertThat(keys.caCertContentType()).isEqualTo("application/x-x509-ca-ra-cert");
        assertThat(certsOnly(keys.caCertBody())).containsExactly(INTERMEDIATE, TestPki.CA_CERT);
    }

    @Test
    void anRaComesFirstThenTheCa() throws Exception {
        ScepKeys keys = new ScepKeys(TestPki.caSigner(), TestPki.caDecryptor(), Optional.of(RA), List.of(TestPki.CA_CERT));
        assertThat(keys.caCertContentType()).isEqualTo("application/x-x509-ca-ra-cert");
        assertThat(certsOnly(keys.caCertBody())).containsExactly(RA, TestPki.CA_CERT);
    }
}
