package dev.scepter.protocol.csr;

import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** Reads what an enrollment needs from a PKCS#10 request (RFC 2986). */
public final class CertificationRequests {

    private static final java.security.Provider BOUNCY_CASTLE = new org.bouncycastle.jce.provider.BouncyCastleProvider();

    private CertificationRequests() {
    }

    /**
     * The challengePassword attribute (RFC 2985 section 5.4.1), which SCEP uses to carry the
     * enrollment challenge (RFC 8894 section 2.2).
     */
    public static Optional<String> challengePassword(PKCS10CertificationRequest csr) {
        for (Attribute attribute : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_challengePassword)) {
            for (ASN1Encodable value : attribute.getAttributeValues()) {
                if (value instanceof ASN1String text) {
                    return Optional.of(text.getString());
                }
            }
        }
        return Optional.empty();
    }

    /** The extensions requested through the extensionRequest attribute (RFC 2985 section 5.4.2), if any. */
    public static Optional<Extensions> requestedExtensions(PKCS10CertificationRequest csr) {
        return Optional.ofNullable(csr.getRequestedExtensions());
    }

    /** Proof of possession: the request is signed by the key it asks a certificate for. */
    public static boolean isSelfSignatureValid(PKCS10CertificationRequest csr) {
        try {
            return csr.isSignatureValid(new JcaContentVerifierProviderBuilder()
                    .setProvider(BOUNCY_CASTLE)
                    .build(csr.getSubjectPublicKeyInfo()));
        } catch (Exception e) {
            // An unreadable key or unknown algorithm is a request we cannot accept, not a server fault.
            return false;
        }
    }
}
