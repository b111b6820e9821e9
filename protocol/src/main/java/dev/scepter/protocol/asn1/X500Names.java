package dev.scepter.protocol.asn1;

import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * Checks a distinguished name (RFC 5280 section 4.1.2.4) from a client before anything reads it.
 * BouncyCastle parses a name's AttributeTypeAndValues, and decodes their strings, only when they
 * are read: comparing two names ({@code equals}), printing one, looking up its CN. A malformed one
 * throws IllegalArgumentException there, far from the decoder.
 */
public final class X500Names {

    private X500Names() {
    }

    /** Whether every attribute of {@code name} parses and its value can be read as a string. */
    public static boolean readable(X500Name name) {
        try {
            for (RDN rdn : name.getRDNs()) {
                for (AttributeTypeAndValue attribute : rdn.getTypesAndValues()) {
                    attribute.getType();
                    attribute.getValue();
                }
            }
            // Decodes every string value (a UTF8String of invalid UTF-8 throws here).
            name.toString();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
