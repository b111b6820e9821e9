package dev.scepter.protocol.asn1;

import java.io.ByteArrayOutputStream;

/**
 * Measures how deeply a BER encoding nests before BouncyCastle parses it. BouncyCastle's
 * {@code ASN1InputStream} descends recursively, so a few kilobytes of nested SEQUENCE headers
 * overflow the thread's stack with a {@link StackOverflowError} (seen at 1,000 levels on a
 * 512 KiB stack). A real pkiMessage nests about 20 levels (an OCSPRequest 7, or 11 when signed), counting the DER that certificate
 * extensions and the pkcsPKIEnvelope carry inside OCTET STRINGs, which BouncyCastle parses on
 * demand; anything deeper than {@link #MAX_DEPTH} is refused before it is parsed.
 *
 * <p>The walk is bounded by {@code MAX_DEPTH} itself, so it cannot overflow the stack.
 */
public final class BerNesting {
    public static final int MAX_DEPTH = 64;

    public enum Verdict { WELL_FORMED, NOT_WELL_FORMED, TOO_DEEP }

    private static final int UNIVERSAL_BIT_STRING = 3;
    private static final int UNIVERSAL_OCTET_STRING = 4;

    private final byte[] data;

    private BerNesting(byte[] data) {
        this.data = data;
    }

    /**
     * Checks the first element of {@code encoding}; bytes after it are not looked at, as
     * BouncyCastle's CMS parsers ignore them too.
     */
    public static Verdict check(byte[] encoding) {
        try {
            new BerNesting(encoding).element(0, encoding.length, 1, null);
            return Verdict.WELL_FORMED;
        } catch (NotWellFormed e) {
            return Verdict.NOT_WELL_FORMED;
        } catch (TooDeep e) {
            return Verdict.TOO_DEEP;
        }
    }

    /**
     * Walks the element at {@code pos} (X.690 section 8.1) and returns the position after it.
     * {@code segments}, when not null, collects the contents of primitive segments of an
     * enclosing constructed OCTET STRING.
     */
    private int element(int pos, int end, int depth, ByteArrayOutputStream segments)
            throws NotWellFormed, TooDeep {
        if (depth > MAX_DEPTH) {
            throw new TooDeep();
        }
        if (pos >= end) {
            throw new NotWellFormed();
        }
        int identifier = data[pos++] & 0xFF;
        boolean constructed = (identifier & 0x20) != 0;
        boolean universal = (identifier & 0xC0) == 0;
        int tagNumber = identifier & 0x1F;
        if (tagNumber == 0x1F) {
            // High tag number form (X.690 8.1.2.4): base-128 digits, the last without bit 8.
            int digits = 0;
            int digit;
            do {
                if (pos >= end || ++digits > 4) {
                    throw new NotWellFormed();
                }
                digit = data[pos++] & 0xFF;
            } while ((digit & 0x80) != 0);
            universal = false;
        }
        if (pos >= end) {
            throw new NotWellFormed();
        }
        int lengthOctet = data[pos++] & 0xFF;
        boolean octetString = universal && tagNumber == UNIVERSAL_OCTET_STRING;
        if (lengthOctet == 0x80) {
            // Indefinite length (X.690 8.1.3.6): constructed only, ended by two zero octets.
            if (!constructed) {
                throw new NotWellFormed();
            }
            ByteArrayOutputStream inner = octetString ? new ByteArrayOutputStream() : null;
            while (!(pos + 1 < end && data[pos] == 0 && data[pos + 1] == 0)) {
                pos = element(pos, end, depth + 1, inner);
            }
            segmentsCollected(inner, segments, depth);
            return pos + 2;
        }
        int length;
        if (lengthOctet < 0x80) {
            length = lengthOctet;
        } else {
            int count = lengthOctet & 0x7F;
            if (count > 4 || count > end - pos) {
                throw new NotWellFormed();
            }
            long value = 0;
            for (int i = 0; i < count; i++) {
                value = (value << 8) | (data[pos++] & 0xFF);
            }
            if (value > end - pos) {
                throw new NotWellFormed();
            }
            length = (int) value;
        }
        if (length > end - pos) {
            throw new NotWellFormed();
        }
        int contentEnd = pos + length;
        if (constructed) {
            ByteArrayOutputStream inner = octetString ? new ByteArrayOutputStream() : null;
            while (pos < contentEnd) {
                pos = element(pos, contentEnd, depth + 1, inner);
            }
            segmentsCollected(inner, segments, depth);
        } else if (segments != null) {
            segments.write(data, pos, length);
        } else if (universal && tagNumber == UNIVERSAL_OCTET_STRING) {
            encapsulated(pos, contentEnd, depth + 1);
        } else if (universal && tagNumber == UNIVERSAL_BIT_STRING && length > 0) {
            // The first content octet counts the unused bits (X.690 8.6.2.2).
            encapsulated(pos + 1, contentEnd, depth + 1);
        }
        return contentEnd;
    }

    /**
     * A constructed OCTET STRING (X.690 8.7.3) is read as the concatenation of its segments, so
     * that is what may encapsulate an encoding; inside another constructed OCTET STRING the
     * segments join the outer one's.
     */
    private static void segmentsCollected(ByteArrayOutputStream inner, ByteArrayOutputStream outer, int depth)
            throws TooDeep {
        if (inner == null) {
            return;
        }
        byte[] content = inner.toByteArray();
        if (outer != null) {
            outer.write(content, 0, content.length);
        } else {
            encapsulated(content, depth + 1);
        }
    }

    private static void encapsulated(byte[] content, int depth) throws TooDeep {
        new BerNesting(content).encapsulated(0, content.length, depth);
    }

    /**
     * Walks what an OCTET STRING or BIT STRING may encapsulate (an extension's value, the
     * eContent, a public key). Content that is no encoding, such as ciphertext or a signature,
     * is opaque and fine; only its nesting depth matters.
     */
    private void encapsulated(int pos, int end, int depth) throws TooDeep {
        try {
            while (pos < end) {
                pos = element(pos, end, depth, null);
            }
        } catch (NotWellFormed opaque) {
            // Not an encoding: nothing BouncyCastle would descend into.
        }
    }

    /** Control flow inside the walk only, so no stack trace is filled in. */
    private static final class NotWellFormed extends Exception {
        private static final long serialVersionUID = 1L;

        NotWellFormed() {
            super(null, null, false, false);
        }
    }

    private static final class TooDeep extends Exception {
        private static final long serialVersionUID = 1L;

        TooDeep() {
            super(null, null, false, false);
        }
    }
}
