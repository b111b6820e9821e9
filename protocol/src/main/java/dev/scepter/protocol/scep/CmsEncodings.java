package dev.scepter.protocol.scep;

import dev.scepter.protocol.asn1.BerNesting;
import java.io.IOException;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.ContentInfo;

/** Reading a CMS ContentInfo (RFC 5652 section 3) from bytes. */
final class CmsEncodings {

    private CmsEncodings() {
    }

    /**
     * The ContentInfo at the start of {@code encoding}. Call {@link BerNesting#check} first.
     * Trailing bytes are ignored, as BouncyCastle's own CMS parsers ignore them.
     *
     * @throws IOException when the bytes are no ASN.1 object
     * @throws IllegalArgumentException when the object is not a ContentInfo
     */
    static ContentInfo contentInfo(byte[] encoding) throws IOException {
        try (ASN1InputStream in = new ASN1InputStream(encoding)) {
            ASN1Primitive first = in.readObject();
            if (first == null) {
                throw new IOException("no ASN.1 object");
            }
            return ContentInfo.getInstance(first);
        }
    }
}
