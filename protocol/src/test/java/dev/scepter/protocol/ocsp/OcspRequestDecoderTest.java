package dev.scepter.protocol.ocsp;

import static dev.scepter.protocol.ocsp.OcspRequests.SHA1;
import static dev.scepter.protocol.ocsp.OcspRequests.SHA256;
import static dev.scepter.protocol.ocsp.OcspRequests.SHA256_ABSENT;
import static dev.scepter.protocol.ocsp.OcspRequests.certificateId;
import static dev.scepter.protocol.ocsp.OcspRequests.randomNonce;
import static dev.scepter.protocol.ocsp.OcspRequests.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** OCSPRequests as clients send them (RFC 6960 section 4.1.1), and what the decoder makes of them. */
class OcspRequestDecoderTest {
    private static final BigInteger SERIAL = OcspTestPki.LEAVES.get(0).getSerialNumber();

    /**
     * {@code openssl ocsp -issuer ca.pem -cert leaf.pem -reqout req.der} (OpenSSL 3.0), for a
     * CA named CN=Fixture CA and serial 0x1234: a SHA-1 CertID with NULL parameters and a
     * 16-octet nonce.
     */
    private static final String OPENSSL_REQUEST =
            "MGgwZjA/MD0wOzAJBgUrDgMCGgUABBSJ465Q+wTx8PVHNaGlP9h+poqrKAQUtE3LsjynNVPmoIslb2pNLlpfwwgCAhI0"
                    + "oiMwITAfBgkrBgEFBQcwAQIEEgQQfWZ3qYnka34MmipnmWtK0Q==";

    @Test
    void opensslRequestFixture() throws Exception {
        OcspRequest decoded = OcspRequestDecoder.decode(Base64.getDecoder().decode(OPENSSL_REQUEST));

        assertThat(decoded.certificateIds()).singleElement().satisfies(id -> {
            assertThat(id.hashAlgorithm()).isEqualTo(new AlgorithmIdentifier(OIWObjectIdentifiers.idSHA1, DERNull.INSTANCE));
            assertThat(id.issuerNameHash()).isEqualTo(HexFormat.of().parseHex("89e3ae50fb04f1f0f54735a1a53fd87ea68aab28"));
            assertThat(id.issuerKeyHash()).isEqualTo(HexFormat.of().parseHex("b44dcbb23ca73553e6a08b256f6a4d2e5a5fc308"));
            assertThat(id.serialNumber()).isEqualTo(BigInteger.valueOf(0x1234));
        });
        assertThat(decoded.nonce()).get().isEqualTo(HexFormat.of().parseHex("7d6677a989e46b7e0c9a2a67996b4ad1"));
    }

    @Test
    void sha1CertIdWithNonceAsOpenSslSendsIt() throws Exception {
        byte[] nonce = randomNonce(16);
        byte[] der = request().about(SHA1, OcspTestPki.CA_CERT, SERIAL).nonce(nonce).build();

        OcspRequest decoded = OcspRequestDecoder.decode(der);

        CertificateID expected = new OCSPReq(der).getRequestList()[0].getCertID();
        assertThat(decoded.certificateIds()).singleElement().satisfies(id -> {
            assertThat(id.toCertificateID()).isEqualTo(expected);
            assertThat(id.hashAlgorithm()).isEqualTo(SHA1);
            assertThat(id.serialNumber()).isEqualTo(SERIAL);
            assertThat(id.issuerNameHash()).isEqualTo(expected.getIssuerNameHash());
            assertThat(id.issuerKeyHash()).isEqualTo(expected.getIssuerKeyHash());
        });
        assertThat(decoded.nonce()).get().isEqualTo(nonce);
    }

    @Test
    void sha256CertIdKeepsItsParametersNullOrAbsent() throws Exception {
        OcspRequest withNull = OcspRequestDecoder.decode(request().about(SHA256, OcspTestPki.CA_CERT, SERIAL).build());
        OcspRequest absent = OcspRequestDecoder.decode(request().about(SHA256_ABSENT, OcspTestPki.CA_CERT, SERIAL).build());

        assertThat(withNull.certificateIds().get(0).hashAlgorithm().getParameters()).isEqualTo(DERNull.INSTANCE);
        assertThat(absent.certificateIds().get(0).hashAlgorithm().getParameters()).isNull();
        assertThat(withNull.certificateIds().get(0)).isNotEqualTo(absent.certificateIds().get(0));
        assertThat(withNull.certificateIds().get(0).issuerKeyHash()).hasSize(32);
    }

    @Test
    void withoutNonce() throws Exception {
        OcspRequest decoded = OcspRequestDecoder.decode(request().about(SHA1, OcspTestPki.CA_CERT, SERIAL).build());

        assertThat(decoded.nonce()).isEmpty();
    }

    @Test
    void severalCertificatesInTheClientsOrder() throws Exception {
        byte[] der = request()
                .about(SHA1, OcspTestPki.CA_CERT, OcspTestPki.LEAVES.get(2).getSerialNumber())
                .about(SHA256, OcspTestPki.CA_CERT, OcspTestPki.LEAVES.get(0).getSerialNumber())
                .about(SHA1, OcspTestPki.OTHER_CA_CERT, OcspTestPki.LEAVES.get(1).getSerialNumber())
                .build();

        OcspRequest decoded = OcspRequestDecoder.decode(der);

        assertThat(decoded.certificateIds()).extracting(CertificateId::serialNumber).containsExactly(
                OcspTestPki.LEAVES.get(2).getSerialNumber(), OcspTestPki.LEAVES.get(0).getSerialNumber(),
                OcspTestPki.LEAVES.get(1).getSerialNumber());
        assertThat(decoded.certificateIds()).extracting(CertificateId::toCertificateID).containsExactly(
                new OCSPReq(der).getRequestList()[0].getCertID(), new OCSPReq(der).getRequestList()[1].getCertID(),
                new OCSPReq(der).getRequestList()[2].getCertID());
    }

    @Test
    void asManyCertificatesAsTheBound() throws Exception {
        OcspRequests request = request();
        for (int i = 0; i < OcspRequestDecoder.MAX_REQUESTS; i++) {
            request.about(SHA1, OcspTestPki.CA_CERT, BigInteger.valueOf(i));
        }

        assertThat(OcspRequestDecoder.decode(request.build()).certificateIds()).hasSize(OcspRequestDecoder.MAX_REQUESTS);
    }

    @Test
    void signedRequestIsAcceptedWithoutLookingAtTheSignature() throws Exception {
        byte[] der = OcspRequests.openSslLike().signed().build();
        assertThat(new OCSPReq(der).isSigned()).isTrue();
        byte[] badSignature = der.clone();
        // The signature's last octet is near the end, before the two certificates.
        int at = indexOf(der, new OCSPReq(der).getSignature()) + 10;
        badSignature[at] ^= 0x01;

        assertThat(OcspRequestDecoder.decode(der).certificateIds()).hasSize(1);
        assertThat(OcspRequestDecoder.decode(badSignature)).isEqualTo(OcspRequestDecoder.decode(der));
    }

    @ParameterizedTest(name = "{0} octets")
    @ValueSource(ints = {1, 16, 32, 128})
    void noncesOfEveryAllowedLength(int length) throws Exception {
        byte[] nonce = randomNonce(length);

        assertThat(OcspRequestDecoder.decode(request().about(SHA1, OcspTestPki.CA_CERT, SERIAL).nonce(nonce).build()).nonce())
                .get().isEqualTo(nonce);
    }

    @Test
    void bareNonceOfOldOpenSsl() throws Exception {
        byte[] nonce = randomNonce(16);
        nonce[0] = 0x30; // not an OCTET STRING tag

        OcspRequest decoded = OcspRequestDecoder.decode(request().about(SHA1, OcspTestPki.CA_CERT, SERIAL).bareNonce(nonce).build());

        assertThat(decoded.nonce()).get().isEqualTo(nonce);
    }

    @Test
    void criticalNonceAndAcceptableResponsesAreUnderstood() throws Exception {
        byte[] nonce = randomNonce(16);
        byte[] der = request().about(SHA1, OcspTestPki.CA_CERT, SERIAL)
                .extension(OcspObjectIdentifiers.NONCE, true, new DEROctetString(nonce))
                .extension(OcspObjectIdentifiers.ACCEPTABLE_RESPONSES, true, new DERSequence(OcspObjectIdentifiers.BASIC_RESPONSE))
                .build();

        assertThat(OcspRequestDecoder.decode(der).nonce()).get().isEqualTo(nonce);
    }

    @Test
    void unknownNonCriticalExtensionsAreIgnored() throws Exception {
        byte[] der = request().about(SHA1, OcspTestPki.CA_CERT, SERIAL)
                .extension(new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1"), false, new DERIA5String("whatever"))
                .build();

        assertThat(OcspRequestDecoder.decode(der).nonce()).isEmpty();
    }

    @Test
    void certificateIdRoundTripsThroughBouncyCastle() {
        CertificateID bc = certificateId(SHA256, OcspTestPki.CA_CERT, SERIAL);

        CertificateId id = CertificateId.of(bc);

        assertThat(id.toCertificateID()).isEqualTo(bc);
        assertThat(id.toCertificateID().toASN1Primitive().getHashAlgorithm()).isEqualTo(SHA256);
        assertThat(CertificateId.of(id.toCertificateID())).isEqualTo(id).hasSameHashCodeAs(id);
    }

    @Test
    void certificateIdCopiesItsArrays() {
        byte[] nameHash = new byte[20];
        byte[] keyHash = new byte[20];
        CertificateId id = new CertificateId(SHA1, nameHash, keyHash, BigInteger.ONE);

        nameHash[0] = 1;
        keyHash[0] = 1;
        id.issuerNameHash()[1] = 1;
        id.issuerKeyHash()[1] = 1;

        assertThat(id.issuerNameHash()).containsOnly(0);
        assertThat(id.issuerKeyHash()).containsOnly(0);
        assertThat(id).isEqualTo(new CertificateId(SHA1, new byte[20], new byte[20], BigInteger.ONE));
        assertThat(id.toString()).contains("1.3.14.3.2.26").contains("serialNumber=1");
    }

    @Test
    void ocspRequestCopiesItsNonce() {
        byte[] nonce = {1, 2, 3};
        OcspRequest request = new OcspRequest(List.of(), Optional.of(nonce));

        nonce[0] = 9;
        request.nonce().get()[1] = 9;

        assertThat(request.nonce()).get().isEqualTo(new byte[] {1, 2, 3});
        assertThat(request).isEqualTo(new OcspRequest(List.of(), Optional.of(new byte[] {1, 2, 3})));
        assertThat(request).isNotEqualTo(new OcspRequest(List.of(), Optional.empty()));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
