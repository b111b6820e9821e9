package dev.scepter.protocol.scep;

import static dev.scepter.protocol.scep.ScepRequestBuilder.pkcsReq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.SignerInfo;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSAlgorithm;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Reading client requests (RFC 8894 section 3.2) and opening their envelopes (section 3.2.2). */
class PkiMessageDecoderTest {

    /** The content encryptions clients send: DES-CBC is micromdm scepclient's. */
    static Stream<ASN1ObjectIdentifier> contentEncryptions() {
        return Stream.of(CMSAlgorithm.DES_CBC, CMSAlgorithm.DES_EDE3_CBC, CMSAlgorithm.AES128_CBC,
                CMSAlgorithm.AES192_CBC, CMSAlgorithm.AES256_CBC);
    }

    static Stream<Arguments> encryptionsAndDigests() {
        List<Arguments> cases = new ArrayList<>();
        contentEncryptions().forEach(encryption -> {
            for (String digest : List.of("SHA1", "SHA256", "SHA512")) {
                for (ScepRequestBuilder.SignatureForm form : ScepRequestBuilder.SignatureForm.values()) {
                    cases.add(Arguments.of(encryption, digest, form));
                }
            }
        });
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("encryptionsAndDigests")
    void decodesVerifiesAndDecryptsThePkcsReq(ASN1ObjectIdentifier encryption, String digest,
            ScepRequestBuilder.SignatureForm form) throws Exception {
        ScepRequestBuilder builder = pkcsReq().contentEncryption(encryption).digest(digest).signatureForm(form);

        PkiMessage message = PkiMessageDecoder.decode(builder.build());

        assertThat(message.messageType()).isEqualTo(MessageType.PKCS_REQ);
        assertThat(message.transactionId()).isEqualTo("2F3C88114C283E9A6CD57BB8266CE313DB0BEE0DAAC5AE45");
        assertThat(message.senderNonce()).isEqualTo(builder.senderNonce());
        assertThat(message.signerCertificate()).isEqualTo(TestPki.CLIENT_CERT);
        assertThat(message.digestAlgorithm().getAlgorithm()).isEqualTo(digestOid(digest));
        assertThat(message.signatureValid()).isTrue();
        assertThat(message.pkiStatus()).isEmpty();
        assertThat(message.recipientNonce()).isEmpty();
        assertThat(message.decryptCertificationRequest(TestPki.caDecryptor())).isEqualTo(TestPki.CSR);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"SHA224", "SHA384"})
    void acceptsTheOtherSha2Digests(String digest) throws Exception {
        PkiMessage message = PkiMessageDecoder.decode(pkcsReq().digest(digest).build());

        assertThat(message.signatureValid()).isTrue();
        assertThat(message.decryptCertificationRequest(TestPki.caDecryptor())).isEqualTo(TestPki.CSR);
    }

    @Test
    void acceptsMd5AsBouncyCastleCanVerifyIt() throws Exception {
        PkiMessage message = PkiMessageDecoder.decode(pkcsReq().digest("MD5").build());

        assertThat(message.signatureValid()).isTrue();
        assertThat(message.digestAlgorithm().getAlgorithm()).isEqualTo(PKCSObjectIdentifiers.md5);
    }

    @Test
    void acceptsBer() throws Exception {
        PkiMessage message = PkiMessageDecoder.decode(pkcsReq().ber().build());

        assertThat(message.signatureValid()).isTrue();
        assertThat(message.decryptCertificationRequest(TestPki.caDecryptor())).isEqualTo(TestPki.CSR);
    }

    @Test
    void findsTheSignerCertificateByItsSubjectKeyIdentifierAmongOthers() throws Exception {
        PkiMessage message = PkiMessageDecoder.decode(pkcsReq()
                .signerIdentifiedBySubjectKeyIdentifier()
                .carry(TestPki.STRANGER_CERT)
                .carry(TestPki.CA_CERT)
                .build());

        assertThat(message.signerCertificate()).isEqualTo(TestPki.CLIENT_CERT);
        assertThat(message.signatureValid()).isTrue();
    }

    @Test
    void readsARenewalReqSignedWithTheCertificateBeingRenewed() throws Exception {
        PkiMessage message = PkiMessageDecoder.decode(pkcsReq()
                .messageType(MessageType.RENEWAL_REQ)
                .signer(TestPki.CLIENT_KEYS, TestPki.ISSUED_CERT)
                .build());

        assertThat(message.messageType()).isEqualTo(MessageType.RENEWAL_REQ);
        assertThat(message.signerCertificate()).isEqualTo(TestPki.ISSUED_CERT);
        assertThat(message.signatureValid()).isTrue();
        assertThat(message.decryptCertificationRequest(TestPki.caDecryptor())).isEqualTo(TestPki.CSR);
    }

    @ParameterizedTest
    @EnumSource(value = MessageType.class, names = {"CERT_POLL", "GET_CERT", "GET_CRL"})
    void readsTheOtherRequestsAndTheirMessageData(MessageType type) throws Exception {
        byte[] issuerAndSerial = new IssuerAndSerialNumber(TestPki.CA_CERT.getSubject(),
                TestPki.ISSUED_CERT.getSerialNumber()).getEncoded();
        PkiMessage message = PkiMessageDecoder.decode(pkcsReq().messageType(type).messageData(issuerAndSerial).build());

        assertThat(message.messageType()).isEqualTo(type);
        assertThat(message.decryptEnvelope(TestPki.caDecryptor())).isEqualTo(issuerAndSerial);
        assertThatThrownBy(() -> message.decryptCertificationRequest(TestPki.caDecryptor()))
                .isInstanceOf(ScepFailure.class)
                .extracting(e -> ((ScepFailure) e).failInfo()).isEqualTo(FailInfo.BAD_REQUEST);
    }

    @Test
    void takesATransactionIdInAnyStringType() throws Exception {
        PkiMessage message = PkiMessageDecoder.decode(pkcsReq()
                .with(ScepObjectIdentifiers.TRANSACTION_ID, new DERUTF8String("tx_ünicode"))
                .build());

        assertThat(message.transactionId()).isEqualTo("tx_ünicode");
    }

    @Nested
    class Signature {

        @Test
        void aTamperedSignatureIsInvalidNotMalformed() throws Exception {
            byte[] request = tamperSignature(pkcsReq().build());

            PkiMessage message = PkiMessageDecoder.decode(request);

            assertThat(message.signatureValid()).isFalse();
            assertThat(message.decryptCertificationRequest(TestPki.caDecryptor())).isEqualTo(TestPki.CSR);
        }

        @Test
        void aTamperedEnvelopeFailsTheMessageDigest() throws Exception {
            byte[] request = pkcsReq().build();
            PkiMessage original = PkiMessageDecoder.decode(request);
            byte[] envelope = original.pkcsPkiEnvelope();
            int at = indexOf(request, envelope) + envelope.length - 5;
            request[at] ^= 0x01;

            assertThat(PkiMessageDecoder.decode(request).signatureValid()).isFalse();
        }

        @Test
        void aSignatureByAnotherKeyThanTheCarriedCertificatesIsInvalid() throws Exception {
            PkiMessage message = PkiMessageDecoder.decode(pkcsReq()
                    .signer(TestPki.STRANGER_KEYS, TestPki.CLIENT_CERT)
                    .build());

            assertThat(message.signatureValid()).isFalse();
        }

        @Test
        void anExpiredOrForeignSignerCertificateIsForThePolicyNotTheSignature() throws Exception {
            KeyPair keys = TestPki.CLIENT_KEYS;
            X509CertificateHolder issuedByStranger = TestPki.issue(TestPki.STRANGER_CERT,
                    TestPki.STRANGER_KEYS.getPrivate(), "CN=device-0001", keys, java.math.BigInteger.TEN);

            PkiMessage message = PkiMessageDecoder.decode(pkcsReq()
                    .messageType(MessageType.RENEWAL_REQ)
                    .signer(keys, issuedByStranger)
                    .build());

            assertThat(message.signatureValid()).isTrue();
        }
    }

    @Nested
    class Envelope {

        @Test
        void theDecryptorIsOnlyAskedToUnwrapTheKey() throws Exception {
            AtomicInteger calls = new AtomicInteger();
            KeyTransportDecryptor software = TestPki.caDecryptor();
            KeyTransportDecryptor hsm = (algorithm, encryptedKey) -> {
                calls.incrementAndGet();
                assertThat(algorithm.getAlgorithm()).isEqualTo(PKCSObjectIdentifiers.rsaEncryption);
                assertThat(encryptedKey).hasSize(256);
                return software.decryptContentEncryptionKey(algorithm, encryptedKey);
            };

            PkiMessage message = PkiMessageDecoder.decode(pkcsReq().contentEncryption(CMSAlgorithm.AES256_CBC).build());

            assertThat(message.decryptCertificationRequest(hsm)).isEqualTo(TestPki.CSR);
            assertThat(calls).hasValue(1);
        }

        @Test
        void anEnvelopeForAnotherKeyIsBadMessageCheck() throws Exception {
            PkiMessage message = PkiMessageDecoder.decode(pkcsReq().recipient(TestPki.STRANGER_CERT).build());

            assertFailInfo(() -> message.decryptEnvelope(TestPki.caDecryptor()), FailInfo.BAD_MESSAGE_CHECK);
            assertFailInfo(() -> message.decryptEnvelope(TestPki.caDecryptor(), TestPki.CA_CERT),
                    FailInfo.BAD_MESSAGE_CHECK);
        }

        @Test
        void theRecipientCertificateSelectsTheKey() throws Exception {
            PkiMessage message = PkiMessageDecoder.decode(pkcsReq().build());

            assertThat(message.decryptCertificationRequest(TestPki.caDecryptor(), TestPki.CA_CERT))
                    .isEqualTo(TestPki.CSR);
        }

        @Test
        void aDecryptorRefusingTheKeyIsBadMessageCheck() throws Exception {
            PkiMessage message = PkiMessageDecoder.decode(pkcsReq().build());

            assertFailInfo(() -> message.decryptEnvelope((algorithm, key) -> {
                throw new GeneralSecurityException("bad padding");
            }), FailInfo.BAD_MESSAGE_CHECK);
            assertFailInfo(() -> message.decryptEnvelope((algorithm, key) -> new byte[3]),
                    FailInfo.BAD_MESSAGE_CHECK);
        }

        @Test
        void aDecryptorOutOfReachIsNotTheClientsFault() throws Exception {
            PkiMessage message = PkiMessageDecoder.decode(pkcsReq().build());
            IllegalStateException outage = new IllegalStateException("Key Vault unreachable");

            assertThatThrownBy(() -> message.decryptEnvelope((algorithm, key) -> {
                throw outage;
            })).isSameAs(outage);
        }

        @Test
        void anUnsupportedContentEncryptionIsBadAlg() throws Exception {
            for (ASN1ObjectIdentifier algorithm : List.of(CMSAlgorithm.RC2_CBC, CMSAlgorithm.CAMELLIA128_CBC)) {
                PkiMessage message = PkiMessageDecoder.decode(pkcsReq().contentEncryption(algorithm).build());

                assertFailInfo(() -> message.decryptEnvelope(TestPki.caDecryptor()), FailInfo.BAD_ALG);
            }
        }

        @Test
        void keyTransportOtherThanPkcs1IsBadAlg() throws Exception {
            PkiMessage message = PkiMessageDecoder.decode(pkcsReq().keyEncryption(
                    new org.bouncycastle.asn1.x509.AlgorithmIdentifier(PKCSObjectIdentifiers.id_RSAES_OAEP,
                            new org.bouncycastle.asn1.pkcs.RSAESOAEPparams())).build());

            assertFailInfo(() -> message.decryptEnvelope(TestPki.caDecryptor()), FailInfo.BAD_ALG);
        }

        @Test
        void contentThatIsNotAPkcs10IsBadRequest() throws Exception {
            PkiMessage message = PkiMessageDecoder.decode(pkcsReq().messageData("not a CSR".getBytes()).build());

            assertThat(message.decryptEnvelope(TestPki.caDecryptor())).isEqualTo("not a CSR".getBytes());
            assertFailInfo(() -> message.decryptCertificationRequest(TestPki.caDecryptor()), FailInfo.BAD_REQUEST);
        }

        @Test
        void noEnvelopeOrOneThatIsNotEnvelopedDataIsBadMessageCheck() throws Exception {
            PkiMessage empty = PkiMessageDecoder.decode(pkcsReq().noContent().build());
            PkiMessage signedInstead = PkiMessageDecoder.decode(pkcsReq().envelope(pkcsReq().build()).build());
            PkiMessage garbage = PkiMessageDecoder.decode(pkcsReq().envelope(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}).build());

            assertThat(empty.pkcsPkiEnvelope()).isEmpty();
            for (PkiMessage message : List.of(empty, signedInstead, garbage)) {
                assertFailInfo(() -> message.decryptEnvelope(TestPki.caDecryptor()), FailInfo.BAD_MESSAGE_CHECK);
            }
        }
    }

    @Test
    void theRecordIsAValueThatKeepsItsBytesToItself() throws Exception {
        byte[] request = pkcsReq().build();
        PkiMessage message = PkiMessageDecoder.decode(request);
        byte[] nonce = message.senderNonce();
        nonce[0] ^= 1;

        assertThat(message.senderNonce()).isNotEqualTo(nonce);
        assertThat(PkiMessageDecoder.decode(request)).isEqualTo(message).hasSameHashCodeAs(message);
        assertThat(message.toString()).contains("PKCS_REQ", "signatureValid=true").doesNotContain("[B@");
    }

    /**
     * The same envelope failures with the native provider unwrapping (RFC 3218): each is the
     * client's badMessageCheck, none a runtime exception (which the server answers as an outage).
     */
    @Nested
    class EnvelopeWithTheNativeProvider {

        @org.junit.jupiter.api.BeforeEach
        void nativeProvider() {
            org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux")
                    && List.of("amd64", "x86_64").contains(System.getProperty("os.arch")),
                    "the native provider in this build is for linux-x86_64 only");
            dev.scepter.protocol.crypto.CryptoProviders providers = dev.scepter.protocol.crypto.CryptoProviders.select(true);
            assertThat(providers.nativeLoaded()).isTrue();
            dev.scepter.protocol.crypto.CryptoProviders.use(providers);
        }

        @org.junit.jupiter.api.AfterEach
        void fallback() {
            dev.scepter.protocol.crypto.CryptoProviders.use(dev.scepter.protocol.crypto.CryptoProviders.select(false));
        }

        @Test
        void aGoodEnvelopeDecrypts() throws Exception {
            PkiMessage message = PkiMessageDecoder.decode(pkcsReq().build());

            assertThat(message.decryptCertificationRequest(TestPki.caDecryptor(), TestPki.CA_CERT)).isEqualTo(TestPki.CSR);
        }

        @Test
        void anEnvelopeForAnotherKeyIsBadMessageCheck() throws Exception {
            PkiMessage message = PkiMessageDecoder.decode(pkcsReq().recipient(TestPki.STRANGER_CERT).build());

            assertFailInfo(() -> message.decryptEnvelope(TestPki.caDecryptor()), FailInfo.BAD_MESSAGE_CHECK);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.scepter.protocol.scep.PkiMessageDecoderTest#badEncryptedKeys")
        void aBadEncryptedKeyIsBadMessageCheck(String what, java.util.function.UnaryOperator<byte[]> spoil) throws Exception {
            PkiMessage message = PkiMessageDecoder.decode(pkcsReq().build());
            KeyTransportDecryptor real = TestPki.caDecryptor();
            KeyTransportDecryptor spoilt = (algorithm, encryptedKey) -> real.decryptContentEncryptionKey(algorithm, spoil.apply(encryptedKey));

            assertFailInfo(() -> message.decryptEnvelope(spoilt), FailInfo.BAD_MESSAGE_CHECK);
        }
    }

    static Stream<Arguments> badEncryptedKeys() {
        java.security.SecureRandom random = new java.security.SecureRandom();
        java.util.function.Function<Integer, byte[]> randomBytes = n -> {
            byte[] bytes = new byte[n];
            random.nextBytes(bytes);
            return bytes;
        };
        return Stream.of(
                Arguments.of("random, of the modulus length, below the modulus", (java.util.function.UnaryOperator<byte[]>) key -> {
                    byte[] bytes = randomBytes.apply(key.length);
                    bytes[0] = 0x01;
                    return bytes;
                }),
                Arguments.of("random, above the modulus", (java.util.function.UnaryOperator<byte[]>) key -> {
                    byte[] bytes = randomBytes.apply(key.length);
                    bytes[0] = (byte) 0xff;
                    return bytes;
                }),
                Arguments.of("one octet shorter, random", (java.util.function.UnaryOperator<byte[]>) key -> randomBytes.apply(key.length - 1)),
                Arguments.of("one octet longer", (java.util.function.UnaryOperator<byte[]>) key -> java.util.Arrays.copyOf(key, key.length + 1)),
                Arguments.of("one bit flipped", (java.util.function.UnaryOperator<byte[]>) key -> {
                    byte[] bytes = key.clone();
                    bytes[bytes.length / 2] ^= 1;
                    return bytes;
                }),
                Arguments.of("empty", (java.util.function.UnaryOperator<byte[]>) key -> new byte[0]));
    }

    static void assertFailInfo(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, FailInfo expected) {
        assertThatThrownBy(call).isExactlyInstanceOf(ScepFailure.class)
                .extracting(e -> ((ScepFailure) e).failInfo()).isEqualTo(expected);
    }

    static ASN1ObjectIdentifier digestOid(String digest) {
        switch (digest) {
            case "SHA1": return OIWObjectIdentifiers.idSHA1;
            case "SHA256": return NISTObjectIdentifiers.id_sha256;
            case "SHA512": return NISTObjectIdentifiers.id_sha512;
            default: throw new IllegalArgumentException(digest);
        }
    }

    /** Flips a bit in the SignerInfo's signature and re-encodes the message. */
    static byte[] tamperSignature(byte[] request) throws Exception {
        ContentInfo contentInfo = ContentInfo.getInstance(request);
        SignedData signedData = SignedData.getInstance(contentInfo.getContent());
        SignerInfo signerInfo = SignerInfo.getInstance(signedData.getSignerInfos().getObjectAt(0));
        byte[] signature = signerInfo.getEncryptedDigest().getOctets();
        signature[signature.length / 2] ^= 0x10;
        SignerInfo tampered = new SignerInfo(signerInfo.getSID(), signerInfo.getDigestAlgorithm(),
                signerInfo.getAuthenticatedAttributes(), signerInfo.getDigestEncryptionAlgorithm(),
                new DEROctetString(signature), signerInfo.getUnauthenticatedAttributes());
        SignedData tamperedData = new SignedData(signedData.getDigestAlgorithms(), signedData.getEncapContentInfo(),
                signedData.getCertificates(), signedData.getCRLs(), new DERSet(tampered));
        return new ContentInfo(contentInfo.getContentType(), tamperedData).getEncoded(ASN1Encoding.DER);
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("not found");
    }
}
