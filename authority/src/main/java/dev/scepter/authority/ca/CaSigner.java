package dev.scepter.authority.ca;

import dev.scepter.protocol.scep.CmsSigner;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * The CA key's custodian: it hands out signers, never the private key, so that a PKCS#12 file,
 * a PKCS#11 token or Azure Key Vault fit the same way. Adapters live in the {@code keys} module.
 */
public interface CaSigner extends CmsSigner {

    /** The CA certificate whose key this signer uses. */
    @Override
    X509CertificateHolder certificate();

    /**
     * A signer that signs with the CA key and the given digest (SHA-256 for certificates we
     * issue); its algorithm identifier is the full signature algorithm (sha256WithRSAEncryption).
     */
    @Override
    ContentSigner contentSigner(AlgorithmIdentifier digestAlgorithm) throws OperatorCreationException;

    /**
     * The CA certificate and the intermediates above it up to the root, CA first: what a client
     * needs to build the path (GetCACert hands it out). Just the CA certificate for a root.
     */
    default java.util.List<X509CertificateHolder> chain() {
        return java.util.List.of(certificate());
    }

    /** A short description for the homepage, for example "PKCS#12 file /data/ca.p12". */
    String describe();
}
