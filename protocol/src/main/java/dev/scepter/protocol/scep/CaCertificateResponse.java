package dev.scepter.protocol.scep;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSAbsentContent;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.util.CollectionStore;

/**
 * The answers to GetCACert (RFC 8894 section 4.2.1) and the degenerate certificates-only
 * SignedData (RFC 8894 section 3.4) that also carries the certificates of a CertRep SUCCESS.
 */
public final class CaCertificateResponse {
    /** Content type of a GetCACert answer holding the CA certificate alone, as DER (RFC 8894 section 4.2.1.1). */
    public static final String CA_CERT_CONTENT_TYPE = "application/x-x509-ca-cert";
    /** Content type of a GetCACert answer holding a chain or an RA certificate (RFC 8894 section 4.2.1.2). */
    public static final String CA_RA_CERT_CONTENT_TYPE = "application/x-x509-ca-ra-cert";

    private CaCertificateResponse() {
    }

    /**
     * A degenerate certificates-only SignedData holding {@code certificates} in the order given:
     * no signer, no content (RFC 8894 section 3.4). The encoding uses definite lengths but not
     * DER's sorting of the SET OF certificates, which would reorder them: clients such as
     * micromdm's take the first certificate of a CertRep as the one issued to them.
     */
    public static byte[] certsOnly(List<X509CertificateHolder> certificates) {
        Objects.requireNonNull(certificates, "certificates");
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("a certificates-only SignedData needs a certificate");
        }
        CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
        try {
            generator.addCertificates(new CollectionStore<>(List.copyOf(certificates)));
            return encode(generator);
        } catch (CMSException e) {
            throw new IllegalArgumentException("cannot hold these certificates", e);
        }
    }

    /**
     * A degenerate SignedData holding a CRL (and no certificate), the messageData of a CertRep
     * answering GetCRL (RFC 8894 section 3.3.2.1).
     */
    static byte[] crlOnly(X509CRLHolder crl) {
        Objects.requireNonNull(crl, "crl");
        CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
        generator.addCRL(crl);
        return encode(generator);
    }

    private static byte[] encode(CMSSignedDataGenerator generator) {
        try {
            return generator.generate(new CMSAbsentContent()).toASN1Structure().getEncoded(ASN1Encoding.DL);
        } catch (CMSException | IOException e) {
            throw new IllegalStateException("cannot encode a certificates-only SignedData", e);
        }
    }
}
