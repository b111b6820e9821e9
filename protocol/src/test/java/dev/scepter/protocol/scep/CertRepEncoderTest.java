package dev.scepter.protocol.scep;

import static dev.scepter.protocol.scep.ScepRequestBuilder.pkcsReq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientId;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * CertReps (RFC 8894 section 3.3.2) read back the way a client reads them, with BouncyCastle
 * alone: verify with the CA certificate, check the attributes, open the envelope with the
 * client's key.
 */
class CertRepEncoderTest {
    /** Within the test certificates' validity, which clients check the signingTime against; UTCTime has seconds. */
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final CertRepEncoder ENCODER = new CertRepEncoder(TestPki.caSigner(),
            Clock.fixed(NOW, ZoneOffset.UTC), new SecureRandom());

    @ParameterizedTest
    @EnumSource(ResponseEncryption.class)
    void successCarriesTheIssuedChainEncryptedForTheRequester(ResponseEncryption encryption) throws Exception {
        ScepRequestBuilder client = pkcsReq();
        PkiMessage request = PkiMessageDecoder.decode(client.build());

        ClientView reply = ClientView.read(ENCODER.success(request, List.of(TestPki.ISSUED_CERT, TestPki.CA_CERT), encryption));

        assertThat(reply.signerInfoAlgorithm()).isEqualTo("1.2.840.113549.1.1.1");
        assertThat(reply.string(ScepObjectIdentifiers.MESSAGE_TYPE)).isEqualTo("3");
        assertThat(reply.string(ScepObjectIdentifiers.PKI_STATUS)).isEqualTo("0");
        assertThat(reply.attributes.get(ScepObjectIdentifiers.FAIL_INFO)).isNull();
        assertThat(reply.string(ScepObjectIdentifiers.TRANSACTION_ID)).isEqualTo(request.transactionId());
        assertThat(reply.octets(ScepObjectIdentifiers.RECIPIENT_NONCE)).isEqualTo(client.senderNonce());
        assertThat(reply.octets(ScepObjectIdentifiers.SENDER_NONCE)).hasSize(16).isNotEqualTo(client.senderNonce());
        assertThat(reply.contentEncryption()).isEqualTo(encryption.oid());
        assertThat(reply.certificates(TestPki.CLIENT_CERT, TestPki.CLIENT_KEYS.getPrivate()))
                .containsExactly(TestPki.ISSUED_CERT, TestPki.CA_CERT);
    }

    @Test
    void signsWithTheCmsAttributesAndNothingClientsDoNotExpect() throws Exception {
        PkiMessage request = PkiMessageDecoder.decode(pkcsReq().build());
        byte[] certRep = ENCODER.success(request, List.of(TestPki.ISSUED_CERT), ResponseEncryption.AES_256_CBC);

        ClientView reply = ClientView.read(certRep);

        assertThat(reply.attributes.get(CMSAttributes.contentType)).isNotNull();
        assertThat(reply.attributes.get(CMSAttributes.messageDigest)).isNotNull();
        assertThat(Time.getInstance(reply.value(CMSAttributes.signingTime)).getDate()).isEqualTo(Date.from(NOW));
        assertThat(reply.attributes.get(CMSAttributes.cmsAlgorithmProtect)).isNull();
        assertThat(reply.signedData.getCertificates().getMatches(null)).containsExactly(TestPki.CA_CERT);
        assertThat(ASN1Primitive.fromByteArray(certRep).getEncoded(ASN1Encoding.DER)).as("DER").isEqualTo(certRep);
    }

    @ParameterizedTest(name = "request {0} -> CertRep {1}")
    @CsvSource({"SHA1, 1.3.14.3.2.26", "SHA256, 2.16.840.1.101.3.4.2.1", "SHA512, 2.16.840.1.101.3.4.2.3",
            "MD5, 2.16.840.1.101.3.4.2.1"})
    void answersInTheRequestsDigestWhenItIsShaElseSha256(String requestDigest, String answerDigest) throws Exception {
        PkiMessage request = PkiMessageDecoder.decode(pkcsReq().digest(requestDigest).build());

        for (byte[] certRep : List.of(
                ENCODER.success(request, List.of(TestPki.ISSUED_CERT), ResponseEncryption.DES_EDE3_CBC),
                ENCODER.failure(request, FailInfo.BAD_REQUEST),
                ENCODER.pending(request))) {
            ClientView reply = ClientView.read(certRep);
            assertThat(reply.signer.getDigestAlgOID()).isEqualTo(answerDigest);
            assertThat(reply.signerInfoAlgorithm()).isEqualTo("1.2.840.113549.1.1.1");
        }
    }

    @Test
    void aSignerThatCannotHashWithSha1AnswersASha1ClientWithSha256ThatStillVerifies() throws Exception {
        CmsSigner ca = TestPki.caSigner();
        // As Key Vault's key: SHA-2 only.
        CmsSigner sha2Only = new CmsSigner() {
            @Override
            public org.bouncycastle.cert.X509CertificateHolder certificate() {
                return ca.certificate();
            }

            @Override
            public org.bouncycastle.operator.ContentSigner contentSigner(org.bouncycastle.asn1.x509.AlgorithmIdentifier digestAlgorithm)
                    throws org.bouncycastle.operator.OperatorCreationException {
                assertThat(digestAlgorithm.getAlgorithm()).isNotEqualTo(OIWObjectIdentifiers.idSHA1);
                return ca.contentSigner(digestAlgorithm);
            }

            @Override
            public boolean hashes(org.bouncycastle.asn1.x509.AlgorithmIdentifier digestAlgorithm) {
                return !OIWObjectIdentifiers.idSHA1.equals(digestAlgorithm.getAlgorithm());
            }
        };
        CertRepEncoder encoder = new CertRepEncoder(sha2Only, Clock.fixed(NOW, ZoneOffset.UTC), new SecureRandom());
        PkiMessage request = PkiMessageDecoder.decode(pkcsReq().digest("SHA1").build());

        for (byte[] certRep : List.of(encoder.success(request, List.of(TestPki.ISSUED_CERT), ResponseEncryption.AES_128_CBC),
                encoder.failure(request, FailInfo.BAD_REQUEST), encoder.pending(request))) {
            ClientView reply = ClientView.read(certRep);
            assertThat(reply.signer.getDigestAlgOID()).isEqualTo("2.16.840.1.101.3.4.2.1");
            assertThat(PkiMessageDecoder.decode(certRep).signatureValid()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(FailInfo.class)
    void failureCarriesTheFailInfoAndNoEnvelope(FailInfo failInfo) throws Exception {
        ScepRequestBuilder client = pkcsReq();
        PkiMessage request = PkiMessageDecoder.decode(client.build());

        ClientView reply = ClientView.read(ENCODER.failure(request, failInfo));

        assertThat(reply.string(ScepObjectIdentifiers.PKI_STATUS)).isEqualTo("2");
        assertThat(reply.string(ScepObjectIdentifiers.FAIL_INFO)).isEqualTo(Integer.toString(failInfo.code()));
        assertThat(reply.string(ScepObjectIdentifiers.TRANSACTION_ID)).isEqualTo(request.transactionId());
        assertThat(reply.octets(ScepObjectIdentifiers.RECIPIENT_NONCE)).isEqualTo(client.senderNonce());
        assertThat((byte[]) reply.signedData.getSignedContent().getContent()).isEmpty();
    }

    @Test
    void pendingCarriesNoFailInfoAndNoEnvelope() throws Exception {
        PkiMessage request = PkiMessageDecoder.decode(pkcsReq().build());

        ClientView reply = ClientView.read(ENCODER.pending(request));

        assertThat(reply.string(ScepObjectIdentifiers.PKI_STATUS)).isEqualTo("3");
        assertThat(reply.attributes.get(ScepObjectIdentifiers.FAIL_INFO)).isNull();
        assertThat((byte[]) reply.signedData.getSignedContent().getContent()).isEmpty();
    }

    @Test
    void failureForARequestThatCouldOnlyPartlyBeRead() throws Exception {
        byte[] nonce = ScepRequestBuilder.randomNonce();

        ClientView reply = ClientView.read(ENCODER.failure("tx-42", nonce, FailInfo.BAD_MESSAGE_CHECK));

        assertThat(reply.string(ScepObjectIdentifiers.TRANSACTION_ID)).isEqualTo("tx-42");
        assertThat(reply.octets(ScepObjectIdentifiers.RECIPIENT_NONCE)).isEqualTo(nonce);
        assertThat(reply.string(ScepObjectIdentifiers.FAIL_INFO)).isEqualTo("1");
        assertThat(reply.signer.getDigestAlgOID()).isEqualTo(NISTObjectIdentifiers.id_sha256.getId());
    }

    @Test
    void theDecoderReadsCertRepsToo() throws Exception {
        PkiMessage request = PkiMessageDecoder.decode(pkcsReq().build());

        PkiMessage success = PkiMessageDecoder.decode(
                ENCODER.success(request, List.of(TestPki.ISSUED_CERT), ResponseEncryption.AES_128_CBC));
        PkiMessage failure = PkiMessageDecoder.decode(ENCODER.failure(request, FailInfo.BAD_TIME));

        assertThat(success.messageType()).isEqualTo(MessageType.CERT_REP);
        assertThat(success.signatureValid()).isTrue();
        assertThat(success.signerCertificate()).isEqualTo(TestPki.CA_CERT);
        assertThat(success.pkiStatus()).contains(PkiStatus.SUCCESS);
        assertThat(success.recipientNonce()).isEqualTo(request.senderNonce());
        byte[] certsOnly = success.decryptEnvelope(KeyTransportDecryptor.of(TestPki.CLIENT_KEYS.getPrivate()));
        assertThat(new CMSSignedData(certsOnly).getCertificates().getMatches(null)).containsExactly(TestPki.ISSUED_CERT);
        assertThat(failure.pkiStatus()).contains(PkiStatus.FAILURE);
        assertThat(failure.failInfo()).contains(FailInfo.BAD_TIME);
        assertThat(failure.pkcsPkiEnvelope()).isEmpty();
    }

    @Test
    void answersARenewalForTheCertificateBeingRenewed() throws Exception {
        PkiMessage request = PkiMessageDecoder.decode(pkcsReq()
                .messageType(MessageType.RENEWAL_REQ).signer(TestPki.CLIENT_KEYS, TestPki.ISSUED_CERT).build());
        X509CertificateHolder renewed = TestPki.issue(TestPki.CA_CERT, TestPki.CA_KEYS.getPrivate(), "CN=device-0001",
                TestPki.CLIENT_KEYS, BigInteger.valueOf(4243));

        ClientView reply = ClientView.read(ENCODER.success(request, List.of(renewed), ResponseEncryption.AES_256_CBC));

        assertThat(reply.certificates(TestPki.ISSUED_CERT, TestPki.CLIENT_KEYS.getPrivate())).containsExactly(renewed);
    }

    @Test
    void successForGetCrlCarriesTheCrl() throws Exception {
        PkiMessage request = PkiMessageDecoder.decode(pkcsReq().messageType(MessageType.GET_CRL).build());
        X509v2CRLBuilder builder = new X509v2CRLBuilder(TestPki.CA_CERT.getSubject(), Date.from(NOW));
        builder.addCRLEntry(BigInteger.TEN, Date.from(NOW), 1);
        X509CRLHolder crl = builder.build(new JcaContentSignerBuilder("SHA256withRSA").setProvider(TestPki.BC)
                .build(TestPki.CA_KEYS.getPrivate()));

        ClientView reply = ClientView.read(ENCODER.successWithCrl(request, crl, ResponseEncryption.AES_128_CBC));

        byte[] inner = reply.decrypt(TestPki.CLIENT_CERT, TestPki.CLIENT_KEYS.getPrivate());
        assertThat(new CMSSignedData(inner).getCRLs().getMatches(null)).containsExactly(crl);
    }

    @Test
    void anRaSignsWithItsOwnCertificate() throws Exception {
        KeyPair raKeys = TestPki.STRANGER_KEYS;
        X509CertificateHolder raCert = TestPki.issue(TestPki.CA_CERT, TestPki.CA_KEYS.getPrivate(), "CN=Scepter RA",
                raKeys, BigInteger.valueOf(7));
        CertRepEncoder ra = new CertRepEncoder(CmsSigner.of(raCert, raKeys.getPrivate()));
        PkiMessage request = PkiMessageDecoder.decode(pkcsReq().recipient(raCert).build());

        byte[] certRep = ra.success(request, List.of(TestPki.ISSUED_CERT), ResponseEncryption.AES_256_CBC);

        ClientView reply = ClientView.read(certRep, raCert);
        assertThat(reply.signedData.getCertificates().getMatches(null)).containsExactly(raCert);
        assertThat(request.decryptCertificationRequest(KeyTransportDecryptor.of(raKeys.getPrivate()), raCert))
                .isEqualTo(TestPki.CSR);
    }

    @Test
    void anEcCaSignsWithEcdsa() throws Exception {
        KeyPair ecKeys = TestPki.ec();
        X509CertificateHolder ecCa = TestPki.selfSigned("CN=EC CA", ecKeys, true);
        PkiMessage request = PkiMessageDecoder.decode(pkcsReq().build());

        byte[] certRep = new CertRepEncoder(CmsSigner.of(ecCa, ecKeys.getPrivate())).pending(request);

        ClientView reply = ClientView.read(certRep, ecCa);
        assertThat(reply.signerInfoAlgorithm()).isEqualTo(X9ObjectIdentifiers.ecdsa_with_SHA256.getId());
    }

    @Test
    void aRequesterWithoutAnRsaKeyCannotBeAnsweredWithCertificates() throws Exception {
        KeyPair ecKeys = TestPki.ec();
        X509CertificateHolder ecClient = TestPki.selfSigned("CN=ec-device", ecKeys, false);
        PkiMessage request = new PkiMessage(MessageType.PKCS_REQ, "tx-ec", ScepRequestBuilder.randomNonce(), ecClient,
                new org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder().find("SHA-256"), true, new byte[0]);

        PkiMessageDecoderTest.assertFailInfo(
                () -> ENCODER.success(request, List.of(TestPki.ISSUED_CERT), ResponseEncryption.AES_256_CBC),
                FailInfo.BAD_ALG);
        assertThat(ClientView.read(ENCODER.failure(request, FailInfo.BAD_ALG)).string(ScepObjectIdentifiers.FAIL_INFO))
                .isEqualTo("0");
    }

    @Test
    void aSignerThatFailsIsTheServersFault() throws Exception {
        PkiMessage request = PkiMessageDecoder.decode(pkcsReq().build());
        CmsSigner broken = new CmsSigner() {
            @Override
            public X509CertificateHolder certificate() {
                return TestPki.CA_CERT;
            }

            @Override
            public org.bouncycastle.operator.ContentSigner contentSigner(
                    org.bouncycastle.asn1.x509.AlgorithmIdentifier digestAlgorithm) throws OperatorCreationException {
                throw new OperatorCreationException("HSM offline");
            }
        };

        assertThatThrownBy(() -> new CertRepEncoder(broken).pending(request))
                .isExactlyInstanceOf(CertRepSigningException.class)
                .hasRootCauseMessage("HSM offline");
    }

    @Test
    void eachCertRepHasAFreshSenderNonce() throws Exception {
        PkiMessage request = PkiMessageDecoder.decode(pkcsReq().build());

        byte[] first = ClientView.read(ENCODER.pending(request)).octets(ScepObjectIdentifiers.SENDER_NONCE);
        byte[] second = ClientView.read(ENCODER.pending(request)).octets(ScepObjectIdentifiers.SENDER_NONCE);

        assertThat(first).isNotEqualTo(second);
    }

    /** What a SCEP client does with a CertRep, in BouncyCastle. */
    static final class ClientView {
        final CMSSignedData signedData;
        final SignerInformation signer;
        final AttributeTable attributes;

        private ClientView(CMSSignedData signedData) {
            this.signedData = signedData;
            this.signer = signedData.getSignerInfos().getSigners().iterator().next();
            this.attributes = signer.getSignedAttributes();
        }

        static ClientView read(byte[] certRep) throws Exception {
            return read(certRep, TestPki.CA_CERT);
        }

        /** Parses and verifies with the certificate the client got from GetCACert. */
        static ClientView read(byte[] certRep, X509CertificateHolder caOrRa) throws Exception {
            ClientView view = new ClientView(new CMSSignedData(certRep));
            assertThat(view.signer.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(TestPki.BC)
                    .build(TestPki.x509(caOrRa)))).as("signature").isTrue();
            return view;
        }

        String signerInfoAlgorithm() {
            return signer.getEncryptionAlgOID();
        }

        ASN1Encodable value(ASN1ObjectIdentifier type) {
            return attributes.get(type).getAttrValues().getObjectAt(0);
        }

        String string(ASN1ObjectIdentifier type) {
            return ((ASN1String) value(type)).getString();
        }

        byte[] octets(ASN1ObjectIdentifier type) {
            return ASN1OctetString.getInstance(value(type)).getOctets();
        }

        String contentEncryption() throws Exception {
            return new CMSEnvelopedData((byte[]) signedData.getSignedContent().getContent()).getEncryptionAlgOID();
        }

        byte[] decrypt(X509CertificateHolder clientCert, PrivateKey clientKey) throws Exception {
            CMSEnvelopedData envelope = new CMSEnvelopedData((byte[]) signedData.getSignedContent().getContent());
            RecipientInformation recipient = envelope.getRecipientInfos()
                    .get(new JceKeyTransRecipientId(TestPki.x509(clientCert)));
            return recipient.getContent(new JceKeyTransEnvelopedRecipient(clientKey).setProvider(TestPki.BC));
        }

        /** The certificates of the certs-only SignedData, in the order they are encoded. */
        List<X509CertificateHolder> certificates(X509CertificateHolder clientCert, PrivateKey clientKey)
                throws Exception {
            SignedData certsOnly = SignedData.getInstance(
                    ContentInfo.getInstance(decrypt(clientCert, clientKey)).getContent());
            assertThat(certsOnly.getSignerInfos().size()).isZero();
            List<X509CertificateHolder> certificates = new ArrayList<>();
            for (ASN1Encodable certificate : certsOnly.getCertificates()) {
                certificates.add(new X509CertificateHolder(certificate.toASN1Primitive().getEncoded()));
            }
            return certificates;
        }
    }

    static {
        // Keep the unused-import checker quiet about OIDs named only in CSV sources.
        assertThat(OIWObjectIdentifiers.idSHA1.getId()).isEqualTo("1.3.14.3.2.26");
        assertThat(PKCSObjectIdentifiers.rsaEncryption.getId()).isEqualTo("1.2.840.113549.1.1.1");
    }
}
