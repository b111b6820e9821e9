package dev.scepter.protocol.ocsp;

import dev.scepter.protocol.scep.TestPki;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.operator.DigestCalculator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * OCSPRequests built as clients build them, with BouncyCastle's client-side builder: SHA-1
 * CertIDs with NULL parameters and a 16-octet nonce by default, as OpenSSL sends.
 */
public final class OcspRequests {
    private static final SecureRandom RANDOM = new SecureRandom();

    public static final AlgorithmIdentifier SHA1 = CertificateID.HASH_SHA1;
    /** SHA-256 with NULL parameters, as OpenSSL's {@code -sha256} sends it. */
    public static final AlgorithmIdentifier SHA256 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE);
    /** SHA-256 with absent parameters, as RFC 5754 section 2 says. */
    public static final AlgorithmIdentifier SHA256_ABSENT = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256);
    public static final AlgorithmIdentifier SHA384 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha384, DERNull.INSTANCE);
    public static final AlgorithmIdentifier SHA512 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha512, DERNull.INSTANCE);

    private final List<CertificateID> ids = new ArrayList<>();
    private final List<Extension> extensions = new ArrayList<>();
    private boolean signed;

    private OcspRequests() {
    }

    public static OcspRequests request() {
        return new OcspRequests();
    }

    /** A request about one leaf of the test CA, SHA-1, with a nonce. */
    public static OcspRequests openSslLike() {
        return request().about(SHA1, OcspTestPki.CA_CERT, OcspTestPki.LEAVES.get(0).getSerialNumber())
                .nonce(randomNonce(16));
    }

    public static byte[] randomNonce(int length) {
        byte[] nonce = new byte[length];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    public static CertificateID certificateId(AlgorithmIdentifier hash, X509CertificateHolder issuer, BigInteger serial) {
        try {
            DigestCalculator digest = new JcaDigestCalculatorProviderBuilder().build().get(hash);
            return new CertificateID(digest, issuer, serial);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public OcspRequests about(AlgorithmIdentifier hash, X509CertificateHolder issuer, BigInteger serial) {
        ids.add(certificateId(hash, issuer, serial));
        return this;
    }

    public OcspRequests about(CertificateID id) {
        ids.add(id);
        return this;
    }

    /** The nonce as RFC 9654 and OpenSSL since 0.9.7d send it: the extnValue is an OCTET STRING. */
    public OcspRequests nonce(byte[] nonce) {
        return extension(OcspObjectIdentifiers.NONCE, false, new DEROctetString(nonce));
    }

    /** The nonce as OpenSSL before 0.9.7d sent it: the bare octets in the extnValue. */
    public OcspRequests bareNonce(byte[] nonce) {
        extensions.add(new Extension(OcspObjectIdentifiers.NONCE, false, nonce));
        return this;
    }

    public OcspRequests extension(ASN1ObjectIdentifier oid, boolean critical, ASN1Encodable value) {
        try {
            extensions.add(new Extension(oid, critical, new DEROctetString(value.toASN1Primitive().getEncoded())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** Signed by the test client's key, with its certificate and a requestorName (RFC 6960 section 4.1.2). */
    public OcspRequests signed() {
        signed = true;
        return this;
    }

    public byte[] build() {
        try {
            OCSPReqBuilder builder = new OCSPReqBuilder();
            for (CertificateID id : ids) {
                builder.addRequest(id);
            }
            if (!extensions.isEmpty()) {
                builder.setRequestExtensions(new Extensions(extensions.toArray(new Extension[0])));
            }
            if (!signed) {
                return builder.build().getEncoded();
            }
            builder.setRequestorName(new GeneralName(new X500Name("CN=device-0001")));
            return builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(TestPki.CLIENT_KEYS.getPrivate()),
                    new X509CertificateHolder[] {TestPki.CLIENT_CERT, TestPki.CA_CERT}).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
