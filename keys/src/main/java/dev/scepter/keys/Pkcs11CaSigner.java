package dev.scepter.keys;

import dev.scepter.authority.ca.CaDecrypter;
import dev.scepter.authority.ca.CaKeyUnavailableException;
import dev.scepter.authority.ca.CaSigner;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.ProviderException;
import java.util.Objects;
import javax.crypto.Cipher;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.RuntimeOperatorException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A key in a PKCS#11 token (the CA's, or the SCEP RA's), used through the token's SunPKCS11
 * provider: the signature and the key-transport decryption happen in the token, and the key,
 * sensitive and not extractable, is only a handle here.
 */
final class Pkcs11CaSigner implements CaSigner, CaDecrypter {

    private final Provider provider;
    private final PrivateKey key;
    private final X509CertificateHolder certificate;
    private final String description;

    Pkcs11CaSigner(Provider provider, PrivateKey key, X509CertificateHolder certificate, String description) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.key = Objects.requireNonNull(key, "key");
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.description = Objects.requireNonNull(description, "description");
    }

    @Override
    public X509CertificateHolder certificate() {
        return certificate;
    }

    /**
     * {@inheritDoc}
     *
     * <p>A token that fails while it signs (removed, its session or login gone, the custody
     * closed) is a {@link CaKeyUnavailableException}: the caller answers "try later" in its
     * protocol's terms, as for a vault that throttles, never as a fault of its own.
     */
    @Override
    public ContentSigner contentSigner(AlgorithmIdentifier digestAlgorithm) throws OperatorCreationException {
        String digest = new DefaultAlgorithmNameFinder().getAlgorithmName(digestAlgorithm).replace("-", "");
        ContentSigner signer;
        try {
            signer = new JcaContentSignerBuilder(Pkcs12CaSigner.signatureAlgorithm(digest, key)).setProvider(provider).build(key);
        } catch (ProviderException e) {
            throw unavailable("sign", e);
        }
        return new ContentSigner() {
            @Override
            public AlgorithmIdentifier getAlgorithmIdentifier() {
                return signer.getAlgorithmIdentifier();
            }

            @Override
            public OutputStream getOutputStream() {
                return signer.getOutputStream();
            }

            @Override
            public byte[] getSignature() {
                try {
                    return signer.getSignature();
                } catch (ProviderException | RuntimeOperatorException e) {
                    throw unavailable("sign", e);
                }
            }
        };
    }

    private CaKeyUnavailableException unavailable(String operation, Exception e) {
        return new CaKeyUnavailableException("The " + description + " did not " + operation + ": " + Pkcs11Token.innermost(e), e);
    }

    @Override
    public byte[] decryptContentEncryptionKey(AlgorithmIdentifier keyEncryptionAlgorithm, byte[] encryptedKey)
            throws GeneralSecurityException {
        // RSA PKCS#1 v1.5 key transport, the only one SCEP clients use (RFC 8894 section 3.2.2): C_Decrypt in the token.
        if (!"RSA".equals(key.getAlgorithm())) {
            throw new InvalidKeyException("a " + key.getAlgorithm() + " key cannot unwrap a key-transport key");
        }
        Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding", provider);
        try {
            // Nothing of the client's is used yet: a failure here is the token's (gone, logged out).
            cipher.init(Cipher.DECRYPT_MODE, key);
        } catch (InvalidKeyException | ProviderException e) {
            throw unavailable("decrypt", e);
        }
        try {
            return cipher.doFinal(encryptedKey);
        } catch (ProviderException e) {
            // The token's failure, not the client's: a key that does not fit the envelope is a BadPaddingException.
            throw unavailable("decrypt", e);
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public String toString() {
        return "Pkcs11CaSigner[" + description + "]";
    }
}
