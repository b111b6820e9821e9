package dev.scepter.protocol.ocsp;

/**
 * Measures how deeply the constructed elements of a BER encoding nest before BouncyCastle parses
 * it. BouncyCastle's {@code ASN1InputStream} descends recursively into every constructed
 * element, so a few kilobytes of nested SEQUENCE headers overflow the thread's stack with a
 * {@link StackOverflowError}. An OCSPRequest from OpenSSL nests 7 levels, 11 when it is signed and
 * carries certificates; anything deeper than {@link #MAX_DEPTH} is refused before it is parsed.
 *
 * <p>Unlike the SCEP codec's check, this one does not look inside primitive OCTET STRINGs and BIT
 * STRINGs: the request decoder parses none of them but the nonce, whose bounded value it parses
 * as one primitive OCTET STRING only. The walk is bounded by {@code MAX_DEPTH}, so it cannot
 * overflow the stack itself.
 */
final class NestingGuard {
    static final int MAX_DEPTH = 32;

    private final byte[] data;

    private NestingGuard(byte[] data) {
        this.data = data;
    }

    /**
     * Checks the element at the start of {@code encoding} and that nothing follows it.
     *
     * @return null when it is well formed and shallow enough, else why not
     */
    static String problem(byte[] encoding) {
        try {
            int end = new NestingGuard(encoding).element(0, encoding.length, 1);
            return end == encoding.length ? null : "bytes follow the OCSPRequest";
        } catch (Refused e) {
            return e.reason;
        }
    }

    /** Walks the element at {@code pos} (X.690 section 8.1) and returns the position after it. */
    private int element(int pos, int end, int depth) throws Refused {
        if (depth > MAX_DEPTH) {
            throw new Refused("the encoding nests deeper than " + MAX_DEPTH + " levels");
        }
        if (pos >= end) {
            throw Refused.truncated();
        }
        int identifier = data[pos++] & 0xFF;
        if ((identifier & 0x1F) == 0x1F) {
            // High tag number form (X.690 8.1.2.4): base-128 digits, the last without bit 8.
            int digits = 0;
            int digit;
            do {
                if (pos >= end || ++digits > 4) {
                    throw Refused.truncated();
                }
                digit = data[pos++] & 0xFF;
            } while ((digit & 0x80) != 0);
        }
        boolean constructed = (identifier & 0x20) != 0;
        if (pos >= end) {
            throw Refused.truncated();
        }
        int lengthOctet = data[pos++] & 0xFF;
        if (lengthOctet == 0x80) {
            // Indefinite length (X.690 8.1.3.6): constructed only, ended by two zero octets.
            if (!constructed) {
                throw new Refused("a primitive element has an indefinite length");
            }
            while (!(pos + 1 < end && data[pos] == 0 && data[pos + 1] == 0)) {
                pos = element(pos, end, depth + 1);
            }
            return pos + 2;
        }
        long length;
        if (lengthOctet < 0x80) {
            length = lengthOctet;
        } else {
            int count = lengthOctet & 0x7F;
            if (count > 4 || count > end - pos) {
                throw Refused.truncated();
            }
            length = 0;
            for (int i = 0; i < count; i++) {
                length = (length << 8) | (data[pos++] & 0xFF);
            }
        }
        if (length > end - pos) {
            throw Refused.truncated();
        }
        int contentEnd = pos + (int) length;
        if (constructed) {
            while (pos < contentEnd) {
                pos = element(pos, contentEnd, depth + 1);
            }
        }
        return contentEnd;
    }

    /** Control flow inside the walk only, so no stack trace is filled in. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        final String reason;

        Refused(String reason) {
            super(reason, null, false, false);
            this.reason = reason;
        }

        static Refused truncated() {
            return new Refused("the encoding is truncated or not BER");
        }
    }
}
