package dev.scepter.azure.keyvault;

import dev.scepter.authority.ca.CaDecrypter;
import dev.scepter.authority.ca.CaSigner;
import dev.scepter.keys.CaCertificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.nist.NISTNamedCurves;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.RuntimeOperatorException;

/**
 * A key in Azure Key Vault (the CA's, or the SCEP RA's), used through Key Vault's REST API: the
 * digest is computed here and Key Vault signs it ({@code POST keys/{name}/{version}/sign}); a SCEP
 * envelope's key-transport key is unwrapped there ({@code unwrapKey}, RSA1_5). The private key
 * never leaves the vault; only its identifier ({@code kid}) and certificate are held here. Each
 * signature is one Key Vault operation, counted against the vault's quota.
 */
final class KeyVaultCaSigner implements CaSigner, CaDecrypter {

    private static final java.util.Set<ASN1ObjectIdentifier> SHA2 = java.util.Set.of(NISTObjectIdentifiers.id_sha256,
            NISTObjectIdentifiers.id_sha384, NISTObjectIdentifiers.id_sha512);

    private final KeyVaultClient vault;
    private final String kid;
    private final X509CertificateHolder certificate;
    private final boolean rsa;
    private final String description;

    KeyVaultCaSigner(KeyVaultClient vault, String kid, X509CertificateHolder certificate, String description) {
        this.vault = Objects.requireNonNull(vault, "vault");
        this.kid = Objects.requireNonNull(kid, "kid");
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.description = Objects.requireNonNull(description, "description");
        this.rsa = CaCertificates.isRsa(certificate);
    }

    @Override
    public X509CertificateHolder certificate() {
        return certificate;
    }

    @Override
    public ContentSigner contentSigner(AlgorithmIdentifier digestAlgorithm) throws OperatorCreationException {
        return contentSigner(vault, kid, certificate.getSubjectPublicKeyInfo(), digestAlgorithm);
    }

    /** A signer with the key {@code kid} of the vault, whose public half is {@code publicKey} (which tells RSA from EC and the curve). */
    static ContentSigner contentSigner(KeyVaultClient vault, String kid, SubjectPublicKeyInfo publicKey, AlgorithmIdentifier digestAlgorithm)
            throws OperatorCreationException {
        boolean rsa = PKCSObjectIdentifiers.rsaEncryption.equals(publicKey.getAlgorithm().getAlgorithm());
        // Key Vault ties an EC key's digest to its curve (ES256 on P-256, ES384 on P-384, ES512 on P-521).
        String digest = rsa ? new DefaultAlgorithmNameFinder().getAlgorithmName(digestAlgorithm).replace("-", "") : ecDigest(publicKey);
        String bits = digest.substring("SHA".length());
        if (!java.util.List.of("256", "384", "512").contains(bits)) {
            throw new OperatorCreationException("Key Vault signs SHA-256, SHA-384 or SHA-512 digests, not " + digest);
        }
        String alg = (rsa ? "RS" : "ES") + bits;
        AlgorithmIdentifier signatureAlgorithm = new DefaultSignatureAlgorithmIdentifierFinder().find(digest + (rsa ? "withRSA" : "withECDSA"));
        MessageDigest messageDigest;
        try {
            messageDigest = MessageDigest.getInstance("SHA-" + bits);
        } catch (NoSuchAlgorithmException e) {
            throw new OperatorCreationException("no SHA-" + bits + " in this JVM", e);
        }
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        return new ContentSigner() {
            @Override
            public AlgorithmIdentifier getAlgorithmIdentifier() {
                return signatureAlgorithm;
            }

            @Override
            public OutputStream getOutputStream() {
                return content;
            }

            @Override
            public byte[] getSignature() {
                byte[] signature = vault.sign(kid, alg, messageDigest.digest(content.toByteArray()));
                return rsa ? signature : derSignature(signature);
            }
        };
    }

    /** Key Vault signs SHA-256, SHA-384 and SHA-512 digests (RS256 to RS512); it has no SHA-1. */
    @Override
    public boolean hashes(AlgorithmIdentifier digestAlgorithm) {
        return SHA2.contains(digestAlgorithm.getAlgorithm());
    }

    @Override
    public byte[] decryptContentEncryptionKey(AlgorithmIdentifier keyEncryptionAlgorithm, byte[] encryptedKey)
            throws GeneralSecurityException {
        // RSA PKCS#1 v1.5 key transport, the only one SCEP clients use (RFC 8894 section 3.2.2): unwrapKey in the vault.
        // A key Key Vault cannot unwrap (400) is a BadPaddingException: the codec answers badMessageCheck.
        if (!rsa) {
            throw new InvalidKeyException("an EC key cannot unwrap a key-transport key");
        }
        return vault.unwrapKey(kid, "RSA1_5", encryptedKey);
    }

    @Override
    public String describe() {
        return description;
    }

    private static String ecDigest(SubjectPublicKeyInfo publicKey) {
        ASN1ObjectIdentifier curve = ASN1ObjectIdentifier.getInstance(publicKey.getAlgorithm().getParameters());
        String name = String.valueOf(NISTNamedCurves.getName(curve));
        return switch (name) {
            case "P-384" -> "SHA384";
            case "P-521" -> "SHA512";
            default -> "SHA256";
        };
    }

    /** Key Vault's EC signature is the JWS form r || s; X.509 and CMS want the DER SEQUENCE of two INTEGERs (RFC 3279 section 2.2.3). */
    static byte[] derSignature(byte[] raw) {
        int half = raw.length / 2;
        ASN1EncodableVector rs = new ASN1EncodableVector();
        rs.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, 0, half))));
        rs.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, half, raw.length))));
        try {
            return new DERSequence(rs).getEncoded();
        } catch (IOException e) {
            throw new RuntimeOperatorException("cannot encode the EC signature", e);
        }
    }

    @Override
    public String toString() {
        return "KeyVaultCaSigner[" + kid + "]";
    }
}
