package dev.scepter.protocol.ocsp;

import java.io.IOException;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Object;

/**
 * DER's tag-length-value (X.690 section 8.1) for a response's outer layers, whose contents are
 * DER already: a BasicOCSPResponse around its signed tbsResponseData, and the OCSPResponse around
 * that. BouncyCastle would walk every object inside again to learn their lengths.
 */
final class Der {

    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int SEQUENCE = 0x30;

    private Der() {
    }

    /** One element: {@code tag}, the definite length of the contents in its shortest form (X.690 section 10.1), the contents. */
    static byte[] of(int tag, byte[]... contents) {
        long length = 0;
        for (byte[] part : contents) {
            length += part.length;
        }
        if (length > Integer.MAX_VALUE - 6) {
            throw new IllegalArgumentException("DER contents of " + length + " octets");
        }
        int lengthOctets = length < 0x80 ? 0 : length <= 0xFF ? 1 : length <= 0xFFFF ? 2 : length <= 0xFFFFFF ? 3 : 4;
        byte[] der = new byte[1 + 1 + lengthOctets + (int) length];
        der[0] = (byte) tag;
        if (lengthOctets == 0) {
            der[1] = (byte) length;
        } else {
            der[1] = (byte) (0x80 | lengthOctets);
            for (int i = 0; i < lengthOctets; i++) {
                der[2 + i] = (byte) (length >>> (8 * (lengthOctets - 1 - i)));
            }
        }
        int at = 2 + lengthOctets;
        for (byte[] part : contents) {
            System.arraycopy(part, 0, der, at, part.length);
            at += part.length;
        }
        return der;
    }

    /** An object's DER, for constants. */
    static byte[] encoded(ASN1Object object) {
        try {
            return object.getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + object, e);
        }
    }
}
