package dev.scepter.protocol.ocsp;

import static dev.scepter.protocol.ocsp.OcspRequests.certificateId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.protocol.scep.TestPki;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Whose CertIDs are ours (RFC 6960 section 4.1.1), checked against BouncyCastle's own CertID computation. */
class IssuerMatcherTest {
    private static final BigInteger SERIAL = BigInteger.valueOf(1001);
    private static final IssuerMatcher CA = new IssuerMatcher(OcspTestPki.CA_CERT);
    private static final IssuerMatcher EC_CA = new IssuerMatcher(OcspTestPki.EC_CA_CERT);

    static Stream<Arguments> hashes() {
        return Stream.of(
                Arguments.of("SHA-1", OcspRequests.SHA1),
                Arguments.of("SHA-256", OcspRequests.SHA256),
                Arguments.of("SHA-256, parameters absent", OcspRequests.SHA256_ABSENT),
                Arguments.of("SHA-384", OcspRequests.SHA384),
                Arguments.of("SHA-512", OcspRequests.SHA512),
                Arguments.of("SHA-512, parameters absent", new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha512)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hashes")
    void matchesOurCaInEachHash(String name, AlgorithmIdentifier hash) {
        assertThat(CA.supportsHash(hash)).isTrue();
        assertThat(CA.matches(id(hash, OcspTestPki.CA_CERT))).isTrue();
        assertThat(EC_CA.matches(id(hash, OcspTestPki.EC_CA_CERT))).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hashes")
    void doesNotMatchAnotherCa(String name, AlgorithmIdentifier hash) {
        assertThat(CA.matches(id(hash, OcspTestPki.OTHER_CA_CERT))).isFalse();
        assertThat(CA.matches(id(hash, OcspTestPki.EC_CA_CERT))).isFalse();
        assertThat(EC_CA.matches(id(hash, OcspTestPki.CA_CERT))).isFalse();
    }

    @Test
    void needsBothTheNameAndTheKey() {
        // Same name, another key: a re-keyed CA answers for its own certificates only.
        X509CertificateHolder rekeyed = TestPki.selfSigned(OcspTestPki.CA_CERT.getSubject().toString(), TestPki.STRANGER_KEYS, true);
        CertificateId ours = id(OcspRequests.SHA1, OcspTestPki.CA_CERT);
        CertificateId sameName = id(OcspRequests.SHA1, rekeyed);
        CertificateId sameKey = new CertificateId(ours.hashAlgorithm(), id(OcspRequests.SHA1, OcspTestPki.OTHER_CA_CERT).issuerNameHash(),
                ours.issuerKeyHash(), SERIAL);

        assertThat(sameName.issuerNameHash()).isEqualTo(ours.issuerNameHash());
        assertThat(CA.matches(sameName)).isFalse();
        assertThat(CA.matches(sameKey)).isFalse();
    }

    @Test
    void aHashOfTheWrongLengthDoesNotMatch() {
        CertificateId ours = id(OcspRequests.SHA256, OcspTestPki.CA_CERT);
        CertificateId shortened = new CertificateId(ours.hashAlgorithm(), Arrays.copyOf(ours.issuerNameHash(), 20),
                Arrays.copyOf(ours.issuerKeyHash(), 20), SERIAL);
        // SHA-1 hashes labelled SHA-256.
        CertificateId mislabelled = new CertificateId(OcspRequests.SHA256, id(OcspRequests.SHA1, OcspTestPki.CA_CERT).issuerNameHash(),
                id(OcspRequests.SHA1, OcspTestPki.CA_CERT).issuerKeyHash(), SERIAL);

        assertThat(CA.matches(shortened)).isFalse();
        assertThat(CA.matches(mislabelled)).isFalse();
    }

    static Stream<Arguments> unsupported() {
        return Stream.of(
                Arguments.of("MD5", new AlgorithmIdentifier(PKCSObjectIdentifiers.md5, DERNull.INSTANCE)),
                Arguments.of("SHA-224", new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha224, DERNull.INSTANCE)),
                Arguments.of("SHA3-256", new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha3_256)),
                Arguments.of("SHA-1 with parameters that are not NULL",
                        new AlgorithmIdentifier(OIWObjectIdentifiers.idSHA1, new ASN1ObjectIdentifier("1.2.3"))),
                Arguments.of("sha256WithRSAEncryption, a signature not a hash",
                        new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unsupported")
    void otherHashesAreNotSupportedAndDoNotMatch(String name, AlgorithmIdentifier hash) {
        CertificateId sha1 = id(OcspRequests.SHA1, OcspTestPki.CA_CERT);

        assertThat(CA.supportsHash(hash)).isFalse();
        assertThat(CA.matches(new CertificateId(hash, sha1.issuerNameHash(), sha1.issuerKeyHash(), SERIAL))).isFalse();
    }

    @Test
    void nullHashIsNotSupported() {
        assertThat(CA.supportsHash(null)).isFalse();
        assertThat(CA.issuer()).isEqualTo(OcspTestPki.CA_CERT);
    }

    private static CertificateId id(AlgorithmIdentifier hash, X509CertificateHolder issuer) {
        return CertificateId.of(certificateId(hash, issuer, SERIAL));
    }
}
