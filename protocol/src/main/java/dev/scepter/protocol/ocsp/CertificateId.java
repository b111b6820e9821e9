package dev.scepter.protocol.ocsp;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.CertID;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.ocsp.CertificateID;

/**
 * The CertID naming one certificate in a request and in its answer (RFC 6960 section 4.1.1): the
 * hash algorithm, the hashes of the issuer's DER name and of its public key, and the serial
 * number. The response must carry it back exactly as the client sent it, hash algorithm and
 * AlgorithmIdentifier parameters (NULL or absent) included, or clients that match answers to
 * requests by CertID find none; {@link #toCertificateID()} gives it back for that.
 *
 * <p>Equality compares the hashes by content, so a CertificateId can key a cache. Two CertIDs
 * for the same certificate with different hash algorithms are different keys, as their
 * answers are different bytes.
 */
public record CertificateId(
        AlgorithmIdentifier hashAlgorithm, byte[] issuerNameHash, byte[] issuerKeyHash, BigInteger serialNumber) {

    public CertificateId {
        Objects.requireNonNull(hashAlgorithm, "hashAlgorithm");
        issuerNameHash = Objects.requireNonNull(issuerNameHash, "issuerNameHash").clone();
        issuerKeyHash = Objects.requireNonNull(issuerKeyHash, "issuerKeyHash").clone();
        Objects.requireNonNull(serialNumber, "serialNumber");
    }

    /** The CertID of a request decoded by BouncyCastle. */
    public static CertificateId of(CertificateID bouncyCastle) {
        return of(bouncyCastle.toASN1Primitive());
    }

    static CertificateId of(CertID certId) {
        return new CertificateId(certId.getHashAlgorithm(), certId.getIssuerNameHash().getOctets(),
                certId.getIssuerKeyHash().getOctets(), certId.getSerialNumber().getValue());
    }

    @Override
    public byte[] issuerNameHash() {
        return issuerNameHash.clone();
    }

    @Override
    public byte[] issuerKeyHash() {
        return issuerKeyHash.clone();
    }

    /** BouncyCastle's CertificateID with the same fields, to echo in a response. */
    public CertificateID toCertificateID() {
        return new CertificateID(toAsn1());
    }

    CertID toAsn1() {
        return new CertID(hashAlgorithm, new DEROctetString(issuerNameHash), new DEROctetString(issuerKeyHash),
                new ASN1Integer(serialNumber));
    }

    /** Without copying: for {@link IssuerMatcher}, which only reads them. */
    byte[] nameHash() {
        return issuerNameHash;
    }

    byte[] keyHash() {
        return issuerKeyHash;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CertificateId that
                && hashAlgorithm.equals(that.hashAlgorithm)
                && Arrays.equals(issuerNameHash, that.issuerNameHash)
                && Arrays.equals(issuerKeyHash, that.issuerKeyHash)
                && serialNumber.equals(that.serialNumber);
    }

    @Override
    public int hashCode() {
        return Objects.hash(hashAlgorithm, Arrays.hashCode(issuerNameHash), Arrays.hashCode(issuerKeyHash),
                serialNumber);
    }

    @Override
    public String toString() {
        return "CertificateId[hashAlgorithm=" + hashAlgorithm.getAlgorithm()
                + ", issuerNameHash=" + HexFormat.of().formatHex(issuerNameHash)
                + ", issuerKeyHash=" + HexFormat.of().formatHex(issuerKeyHash)
                + ", serialNumber=" + serialNumber.toString(16) + "]";
    }
}
