package dev.scepter.authority.store;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The record of one issued certificate, written before the certificate leaves the authority.
 *
 * @param serialNumber     the certificate's serial number (RFC 5280 section 4.1.2.2)
 * @param issuer           the issuer's distinguished name, RFC 4514 form
 * @param subject          the subject's distinguished name, RFC 4514 form
 * @param subjectAltNames  the SANs, each as {@code type:value} (for example {@code dns:host.example})
 * @param notBefore        start of validity
 * @param notAfter         end of validity
 * @param endpoint         the enrollment endpoint or API that issued it (for example {@code scep}, {@code static})
 * @param requester        who asked: an API token name, an MDM, or {@code challenge} for a static challenge
 * @param transactionId    the SCEP transactionID, when issued by SCEP
 * @param binding          the directory object the certificate is bound to, if any
 * @param revocation       set once the certificate is revoked by hand
 * @param der              the certificate, DER
 * @param requestDigest    SHA-256 of the PKCS#10 request it was issued for, which tells a SCEP
 *                         retransmission (RFC 8894 section 3.3.2) from a new request
 */
public record IssuedCertificate(
        BigInteger serialNumber,
        String issuer,
        String subject,
        List<String> subjectAltNames,
        Instant notBefore,
        Instant notAfter,
        String endpoint,
        String requester,
        Optional<String> transactionId,
        Optional<DirectoryBinding> binding,
        Optional<Revocation> revocation,
        byte[] der,
        Optional<byte[]> requestDigest) {

    /** A record with no request digest (issued without a request, or before digests were kept). */
    public IssuedCertificate(BigInteger serialNumber, String issuer, String subject, List<String> subjectAltNames, Instant notBefore,
            Instant notAfter, String endpoint, String requester, Optional<String> transactionId, Optional<DirectoryBinding> binding,
            Optional<Revocation> revocation, byte[] der) {
        this(serialNumber, issuer, subject, subjectAltNames, notBefore, notAfter, endpoint, requester, transactionId, binding,
                revocation, der, Optional.empty());
    }

    public IssuedCertificate {
        Objects.requireNonNull(serialNumber, "serialNumber");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
        subjectAltNames = List.copyOf(subjectAltNames);
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(notAfter, "notAfter");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(requester, "requester");
        Objects.requireNonNull(transactionId, "transactionId");
        Objects.requireNonNull(binding, "binding");
        Objects.requireNonNull(revocation, "revocation");
        der = der.clone();
        requestDigest = requestDigest.map(byte[]::clone);
    }

    @Override
    public Optional<byte[]> requestDigest() {
        return requestDigest.map(byte[]::clone);
    }

    @Override
    public byte[] der() {
        return der.clone();
    }

    /** This record with another revocation state (a delivery hold, none once it is lifted). */
    public IssuedCertificate withRevocation(Optional<Revocation> other) {
        return new IssuedCertificate(serialNumber, issuer, subject, subjectAltNames, notBefore, notAfter, endpoint, requester,
                transactionId, binding, other, der, requestDigest);
    }

    /** The certificate's SHA-1 thumbprint, upper-case hex: what Windows' certificate dialog and SCEPman show. */
    public String thumbprint() {
        return thumbprint(der);
    }

    /** The SHA-1 thumbprint of a DER encoding, upper-case hex. */
    public static String thumbprint(byte[] der) {
        try {
            return java.util.HexFormat.of().withUpperCase().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(der));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
    }

    /** The serial in the form {@code openssl x509 -serial} prints and our API paths use: upper-case hex. */
    public String serialHex() {
        return serialNumber.toString(16).toUpperCase(java.util.Locale.ROOT);
    }
}
