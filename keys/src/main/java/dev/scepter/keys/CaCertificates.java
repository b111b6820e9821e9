package dev.scepter.keys;

import dev.scepter.authority.ca.CaSigner;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentSigner;

/**
 * The certificates every {@link KeyCustody} makes the same way, wherever its key is kept: part of
 * the seam a custody of another module (Azure Key Vault, in {@code azure}) is built on, so that
 * its root CA and SCEP RA are the ones a PKCS#12 file or a PKCS#11 token would hold.
 */
public final class CaCertificates {

    private CaCertificates() {
    }

    /**
     * A self-signed root CA certificate for {@code publicKeyOfCa} (RFC 5280 section 4.2.1.9: CA
     * basic constraints, keyCertSign and cRLSign), signed by {@code signer}, its own key.
     */
    public static X509CertificateHolder selfSigned(PublicKey publicKeyOfCa, ContentSigner signer, RootCaSpec spec, Clock clock,
            SecureRandom random) throws GeneralSecurityException {
        return Pkcs12CaSigner.selfSign(publicKeyOfCa, signer, spec, clock, random);
    }

    /**
     * The SCEP RA's certificate for {@code publicKey}, issued by {@code ca} for as long as the CA
     * lives, with keyEncipherment and digitalSignature (RFC 8894 section 2.1).
     */
    public static X509CertificateHolder scepRa(PublicKey publicKey, CaSigner ca, Clock clock, SecureRandom random)
            throws GeneralSecurityException {
        return Pkcs12CaSigner.scepRaCertificate(publicKey, ca, clock, random);
    }

    /** Whether a key of this certificate can do SCEP's key transport: RSA only (RFC 8894 section 3.2.2). */
    public static boolean isRsa(X509CertificateHolder certificate) {
        return Pkcs12KeyCustody.isRsa(certificate);
    }

    /** Whether {@code issuer} issued {@code certificate}: its name and a signature that verifies with its key. */
    public static boolean issuedBy(X509CertificateHolder certificate, X509CertificateHolder issuer) {
        return Pkcs12KeyCustody.issuedBy(certificate, issuer);
    }
}
