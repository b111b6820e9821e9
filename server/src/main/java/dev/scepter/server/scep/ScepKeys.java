package dev.scepter.server.scep;

import dev.scepter.protocol.scep.CaCertificateResponse;
import dev.scepter.protocol.scep.CmsSigner;
import dev.scepter.protocol.scep.KeyTransportDecryptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * Whose key SCEP uses (RFC 8894 section 2.1): the CA's own when it is RSA, else an RSA RA
 * certificate issued by the CA, which decrypts requests and signs CertReps; and what GetCACert
 * hands out so that clients find that key.
 *
 * @param signer    signs CertReps
 * @param decrypter unwraps the keys of pkcsPKIEnvelopes
 * @param recipient the certificate clients encrypt to, when it is an RA's (so a request encrypted
 *                  for several certificates is opened with the right one); empty for the CA itself
 * @param chain     the CA certificate and any intermediates above it, CA first
 */
public record ScepKeys(CmsSigner signer, KeyTransportDecryptor decrypter, Optional<X509CertificateHolder> recipient,
        List<X509CertificateHolder> chain) {

    public ScepKeys {
        Objects.requireNonNull(signer, "signer");
        Objects.requireNonNull(decrypter, "decrypter");
        Objects.requireNonNull(recipient, "recipient");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("the chain holds at least the CA certificate");
        }
    }

    /** The GetCACert answer's content type (RFC 8894 section 4.2.1). */
    public String caCertContentType() {
        return alone() ? CaCertificateResponse.CA_CERT_CONTENT_TYPE : CaCertificateResponse.CA_RA_CERT_CONTENT_TYPE;
    }

    /**
     * The GetCACert answer: the CA certificate alone as DER, or, with an RA or intermediates, a
     * certificates-only SignedData holding the RA certificate, then the chain up to the CA's root.
     */
    public byte[] caCertBody() {
        try {
            if (alone()) {
                return chain.get(0).getEncoded();
            }
            List<X509CertificateHolder> certificates = new ArrayList<>();
            recipient.ifPresent(certificates::add);
            certificates.addAll(chain);
            return CaCertificateResponse.certsOnly(certificates);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean alone() {
        return recipient.isEmpty() && chain.size() == 1;
    }
}
