package dev.scepter.protocol.ocsp;

import static dev.scepter.protocol.ocsp.OcspRequests.SHA1;
import static dev.scepter.protocol.ocsp.OcspRequests.randomNonce;
import static dev.scepter.protocol.ocsp.OcspRequests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.scepter.protocol.asn1.BerNesting;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.ocsp.OCSPRequest;
import org.bouncycastle.asn1.ocsp.Request;
import org.bouncycastle.asn1.ocsp.TBSRequest;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever arrives, the decoder answers with an OcspRequest or MalformedOcspRequestException (the
 * HTTP layer then answers malformedRequest): never one of the runtime exceptions BouncyCastle
 * throws on bad ASN.1, and never a StackOverflowError. Each case changes one thing of a real
 * request.
 */
class MalformedOcspRequestTest {
    private static final Random RANDOM = new Random(6960);
    private static final BigInteger SERIAL = OcspTestPki.LEAVES.get(0).getSerialNumber();

    static Stream<Arguments> notAnswerable() throws Exception {
        return Stream.of(
                Arguments.of("empty", new byte[0]),
                Arguments.of("one byte", new byte[] {0x30}),
                Arguments.of("random bytes", random(512)),
                Arguments.of("1 MiB of random garbage", random(1 << 20)),
                Arguments.of("1 MiB of zeros", new byte[1 << 20]),
                Arguments.of("a SEQUENCE header claiming 2 GiB", new byte[] {0x30, (byte) 0x84, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x02, 0x01}),
                Arguments.of("an indefinite primitive", new byte[] {0x04, (byte) 0x80, 0x00, 0x00}),
                Arguments.of("an unterminated indefinite SEQUENCE", new byte[] {0x30, (byte) 0x80, 0x05, 0x00}),
                Arguments.of("NULL", DERNull.INSTANCE.getEncoded()),
                Arguments.of("an empty SEQUENCE", new DERSequence().getEncoded()),
                Arguments.of("base64 text instead of DER", java.util.Base64.getEncoder().encode(OcspRequests.openSslLike().build())),
                Arguments.of("a certificate", OcspTestPki.CA_CERT.getEncoded()),
                Arguments.of("an OCSPResponse", OcspResponseEncoder.malformedRequest()),
                Arguments.of("bytes after the request", appended(OcspRequests.openSslLike().build(), new byte[] {0x05, 0x00})),
                Arguments.of("no request entries", ocspRequest(new DERSequence(), null)),
                Arguments.of("more request entries than the bound", tooMany()),
                Arguments.of("a request entry that is not a Request", ocspRequest(new DERSequence(DERNull.INSTANCE), null)),
                Arguments.of("a CertID without serial", ocspRequest(new DERSequence(new DERSequence(new DERSequence(new ASN1Encodable[] {
                        SHA1, new DEROctetString(new byte[20]), new DEROctetString(new byte[20])}))), null)),
                Arguments.of("a serial INTEGER with a needless leading zero", withSerial(new byte[] {0x02, 0x03, 0x00, 0x12, 0x34})),
                Arguments.of("version 2", versioned(1)),
                Arguments.of("a nonce of 0 octets", nonce(new DEROctetString(new byte[0]).getEncoded())),
                Arguments.of("a nonce of 129 octets", nonce(new DEROctetString(randomNonce(129)).getEncoded())),
                Arguments.of("a bare nonce of 0 octets", nonce(new byte[0])),
                Arguments.of("a bare nonce of 129 octets", nonce(bare(129))),
                Arguments.of("two nonces", nonces(2)),
                Arguments.of("an unknown critical request extension", request().about(SHA1, OcspTestPki.CA_CERT, SERIAL)
                        .extension(new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1"), true, new DERIA5String("must understand")).build()),
                Arguments.of("an unknown critical single-request extension", singleExtension(true)),
                Arguments.of("a request entry nested 10,000 deep", inRequestList(nestedDefinite(10_000))),
                Arguments.of("nested 10,000 deep, definite", nestedDefinite(10_000)),
                Arguments.of("nested 15,000 deep, indefinite", nestedIndefinite(15_000)),
                Arguments.of("nested 100,000 deep, definite, beyond the size bound", nestedDefinite(100_000)),
                Arguments.of("nested 1,000,000 deep, indefinite, beyond the size bound", nestedIndefinite(1_000_000)),
                Arguments.of("nested one level more than the guard allows", nestedDefinite(BerNesting.MAX_DEPTH + 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notAnswerable")
    void isMalformed(String name, byte[] input) {
        assertThatThrownBy(() -> OcspRequestDecoder.decode(input)).isExactlyInstanceOf(MalformedOcspRequestException.class);
    }

    /** The same constructions with the one thing changed back decode: the cases fail for their reason. */
    @Test
    void theCasesWithoutTheirFlawDecode() throws Exception {
        assertThat(OcspRequestDecoder.decode(withSerial(new byte[] {0x02, 0x02, 0x12, 0x34})).certificateIds())
                .singleElement().extracting(CertificateId::serialNumber).isEqualTo(BigInteger.valueOf(0x1234));
        assertThat(OcspRequestDecoder.decode(versioned(0)).certificateIds()).hasSize(1);
        assertThat(OcspRequestDecoder.decode(nonces(1)).nonce()).get().satisfies(nonce -> assertThat(nonce).hasSize(16));
        assertThat(OcspRequestDecoder.decode(singleExtension(false)).certificateIds()).hasSize(1);
        assertThat(OcspRequestDecoder.decode(OcspRequests.openSslLike().signed().build()).certificateIds()).hasSize(1);
        assertThat(OcspRequestDecoder.decode(inRequestList(tlv(0x30, certId(new byte[] {0x02, 0x01, 0x07})))).certificateIds())
                .hasSize(1);
    }

    @Test
    void nullIsMalformed() {
        assertThatThrownBy(() -> OcspRequestDecoder.decode(null)).isExactlyInstanceOf(MalformedOcspRequestException.class);
    }

    @Test
    void everyTruncationIsMalformed() {
        for (byte[] request : new byte[][] {OcspRequests.openSslLike().build(), OcspRequests.openSslLike().signed().build()}) {
            for (int length = 0; length < request.length; length++) {
                byte[] truncated = Arrays.copyOf(request, length);
                try {
                    OcspRequestDecoder.decode(truncated);
                    fail("a request truncated to " + length + " of " + request.length + " bytes was decoded");
                } catch (MalformedOcspRequestException expected) {
                    // as it should be
                } catch (Throwable other) {
                    throw new AssertionError("truncated to " + length + " bytes: " + other, other);
                }
            }
        }
    }

    /** Mutates a few bytes of real requests at a time; each result decodes or is malformed. */
    @Test
    void mutatedRequestsNeverEscapeTheContract() {
        byte[][] requests = {OcspRequests.openSslLike().build(), OcspRequests.openSslLike().signed().build()};
        int decoded = 0;
        for (int round = 0; round < 5000; round++) {
            byte[] mutated = requests[round % 2].clone();
            int changes = 1 + RANDOM.nextInt(4);
            for (int i = 0; i < changes; i++) {
                int at = RANDOM.nextInt(mutated.length);
                mutated[at] = RANDOM.nextBoolean() ? (byte) RANDOM.nextInt(256) : (byte) (mutated[at] ^ (1 << RANDOM.nextInt(8)));
            }
            try {
                OcspRequestDecoder.decode(mutated);
                decoded++;
            } catch (MalformedOcspRequestException expected) {
                // as it should be
            } catch (Throwable other) {
                throw new AssertionError("round " + round + ": decode threw " + other, other);
            }
        }
        assertThat(decoded).as("some mutations only touch hashes, the nonce or the signature").isPositive();
    }

    @Test
    void theNestingCheckLetsRealRequestsThroughAndStopsDeepOnes() {
        assertThat(BerNesting.check(OcspRequests.openSslLike().build())).isEqualTo(BerNesting.Verdict.WELL_FORMED);
        assertThat(BerNesting.check(OcspRequests.openSslLike().signed().build())).isEqualTo(BerNesting.Verdict.WELL_FORMED);
        assertThat(BerNesting.check(nestedDefinite(BerNesting.MAX_DEPTH - 1))).isEqualTo(BerNesting.Verdict.WELL_FORMED);
        assertThat(BerNesting.check(nestedIndefinite(BerNesting.MAX_DEPTH - 1))).isEqualTo(BerNesting.Verdict.WELL_FORMED);
        assertThat(BerNesting.check(nestedDefinite(BerNesting.MAX_DEPTH + 1))).isEqualTo(BerNesting.Verdict.TOO_DEEP);
        assertThat(BerNesting.check(nestedIndefinite(BerNesting.MAX_DEPTH + 1))).isEqualTo(BerNesting.Verdict.TOO_DEEP);
        assertThat(BerNesting.check(new byte[] {0x30, 0x05, 0x05, 0x00})).isEqualTo(BerNesting.Verdict.NOT_WELL_FORMED);
    }

    @Test
    void bytesAfterTheRequestMakeItMalformed() throws Exception {
        byte[] request = OcspRequests.openSslLike().build();
        byte[] trailing = java.util.Arrays.copyOf(request, request.length + 2);
        assertThatThrownBy(() -> OcspRequestDecoder.decode(trailing)).isInstanceOf(MalformedOcspRequestException.class);
    }

    private static byte[] ocspRequest(DERSequence requestList, Extensions extensions) throws Exception {
        ASN1EncodableVector tbs = new ASN1EncodableVector();
        tbs.add(requestList);
        if (extensions != null) {
            tbs.add(new DERTaggedObject(true, 2, extensions));
        }
        return new DERSequence(new DERSequence(tbs)).getEncoded(ASN1Encoding.DER);
    }

    private static byte[] tooMany() {
        OcspRequests request = request();
        for (int i = 0; i <= OcspRequestDecoder.MAX_REQUESTS; i++) {
            request.about(SHA1, OcspTestPki.CA_CERT, BigInteger.valueOf(i));
        }
        return request.build();
    }

    private static byte[] withSerial(byte[] integer) throws Exception {
        return inRequestList(tlv(0x30, certId(integer)));
    }

    private static byte[] certId(byte[] serialInteger) throws Exception {
        return tlv(0x30, SHA1.getEncoded(), new DEROctetString(new byte[20]).getEncoded(),
                new DEROctetString(new byte[20]).getEncoded(), serialInteger);
    }

    /** An OCSPRequest whose requestList holds {@code request}, as encoded. */
    private static byte[] inRequestList(byte[] request) {
        return tlv(0x30, tlv(0x30, tlv(0x30, request)));
    }

    private static byte[] versioned(int version) throws Exception {
        Request single = new Request(OcspRequests.certificateId(SHA1, OcspTestPki.CA_CERT, SERIAL).toASN1Primitive(), null);
        return new DERSequence(new DERSequence(new ASN1Encodable[] {
                new DERTaggedObject(true, 0, new ASN1Integer(version)), new DERSequence(single)})).getEncoded();
    }

    private static byte[] nonce(byte[] extnValue) {
        return request().about(SHA1, OcspTestPki.CA_CERT, SERIAL).bareNonce(extnValue).build();
    }

    /** Octets that are not an OCTET STRING encoding, so read as a bare nonce. */
    private static byte[] bare(int length) {
        byte[] nonce = randomNonce(length);
        nonce[0] = 0x30;
        return nonce;
    }

    /** Written without BouncyCastle's Extensions, which refuses a repeated extension. */
    private static byte[] nonces(int count) throws Exception {
        ASN1EncodableVector extensions = new ASN1EncodableVector();
        for (int i = 0; i < count; i++) {
            extensions.add(new Extension(OcspObjectIdentifiers.NONCE, false, new DEROctetString(randomNonce(16)).getEncoded()));
        }
        Request single = new Request(OcspRequests.certificateId(SHA1, OcspTestPki.CA_CERT, SERIAL).toASN1Primitive(), null);
        return new DERSequence(new DERSequence(new ASN1Encodable[] {new DERSequence(single),
                new DERTaggedObject(true, 2, new DERSequence(extensions))})).getEncoded();
    }

    private static byte[] singleExtension(boolean critical) throws Exception {
        Extensions extensions = new Extensions(new Extension(new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.2"), critical,
                new DEROctetString(DERNull.INSTANCE.getEncoded())));
        Request single = new Request(OcspRequests.certificateId(SHA1, OcspTestPki.CA_CERT, SERIAL).toASN1Primitive(), extensions);
        return new OCSPRequest(new TBSRequest(null, new DERSequence(single), (Extensions) null), null).getEncoded();
    }

    /** {@code depth} SEQUENCEs, each holding the next, around a NULL. */
    static byte[] nestedDefinite(int depth) {
        // Built inside out into one buffer from the end, so the test stays linear.
        byte[] buffer = new byte[2 + depth * 6];
        int start = buffer.length - 2;
        buffer[start] = 0x05;
        for (int level = 0; level < depth; level++) {
            int length = buffer.length - start;
            byte[] header = length < 0x80 ? new byte[] {0x30, (byte) length}
                    : length < 0x100 ? new byte[] {0x30, (byte) 0x81, (byte) length}
                    : length < 0x10000 ? new byte[] {0x30, (byte) 0x82, (byte) (length >> 8), (byte) length}
                    : new byte[] {0x30, (byte) 0x83, (byte) (length >> 16), (byte) (length >> 8), (byte) length};
            start -= header.length;
            System.arraycopy(header, 0, buffer, start, header.length);
        }
        return Arrays.copyOfRange(buffer, start, buffer.length);
    }

    /** {@code depth} indefinite-length SEQUENCEs, properly terminated. */
    static byte[] nestedIndefinite(int depth) {
        byte[] encoding = new byte[depth * 4 + 2];
        for (int i = 0; i < depth; i++) {
            encoding[2 * i] = 0x30;
            encoding[2 * i + 1] = (byte) 0x80;
        }
        encoding[2 * depth] = 0x05;
        // the NULL's length and the end-of-contents octets are zero already
        return encoding;
    }

    /** A DER element with {@code tag} around the concatenated {@code contents}. */
    private static byte[] tlv(int tag, byte[]... contents) {
        int length = 0;
        for (byte[] content : contents) {
            length += content.length;
        }
        byte[] header = length < 0x80 ? new byte[] {(byte) tag, (byte) length}
                : length < 0x10000 ? new byte[] {(byte) tag, (byte) 0x82, (byte) (length >> 8), (byte) length}
                : new byte[] {(byte) tag, (byte) 0x83, (byte) (length >> 16), (byte) (length >> 8), (byte) length};
        byte[] element = Arrays.copyOf(header, header.length + length);
        int at = header.length;
        for (byte[] content : contents) {
            System.arraycopy(content, 0, element, at, content.length);
            at += content.length;
        }
        return element;
    }

    private static byte[] appended(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
