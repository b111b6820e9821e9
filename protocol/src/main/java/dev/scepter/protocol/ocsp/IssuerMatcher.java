package dev.scepter.protocol.ocsp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * Tells whether a CertID names a certificate of one CA (RFC 6960 section 4.1.1): its
 * issuerNameHash is the hash of the CA's DER-encoded subject name, and its issuerKeyHash the
 * hash of the value of the CA's subjectPublicKey BIT STRING (without tag, length and
 * unused-bits octet). Both hashes are computed once, for SHA-1 (what OpenSSL, Windows and most
 * clients send, and RFC 5019 section 2.1.1 asks for) and SHA-256, SHA-384 and SHA-512.
 *
 * <p>This is the first filter of the OCSP answer: a CertID it does not match is not this CA's,
 * and the responder is not authoritative for it (RFC 5019 section 2.2.3: unauthorized).
 * Immutable and thread-safe.
 */
public final class IssuerMatcher {
    private static final Map<ASN1ObjectIdentifier, String> DIGESTS = Map.of(
            OIWObjectIdentifiers.idSHA1, "SHA-1",
            NISTObjectIdentifiers.id_sha256, "SHA-256",
            NISTObjectIdentifiers.id_sha384, "SHA-384",
            NISTObjectIdentifiers.id_sha512, "SHA-512");

    private final X509CertificateHolder issuer;
    private final Map<ASN1ObjectIdentifier, IssuerHashes> hashes;

    private record IssuerHashes(byte[] name, byte[] key) {
    }

    public IssuerMatcher(X509CertificateHolder issuer) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        byte[] name = derName(issuer);
        byte[] key = issuer.getSubjectPublicKeyInfo().getPublicKeyData().getBytes();
        Map<ASN1ObjectIdentifier, IssuerHashes> computed = new HashMap<>();
        DIGESTS.forEach((oid, digest) -> computed.put(oid, new IssuerHashes(hash(digest, name), hash(digest, key))));
        this.hashes = Map.copyOf(computed);
    }

    /** The CA certificate this matcher was built from. */
    public X509CertificateHolder issuer() {
        return issuer;
    }

    /**
     * True for SHA-1, SHA-256, SHA-384 and SHA-512, with NULL or absent parameters (both are
     * seen: RFC 5754 section 2 says absent, OpenSSL sends NULL).
     */
    public boolean supportsHash(AlgorithmIdentifier hashAlgorithm) {
        if (hashAlgorithm == null || !hashes.containsKey(hashAlgorithm.getAlgorithm())) {
            return false;
        }
        ASN1Encodable parameters = hashAlgorithm.getParameters();
        return parameters == null || DERNull.INSTANCE.equals(parameters);
    }

    /** True when {@code id} names a certificate this CA issued, in a supported hash. */
    public boolean matches(CertificateId id) {
        if (!supportsHash(id.hashAlgorithm())) {
            return false;
        }
        IssuerHashes expected = hashes.get(id.hashAlgorithm().getAlgorithm());
        return MessageDigest.isEqual(expected.name(), id.nameHash())
                && MessageDigest.isEqual(expected.key(), id.keyHash());
    }

    /**
     * The subject's ASN.1 as the certificate holds it, in DER: a name rebuilt from strings could
     * change their string types, and with them the hash.
     */
    private static byte[] derName(X509CertificateHolder certificate) {
        try {
            return certificate.toASN1Structure().getTBSCertificate().getSubject().getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the subject of " + certificate.getSubject(), e);
        }
    }

    private static byte[] hash(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform has SHA-1 and SHA-2 (java.security.MessageDigest javadoc).
            throw new IllegalStateException(algorithm + " is missing from the JVM", e);
        }
    }
}
