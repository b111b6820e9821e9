package dev.scepter.protocol.scep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.Test;

/** The degenerate certificates-only SignedData of GetCACert (RFC 8894 sections 3.4 and 4.2.1.2). */
class CaCertificateResponseTest {
    private static final X509CertificateHolder RA = TestPki.issue(TestPki.CA_CERT, TestPki.CA_KEYS.getPrivate(),
            "CN=Scepter RA", TestPki.STRANGER_KEYS, BigInteger.valueOf(99));

    @Test
    void holdsTheCertificatesInTheOrderGivenWithNoSignerAndNoContent() throws Exception {
        for (List<X509CertificateHolder> chain : List.of(List.of(TestPki.CA_CERT, RA), List.of(RA, TestPki.CA_CERT))) {
            byte[] encoded = CaCertificateResponse.certsOnly(chain);

            ContentInfo contentInfo = ContentInfo.getInstance(encoded);
            assertThat(contentInfo.getContentType()).isEqualTo(CMSObjectIdentifiers.signedData);
            SignedData signedData = SignedData.getInstance(contentInfo.getContent());
            assertThat(signedData.getSignerInfos().size()).isZero();
            assertThat(signedData.getEncapContentInfo().getContent()).isNull();
            assertThat(certificates(signedData)).containsExactlyElementsOf(chain);
            assertThat(encoded[1]).as("definite length, no BER indefinite form").isNotEqualTo((byte) 0x80);
        }
    }

    @Test
    void needsACertificate() {
        assertThatThrownBy(() -> CaCertificateResponse.certsOnly(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<X509CertificateHolder> certificates(SignedData signedData) throws Exception {
        List<X509CertificateHolder> certificates = new ArrayList<>();
        for (ASN1Encodable certificate : signedData.getCertificates()) {
            certificates.add(new X509CertificateHolder(certificate.toASN1Primitive().getEncoded()));
        }
        return certificates;
    }
}
