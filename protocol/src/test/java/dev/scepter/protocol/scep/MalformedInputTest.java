package dev.scepter.protocol.scep;

import static dev.scepter.protocol.scep.ScepRequestBuilder.pkcsReq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.scepter.protocol.asn1.BerNesting;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever arrives, the decoder answers with a PkiMessage or MalformedScepMessageException, and
 * opening the envelope with the envelope's contents or ScepFailure: never one of the runtime
 * exceptions BouncyCastle throws on bad ASN.1, and never a StackOverflowError.
 */
class MalformedInputTest {
    private static final Random RANDOM = new Random(8894);

    static Stream<Arguments> notPkiMessages() throws Exception {
        return Stream.of(
                Arguments.of("empty", new byte[0]),
                Arguments.of("one byte", new byte[] {0x30}),
                Arguments.of("random bytes", random(2048)),
                Arguments.of("a SEQUENCE header claiming 2 GiB", new byte[] {0x30, (byte) 0x84, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x02, 0x01}),
                Arguments.of("a length of five octets", new byte[] {0x30, (byte) 0x85, 1, 0, 0, 0, 0}),
                Arguments.of("an indefinite primitive", new byte[] {0x04, (byte) 0x80, 0x00, 0x00}),
                Arguments.of("an unterminated indefinite SEQUENCE", new byte[] {0x30, (byte) 0x80, 0x05, 0x00}),
                Arguments.of("NULL", DERNull.INSTANCE.getEncoded()),
                Arguments.of("base64 text instead of DER", java.util.Base64.getEncoder().encode(pkcsReq().build())),
                Arguments.of("a PKCS#10 alone", TestPki.CSR.getEncoded()),
                Arguments.of("a certificate alone", TestPki.CLIENT_CERT.getEncoded()),
                Arguments.of("an EnvelopedData alone", PkiMessageDecoder.decode(pkcsReq().build()).pkcsPkiEnvelope()),
                Arguments.of("a ContentInfo of data", new ContentInfo(CMSObjectIdentifiers.data, new DEROctetString(new byte[4])).getEncoded()),
                Arguments.of("signedData with a NULL content", new ContentInfo(CMSObjectIdentifiers.signedData, DERNull.INSTANCE).getEncoded()),
                Arguments.of("signedData with an empty SEQUENCE", new ContentInfo(CMSObjectIdentifiers.signedData, new DERSequence()).getEncoded()),
                Arguments.of("a certificates-only SignedData (GetCACert)", CaCertificateResponse.certsOnly(List.of(TestPki.CA_CERT))),
                Arguments.of("no messageType", pkcsReq().without(ScepObjectIdentifiers.MESSAGE_TYPE).build()),
                Arguments.of("no transactionID", pkcsReq().without(ScepObjectIdentifiers.TRANSACTION_ID).build()),
                Arguments.of("no senderNonce", pkcsReq().without(ScepObjectIdentifiers.SENDER_NONCE).build()),
                Arguments.of("unknown messageType 99", pkcsReq().with(ScepObjectIdentifiers.MESSAGE_TYPE, new DERPrintableString("99")).build()),
                Arguments.of("messageType not a number", pkcsReq().with(ScepObjectIdentifiers.MESSAGE_TYPE, new DERPrintableString("PKCSReq")).build()),
                Arguments.of("messageType too large", pkcsReq().with(ScepObjectIdentifiers.MESSAGE_TYPE, new DERPrintableString("99999999999999999999")).build()),
                Arguments.of("messageType not a string", pkcsReq().with(ScepObjectIdentifiers.MESSAGE_TYPE, new DEROctetString(new byte[] {19})).build()),
                Arguments.of("transactionID not a string", pkcsReq().with(ScepObjectIdentifiers.TRANSACTION_ID, new DEROctetString(new byte[] {1})).build()),
                Arguments.of("empty transactionID", pkcsReq().transactionId("").build()),
                Arguments.of("senderNonce not an OCTET STRING", pkcsReq().with(ScepObjectIdentifiers.SENDER_NONCE, new DERPrintableString("nonce")).build()),
                Arguments.of("empty senderNonce", pkcsReq().senderNonce(new byte[0]).build()),
                Arguments.of("CertRep without pkiStatus", pkcsReq().messageType(MessageType.CERT_REP).build()),
                Arguments.of("CertRep with unknown pkiStatus", pkcsReq().messageType(MessageType.CERT_REP).with(ScepObjectIdentifiers.PKI_STATUS, new DERPrintableString("1")).build()),
                Arguments.of("no signer certificate", pkcsReq().withoutSignerCertificate().carry(TestPki.STRANGER_CERT).build()),
                Arguments.of("no certificate at all", pkcsReq().withoutSignerCertificate().build()),
                Arguments.of("nested 100,000 deep, definite", nestedDefinite(100_000)),
                Arguments.of("nested 1,000,000 deep, indefinite", nestedIndefinite(1_000_000)),
                Arguments.of("8 MiB of random garbage", random(8 << 20)),
                Arguments.of("a huge SEQUENCE of NULLs", hugeSequenceOfNulls(4 << 20)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notPkiMessages")
    void isMalformed(String name, byte[] input) {
        assertThatThrownBy(() -> PkiMessageDecoder.decode(input)).isExactlyInstanceOf(MalformedScepMessageException.class);
    }

    @Test
    void nullIsMalformed() {
        assertThatThrownBy(() -> PkiMessageDecoder.decode(null)).isExactlyInstanceOf(MalformedScepMessageException.class);
    }

    @Test
    void everyTruncationIsMalformed() {
        for (byte[] request : List.of(pkcsReq().build(), pkcsReq().ber().build())) {
            for (int length = 0; length < request.length; length++) {
                byte[] truncated = Arrays.copyOf(request, length);
                try {
                    PkiMessageDecoder.decode(truncated);
                    fail("a request truncated to " + length + " of " + request.length + " bytes was decoded");
                } catch (MalformedScepMessageException expected) {
                    // as it should be
                } catch (Throwable other) {
                    throw new AssertionError("truncated to " + length + " bytes: " + other, other);
                }
            }
        }
    }

    @Test
    void trailingBytesAfterTheMessageAreIgnoredAsBouncyCastleDoes() throws Exception {
        byte[] request = pkcsReq().build();
        byte[] padded = Arrays.copyOf(request, request.length + 3);

        assertThat(PkiMessageDecoder.decode(padded).signatureValid()).isTrue();
    }

    /**
     * Mutates bytes of a valid request, a few at a time; each result decodes or is malformed,
     * and each decoded one opens or fails as a ScepFailure.
     */
    @Test
    void mutatedRequestsNeverEscapeTheContract() {
        byte[] request = pkcsReq().contentEncryption(org.bouncycastle.cms.CMSAlgorithm.DES_EDE3_CBC).build();
        KeyTransportDecryptor decryptor = TestPki.caDecryptor();
        int decoded = 0;
        for (int round = 0; round < 1500; round++) {
            byte[] mutated = request.clone();
            int changes = 1 + RANDOM.nextInt(4);
            for (int i = 0; i < changes; i++) {
                int at = RANDOM.nextInt(mutated.length);
                mutated[at] = RANDOM.nextBoolean() ? (byte) RANDOM.nextInt(256) : (byte) (mutated[at] ^ (1 << RANDOM.nextInt(8)));
            }
            PkiMessage message;
            try {
                message = PkiMessageDecoder.decode(mutated);
            } catch (MalformedScepMessageException expected) {
                continue;
            } catch (Throwable other) {
                throw new AssertionError("round " + round + ": decode threw " + other, other);
            }
            decoded++;
            try {
                message.decryptCertificationRequest(decryptor);
            } catch (ScepFailure expected) {
                // as it should be
            } catch (Throwable other) {
                throw new AssertionError("round " + round + ": decrypt threw " + other, other);
            }
        }
        assertThat(decoded).as("some mutations only touch the signature or the ciphertext").isPositive();
    }

    @Test
    void deepNestingInsideTheContentIsRefusedBeforeParsing() {
        byte[] deep = nestedIndefinite(20_000);
        byte[] request = pkcsReq().envelope(deep).build();

        assertThatThrownBy(() -> PkiMessageDecoder.decode(request)).isExactlyInstanceOf(MalformedScepMessageException.class);
        // Split across the segments of a constructed OCTET STRING, the nesting only appears once
        // the segments are joined; the check joins them too.
        assertThatThrownBy(() -> PkiMessageDecoder.decode(segmented(request, deep)))
                .isExactlyInstanceOf(MalformedScepMessageException.class);
    }

    @Test
    void deepNestingInsideTheEncryptedMessageDataIsBadRequest() throws Exception {
        byte[] deep = nestedDefinite(50_000);
        PkiMessage message = PkiMessageDecoder.decode(pkcsReq().messageData(deep).build());

        assertThat(message.decryptEnvelope(TestPki.caDecryptor())).isEqualTo(deep);
        PkiMessageDecoderTest.assertFailInfo(() -> message.decryptCertificationRequest(TestPki.caDecryptor()),
                FailInfo.BAD_REQUEST);
    }

    @Test
    void berNestingAcceptsRealMessagesAndRefusesDeepOnes() throws Exception {
        assertThat(BerNesting.check(pkcsReq().build())).isEqualTo(BerNesting.Verdict.WELL_FORMED);
        assertThat(BerNesting.check(pkcsReq().ber().build())).isEqualTo(BerNesting.Verdict.WELL_FORMED);
        assertThat(BerNesting.check(nestedDefinite(BerNesting.MAX_DEPTH - 1))).isEqualTo(BerNesting.Verdict.WELL_FORMED);
        assertThat(BerNesting.check(nestedDefinite(BerNesting.MAX_DEPTH + 1))).isEqualTo(BerNesting.Verdict.TOO_DEEP);
        assertThat(BerNesting.check(new DEROctetString(nestedDefinite(BerNesting.MAX_DEPTH)).getEncoded()))
                .isEqualTo(BerNesting.Verdict.TOO_DEEP);
        assertThat(BerNesting.check(new DEROctetString(random(4096)).getEncoded()))
                .isEqualTo(BerNesting.Verdict.WELL_FORMED);
        assertThat(BerNesting.check(new byte[] {0x30, 0x05, 0x05, 0x00})).isEqualTo(BerNesting.Verdict.NOT_WELL_FORMED);
    }

    /** {@code depth} SEQUENCEs, each holding the next, around a NULL. */
    static byte[] nestedDefinite(int depth) {
        // Built inside out into one buffer from the end, so the test stays linear.
        int headerMax = 6;
        byte[] buffer = new byte[2 + depth * headerMax];
        int start = buffer.length - 2;
        buffer[start] = 0x05;
        buffer[start + 1] = 0x00;
        for (int level = 0; level < depth; level++) {
            int length = buffer.length - start;
            byte[] header = header(length);
            start -= header.length;
            System.arraycopy(header, 0, buffer, start, header.length);
        }
        return Arrays.copyOfRange(buffer, start, buffer.length);
    }

    private static byte[] header(int length) {
        if (length < 0x80) {
            return new byte[] {0x30, (byte) length};
        }
        if (length < 0x100) {
            return new byte[] {0x30, (byte) 0x81, (byte) length};
        }
        if (length < 0x10000) {
            return new byte[] {0x30, (byte) 0x82, (byte) (length >> 8), (byte) length};
        }
        return new byte[] {0x30, (byte) 0x83, (byte) (length >> 16), (byte) (length >> 8), (byte) length};
    }

    /** {@code depth} indefinite-length SEQUENCEs, properly terminated. */
    static byte[] nestedIndefinite(int depth) {
        byte[] encoding = new byte[depth * 4 + 2];
        for (int i = 0; i < depth; i++) {
            encoding[2 * i] = 0x30;
            encoding[2 * i + 1] = (byte) 0x80;
        }
        encoding[2 * depth] = 0x05;
        encoding[2 * depth + 1] = 0x00;
        // the end-of-contents octets that follow are zero already
        return encoding;
    }

    private static byte[] hugeSequenceOfNulls(int count) {
        ByteArrayOutputStream content = new ByteArrayOutputStream(count * 2);
        for (int i = 0; i < count; i++) {
            content.write(0x05);
            content.write(0x00);
        }
        byte[] nulls = content.toByteArray();
        byte[] header = header(nulls.length);
        byte[] encoding = Arrays.copyOf(header, header.length + nulls.length);
        System.arraycopy(nulls, 0, encoding, header.length, nulls.length);
        return encoding;
    }

    /**
     * Rewrites the request's eContent, a primitive OCTET STRING holding {@code content}, as a
     * constructed one of two segments.
     */
    private static byte[] segmented(byte[] request, byte[] content) throws Exception {
        var contentInfo = ContentInfo.getInstance(request);
        var signedData = org.bouncycastle.asn1.cms.SignedData.getInstance(contentInfo.getContent());
        int half = content.length / 2;
        var segments = new org.bouncycastle.asn1.BEROctetString(new org.bouncycastle.asn1.ASN1OctetString[] {
                new DEROctetString(Arrays.copyOf(content, half)),
                new DEROctetString(Arrays.copyOfRange(content, half, content.length))});
        var rebuilt = new org.bouncycastle.asn1.cms.SignedData(signedData.getDigestAlgorithms(),
                new org.bouncycastle.asn1.cms.ContentInfo(CMSObjectIdentifiers.data, segments),
                signedData.getCertificates(), signedData.getCRLs(), signedData.getSignerInfos());
        return new ContentInfo(CMSObjectIdentifiers.signedData, rebuilt).getEncoded(ASN1Encoding.BER);
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /**
     * Found by PkiMessageFuzzTest: BouncyCastle reads a name's attributes only when asked, so a
     * signer certificate whose subject holds a malformed RDN decoded, and printing the message (or
     * any name comparison that does not catch, unlike X500Name.equals) threw IllegalArgumentException.
     */
    @Test
    void aSignerCertificateWithAnUnreadableNameIsMalformed() {
        java.security.KeyPair keys = TestPki.rsa();
        byte[] request = pkcsReq().signer(keys,
                TestPki.signedBy(new org.bouncycastle.asn1.x500.X500Name("CN=Some Issuer"), TestPki.unreadableName(), keys, false)).build();

        assertThatThrownBy(() -> PkiMessageDecoder.decode(request))
                .isExactlyInstanceOf(MalformedScepMessageException.class).hasMessageContaining("name that cannot be read");
    }

    @Test
    void aCsrWithAnUnreadableSubjectIsBadRequest() throws Exception {
        java.security.KeyPair keys = TestPki.rsa();
        byte[] csr = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(TestPki.unreadableName(), keys.getPublic())
                .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate()))
                .getEncoded();
        PkiMessage message = PkiMessageDecoder.decode(pkcsReq().messageData(csr).build());

        assertThatThrownBy(() -> message.decryptCertificationRequest(TestPki.caDecryptor()))
                .isInstanceOfSatisfying(ScepFailure.class, e -> assertThat(e.failInfo()).isEqualTo(FailInfo.BAD_REQUEST));
    }

    /** The server prints a GetCert's issuer name to compare it with the CA's: it must be readable. */
    @Test
    void aGetCertNamingAnIssuerThatCannotBeReadIsBadRequest() throws Exception {
        byte[] issuerAndSerial = new org.bouncycastle.asn1.cms.IssuerAndSerialNumber(TestPki.unreadableName(), java.math.BigInteger.ONE)
                .getEncoded(ASN1Encoding.DER);
        PkiMessage message = PkiMessageDecoder.decode(pkcsReq().messageType(MessageType.GET_CERT).messageData(issuerAndSerial).build());

        assertThatThrownBy(() -> message.decryptIssuerAndSerialNumber(TestPki.caDecryptor(), null))
                .isInstanceOfSatisfying(ScepFailure.class, e -> assertThat(e.failInfo()).isEqualTo(FailInfo.BAD_REQUEST));
    }
}
