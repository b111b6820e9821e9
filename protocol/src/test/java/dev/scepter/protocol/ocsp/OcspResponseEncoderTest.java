package dev.scepter.protocol.ocsp;

import static dev.scepter.protocol.ocsp.OcspRequests.SHA1;
import static dev.scepter.protocol.ocsp.OcspRequests.SHA256_ABSENT;
import static dev.scepter.protocol.ocsp.OcspRequests.randomNonce;
import static dev.scepter.protocol.ocsp.OcspRequests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.protocol.scep.CmsSigner;
import dev.scepter.protocol.scep.TestPki;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ocsp.ResponseData;
import org.bouncycastle.asn1.ocsp.RevokedInfo;
import org.bouncycastle.asn1.ocsp.SingleResponse;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Decode a request, answer it, encode the response, and read it back with BouncyCastle's client
 * side (RFC 6960 section 4.2): what a client checks is what is asserted.
 */
class OcspResponseEncoderTest {
    private static final Instant PRODUCED_AT = Instant.parse("2025-03-04T05:06:07.891Z");
    private static final Instant THIS_UPDATE = Instant.parse("2025-03-04T05:06:07.999999Z");
    private static final Instant NEXT_UPDATE = Instant.parse("2025-03-04T05:16:07.5Z");
    private static final Instant REVOKED_AT = Instant.parse("2025-01-02T03:04:05.678Z");

    @Test
    void theCaSigningItselfAnswersGoodRevokedAndUnknown() throws Exception {
        byte[] nonce = randomNonce(16);
        byte[] der = request()
                .about(SHA1, OcspTestPki.CA_CERT, OcspTestPki.LEAVES.get(0).getSerialNumber())
                .about(SHA1, OcspTestPki.CA_CERT, OcspTestPki.LEAVES.get(1).getSerialNumber())
                .about(SHA1, OcspTestPki.CA_CERT, OcspTestPki.LEAVES.get(2).getSerialNumber())
                .nonce(nonce)
                .build();
        OcspRequest request = OcspRequestDecoder.decode(der);
        List<CertificateId> ids = request.certificateIds();

        byte[] response = new OcspResponseEncoder(OcspTestPki.caResponder(), List.of()).successful(List.of(
                        new SingleAnswer(ids.get(0), new CertStatus.Good(), THIS_UPDATE, Optional.of(NEXT_UPDATE)),
                        new SingleAnswer(ids.get(1), new CertStatus.Revoked(REVOKED_AT, Optional.of(1)), THIS_UPDATE, Optional.empty()),
                        new SingleAnswer(ids.get(2), new CertStatus.Unknown(), THIS_UPDATE, Optional.of(NEXT_UPDATE))),
                request.nonce(), PRODUCED_AT);

        OCSPResp resp = new OCSPResp(response);
        assertThat(resp.getStatus()).isEqualTo(OCSPResp.SUCCESSFUL);
        BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
        assertThat(basic.getVersion()).isEqualTo(1);
        assertThat(basic.isSignatureValid(verifier(OcspTestPki.CA_CERT))).isTrue();
        assertThat(basic.getSignatureAlgOID()).isEqualTo(PKCSObjectIdentifiers.sha256WithRSAEncryption);
        assertThat(basic.getResponderId()).isEqualTo(byKey(OcspTestPki.CA_CERT));
        assertThat(basic.getResponderId().toASN1Primitive().getName()).isNull();
        assertThat(basic.getCerts()).isEmpty();
        assertThat(basic.getProducedAt()).isEqualTo(Date.from(Instant.parse("2025-03-04T05:06:07Z")));

        SingleResp[] answers = basic.getResponses();
        OCSPReq parsedRequest = new OCSPReq(der);
        assertThat(answers).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(answers[i].getCertID()).isEqualTo(parsedRequest.getRequestList()[i].getCertID());
            assertThat(answers[i].getThisUpdate()).isEqualTo(Date.from(Instant.parse("2025-03-04T05:06:07Z")));
        }
        assertThat(answers[0].getCertStatus()).isSameAs(CertificateStatus.GOOD);
        assertThat(answers[0].getNextUpdate()).isEqualTo(Date.from(Instant.parse("2025-03-04T05:16:07Z")));
        assertThat(answers[1].getCertStatus()).isInstanceOfSatisfying(RevokedStatus.class, revoked -> {
            assertThat(revoked.getRevocationTime()).isEqualTo(Date.from(Instant.parse("2025-01-02T03:04:05Z")));
            assertThat(revoked.hasRevocationReason()).isTrue();
            assertThat(revoked.getRevocationReason()).isEqualTo(1);
        });
        assertThat(answers[1].getNextUpdate()).isNull();
        assertThat(answers[2].getCertStatus()).isInstanceOf(UnknownStatus.class);

        assertThat(basic.getExtension(OcspObjectIdentifiers.NONCE).isCritical()).isFalse();
        assertThat(basic.getExtension(OcspObjectIdentifiers.NONCE).getExtnValue().getOctets())
                .as("the nonce extension's value, byte for byte")
                .isEqualTo(parsedRequest.getExtension(OcspObjectIdentifiers.NONCE).getExtnValue().getOctets());
        assertThat(basic.getExtensionOIDs()).containsExactly(OcspObjectIdentifiers.NONCE);
    }

    @Test
    void everyTimeIsToTheSecondWithoutFraction() throws Exception {
        CertificateId id = decodedId(SHA1);
        byte[] response = caEncoder().successful(List.of(
                        new SingleAnswer(id, new CertStatus.Revoked(REVOKED_AT, Optional.empty()), THIS_UPDATE, Optional.of(NEXT_UPDATE))),
                Optional.empty(), PRODUCED_AT);

        ResponseData data = ResponseData.getInstance(((BasicOCSPResp) new OCSPResp(response).getResponseObject()).getTBSResponseData());
        SingleResponse single = SingleResponse.getInstance(data.getResponses().getObjectAt(0));
        assertThat(generalizedTime(data.getProducedAt())).isEqualTo("20250304050607Z");
        assertThat(generalizedTime(single.getThisUpdate())).isEqualTo("20250304050607Z");
        assertThat(generalizedTime(single.getNextUpdate())).isEqualTo("20250304051607Z");
        assertThat(generalizedTime(RevokedInfo.getInstance(single.getCertStatus().getStatus()).getRevocationTime()))
                .isEqualTo("20250102030405Z");
    }

    @Test
    void withoutNonceThereIsNoResponseExtension() throws Exception {
        byte[] response = caEncoder().successful(List.of(good(decodedId(SHA1))), Optional.empty(), PRODUCED_AT);

        BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(response).getResponseObject();
        assertThat(basic.hasExtensions()).isFalse();
    }

    @Test
    void aDelegatedEcResponderSignsAndIsIncluded() throws Exception {
        OcspResponseEncoder encoder = new OcspResponseEncoder(OcspTestPki.delegatedResponder(), List.of(OcspTestPki.RESPONDER_CERT));
        byte[] response = encoder.successful(List.of(good(decodedId(SHA1))), Optional.empty(), PRODUCED_AT);

        BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(response).getResponseObject();
        assertThat(basic.getSignatureAlgOID()).isEqualTo(X9ObjectIdentifiers.ecdsa_with_SHA256);
        assertThat(basic.getCerts()).containsExactly(OcspTestPki.RESPONDER_CERT);
        assertThat(basic.isSignatureValid(verifier(basic.getCerts()[0]))).isTrue();
        assertThat(basic.getCerts()[0].isSignatureValid(verifier(OcspTestPki.CA_CERT))).as("issued by the CA").isTrue();
        assertThat(basic.getResponderId()).isEqualTo(byKey(OcspTestPki.RESPONDER_CERT)).isNotEqualTo(byKey(OcspTestPki.CA_CERT));
        assertThat(OcspTestPki.RESPONDER_CERT.getExtension(OcspObjectIdentifiers.NO_CHECK)).isNotNull();
    }

    /**
     * The outer layers are assembled from their parts' DER: BouncyCastle reads the response and
     * writes it back octet for octet, with a certificate included, a nonce, and lengths that take
     * one, two and three length octets (1, 40 and 700 answers). Both layers: the OCSPResponse, and
     * the BasicOCSPResponse inside its OCTET STRING, which a re-encoding of the outer one copies as
     * it is.
     */
    @Test
    void theResponseIsDerAsBouncyCastleWritesIt() throws Exception {
        OcspResponseEncoder encoder = new OcspResponseEncoder(OcspTestPki.delegatedResponder(), List.of(OcspTestPki.RESPONDER_CERT));
        for (int count : new int[] {1, 40, 700}) {
            List<SingleAnswer> answers = java.util.Collections.nCopies(count, good(decodedId(SHA1)));
            for (Optional<byte[]> nonce : List.of(Optional.<byte[]>empty(), Optional.of(randomNonce(128)))) {
                byte[] response = encoder.successful(answers, nonce, PRODUCED_AT);

                assertDerAsBouncyCastleWritesIt(response, count + " answers");
                BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(response).getResponseObject();
                assertThat(basic.getResponses()).hasSize(count);
                assertThat(basic.getCerts()).containsExactly(OcspTestPki.RESPONDER_CERT);
                assertThat(basic.isSignatureValid(verifier(basic.getCerts()[0]))).isTrue();
            }
        }
        byte[] small = caEncoder().successful(List.of(good(decodedId(SHA1))), Optional.empty(), PRODUCED_AT);
        assertDerAsBouncyCastleWritesIt(small, "no certificate included");
    }

    private static void assertDerAsBouncyCastleWritesIt(byte[] response, String what) throws Exception {
        assertThat(org.bouncycastle.asn1.ASN1Primitive.fromByteArray(response).getEncoded(org.bouncycastle.asn1.ASN1Encoding.DER))
                .as("OCSPResponse, %s", what).isEqualTo(response);
        byte[] basic = org.bouncycastle.asn1.ocsp.OCSPResponse.getInstance(response).getResponseBytes().getResponse().getOctets();
        assertThat(org.bouncycastle.asn1.ocsp.BasicOCSPResponse.getInstance(basic).getEncoded(org.bouncycastle.asn1.ASN1Encoding.DER))
                .as("BasicOCSPResponse, %s", what).isEqualTo(basic);
    }

    @Test
    void anEcCaSigningItself() throws Exception {
        CertificateId id = CertificateId.of(OcspRequests.certificateId(SHA1, OcspTestPki.EC_CA_CERT, BigInteger.TEN));
        byte[] response = new OcspResponseEncoder(OcspTestPki.ecCaResponder(), List.of())
                .successful(List.of(good(id)), Optional.empty(), PRODUCED_AT);

        BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(response).getResponseObject();
        assertThat(basic.getSignatureAlgOID()).isEqualTo(X9ObjectIdentifiers.ecdsa_with_SHA256);
        assertThat(basic.isSignatureValid(verifier(OcspTestPki.EC_CA_CERT))).isTrue();
    }

    @Test
    void aSha256CertIdIsEchoedInSha256WithItsParametersAbsent() throws Exception {
        byte[] der = request().about(SHA256_ABSENT, OcspTestPki.CA_CERT, BigInteger.ONE).build();
        CertificateId id = OcspRequestDecoder.decode(der).certificateIds().get(0);

        byte[] response = caEncoder().successful(List.of(good(id)), Optional.empty(), PRODUCED_AT);

        SingleResp answer = ((BasicOCSPResp) new OCSPResp(response).getResponseObject()).getResponses()[0];
        assertThat(answer.getCertID()).isEqualTo(new OCSPReq(der).getRequestList()[0].getCertID());
        assertThat(answer.getCertID().toASN1Primitive().getHashAlgorithm()).isEqualTo(SHA256_ABSENT);
    }

    @Test
    void certificateHoldWithoutAndWithReason() throws Exception {
        CertificateId id = decodedId(SHA1);
        byte[] response = caEncoder().successful(List.of(
                        new SingleAnswer(id, new CertStatus.Revoked(REVOKED_AT, Optional.of(CertStatus.Revoked.CERTIFICATE_HOLD)),
                                THIS_UPDATE, Optional.empty()),
                        new SingleAnswer(id, new CertStatus.Revoked(REVOKED_AT, Optional.empty()), THIS_UPDATE, Optional.empty())),
                Optional.empty(), PRODUCED_AT);

        SingleResp[] answers = ((BasicOCSPResp) new OCSPResp(response).getResponseObject()).getResponses();
        assertThat(((RevokedStatus) answers[0].getCertStatus()).getRevocationReason()).isEqualTo(6);
        assertThat(((RevokedStatus) answers[1].getCertStatus()).hasRevocationReason()).isFalse();
    }

    @Test
    void nonceOfEitherBoundIsEchoed() throws Exception {
        for (int length : new int[] {1, 128}) {
            byte[] nonce = randomNonce(length);
            byte[] der = request().about(SHA1, OcspTestPki.CA_CERT, BigInteger.ONE).nonce(nonce).build();
            OcspRequest request = OcspRequestDecoder.decode(der);

            byte[] response = caEncoder().successful(List.of(good(request.certificateIds().get(0))), request.nonce(), PRODUCED_AT);

            BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(response).getResponseObject();
            assertThat(basic.getExtension(OcspObjectIdentifiers.NONCE).getExtnValue().getOctets())
                    .isEqualTo(new OCSPReq(der).getExtension(OcspObjectIdentifiers.NONCE).getExtnValue().getOctets());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = OcspResponseStatus.class, names = "SUCCESSFUL", mode = EnumSource.Mode.EXCLUDE)
    void errorStatusesAreUnsignedAndCarryNoResponseBytes(OcspResponseStatus status) throws Exception {
        OCSPResp resp = new OCSPResp(OcspResponseEncoder.unsuccessful(status));

        assertThat(resp.getStatus()).isEqualTo(status.code());
        assertThat(resp.getResponseObject()).isNull();
        assertThat(resp.getEncoded()).containsExactly(0x30, 0x03, 0x0A, 0x01, status.code());
    }

    @Test
    void theNamedErrorStatuses() throws Exception {
        assertThat(new OCSPResp(OcspResponseEncoder.malformedRequest()).getStatus()).isEqualTo(OCSPResp.MALFORMED_REQUEST);
        assertThat(new OCSPResp(OcspResponseEncoder.unauthorized()).getStatus()).isEqualTo(OCSPResp.UNAUTHORIZED);
        assertThat(new OCSPResp(OcspResponseEncoder.tryLater()).getStatus()).isEqualTo(OCSPResp.TRY_LATER);
        assertThat(new OCSPResp(OcspResponseEncoder.internalError()).getStatus()).isEqualTo(OCSPResp.INTERNAL_ERROR);
        assertThat(OcspResponseStatus.SIG_REQUIRED.code()).isEqualTo(OCSPResp.SIG_REQUIRED);
        assertThat(OcspResponseStatus.fromCode(6)).contains(OcspResponseStatus.UNAUTHORIZED);
        assertThat(OcspResponseStatus.fromCode(4)).isEmpty();
        assertThatThrownBy(() -> OcspResponseEncoder.unsuccessful(OcspResponseStatus.SUCCESSFUL))
                .isInstanceOf(IllegalArgumentException.class);
        OcspResponseEncoder.malformedRequest()[4] = 9;
        assertThat(OcspResponseEncoder.malformedRequest()[4]).as("a fresh array each time").isEqualTo((byte) 1);
    }

    @Test
    void aFailingSignerIsAnOcspSigningException() {
        CertificateId id = decodedId(SHA1);
        CmsSigner unreachable = failingSigner(new OperatorCreationException("Key Vault unreachable"));
        CmsSigner throwing = failingSigner(new IllegalStateException("HSM session closed"));

        for (CmsSigner signer : List.of(unreachable, throwing)) {
            assertThatThrownBy(() -> new OcspResponseEncoder(signer, List.of()).successful(List.of(good(id)), Optional.empty(), PRODUCED_AT))
                    .isExactlyInstanceOf(OcspSigningException.class)
                    .hasMessageContaining("Scepter Test CA");
        }
    }

    @Test
    void timesAreTheDerOfBouncyCastlesOwnGeneralizedTimeCutToTheSecond() throws Exception {
        java.time.format.DateTimeFormatter seconds = java.time.format.DateTimeFormatter.ofPattern("uuuuMMddHHmmss'Z'")
                .withZone(java.time.ZoneOffset.UTC);
        java.util.Random random = new java.util.Random(5019);
        List<Instant> instants = new java.util.ArrayList<>(List.of(Instant.parse("0000-01-01T00:00:00Z"),
                Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("1969-12-31T23:59:59.5Z"),
                Instant.parse("2024-02-29T12:00:00Z"), Instant.EPOCH, THIS_UPDATE));
        for (int i = 0; i < 1_000; i++) {
            instants.add(Instant.ofEpochSecond(random.nextLong(-62_167_219_200L, 253_402_300_800L), random.nextInt(1_000_000_000)));
        }
        for (Instant instant : instants) {
            byte[] expected = new org.bouncycastle.asn1.DERGeneralizedTime(seconds.format(instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
                    .getEncoded();
            ASN1GeneralizedTime time = OcspResponseEncoder.time(instant);
            assertThat(time.getEncoded(org.bouncycastle.asn1.ASN1Encoding.DER)).as("%s", instant).isEqualTo(expected);
            if (instant.isAfter(Instant.parse("1583-01-01T00:00:00Z"))) {
                // Date reads earlier years in the Julian calendar.
                assertThat(time.getDate().toInstant()).isEqualTo(instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
            }
        }
        assertThatThrownBy(() -> OcspResponseEncoder.time(Instant.parse("-0001-12-31T23:59:59Z"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesWhatCannotBeEncoded() throws Exception {
        OcspResponseEncoder encoder = caEncoder();
        CertificateId id = decodedId(SHA1);

        assertThatThrownBy(() -> encoder.successful(List.of(), Optional.empty(), PRODUCED_AT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encoder.successful(List.of(good(id)), Optional.of(new byte[0]), PRODUCED_AT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encoder.successful(List.of(good(id)), Optional.of(new byte[129]), PRODUCED_AT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encoder.successful(List.of(good(id)), Optional.empty(), Instant.parse("+10000-01-01T00:00:00Z")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CertStatus.Revoked(REVOKED_AT, Optional.of(7))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CertStatus.Revoked(REVOKED_AT, Optional.of(11))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SingleAnswer(id, new CertStatus.Good(), THIS_UPDATE, Optional.of(THIS_UPDATE.minusSeconds(1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OcspResponseEncoder(ed25519Signer(), List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static OcspResponseEncoder caEncoder() {
        return new OcspResponseEncoder(OcspTestPki.caResponder(), List.of());
    }

    private static CertificateId decodedId(AlgorithmIdentifier hash) {
        try {
            return OcspRequestDecoder.decode(request().about(hash, OcspTestPki.CA_CERT, BigInteger.valueOf(1001)).build())
                    .certificateIds().get(0);
        } catch (MalformedOcspRequestException e) {
            throw new AssertionError(e);
        }
    }

    private static SingleAnswer good(CertificateId id) {
        return new SingleAnswer(id, new CertStatus.Good(), THIS_UPDATE, Optional.of(NEXT_UPDATE));
    }

    private static String generalizedTime(ASN1GeneralizedTime time) throws Exception {
        // The octets on the wire, not BouncyCastle's reading of them.
        byte[] encoded = time.getEncoded();
        return new String(encoded, 2, encoded.length - 2, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static RespID byKey(X509CertificateHolder certificate) throws Exception {
        return new RespID(certificate.getSubjectPublicKeyInfo(),
                new JcaDigestCalculatorProviderBuilder().build().get(OcspRequests.SHA1));
    }

    private static org.bouncycastle.operator.ContentVerifierProvider verifier(X509CertificateHolder certificate) throws Exception {
        return new JcaContentVerifierProviderBuilder().setProvider(TestPki.BC).build(certificate);
    }

    private static CmsSigner failingSigner(Exception failure) {
        return new CmsSigner() {
            @Override
            public X509CertificateHolder certificate() {
                return OcspTestPki.CA_CERT;
            }

            @Override
            public ContentSigner contentSigner(AlgorithmIdentifier digestAlgorithm) throws OperatorCreationException {
                if (failure instanceof OperatorCreationException checked) {
                    throw checked;
                }
                throw (RuntimeException) failure;
            }
        };
    }

    private static CmsSigner ed25519Signer() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        X500Name name = new X500Name("CN=Ed25519 Responder");
        X509CertificateHolder certificate = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, new Date(),
                new Date(System.currentTimeMillis() + 86_400_000L), name, keys.getPublic())
                .build(new JcaContentSignerBuilder("Ed25519").setProvider(TestPki.BC).build(keys.getPrivate()));
        return CmsSigner.of(certificate, keys.getPrivate());
    }
}
