package dev.scepter.keys;

import dev.scepter.protocol.scep.CmsSigner;
import dev.scepter.protocol.scep.KeyTransportDecryptor;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * The key SCEP works with (RFC 8894 section 2.1): the CA's own, or an RA's beside a CA whose key
 * cannot do key transport.
 *
 * @param signer         signs CertReps
 * @param decrypter      unwraps the content-encryption keys of pkcsPKIEnvelopes (RFC 8894 section 3.2.2)
 * @param raCertificate  the RA certificate clients encrypt to; empty when the CA's own key is used
 */
public record ScepKey(CmsSigner signer, KeyTransportDecryptor decrypter, Optional<X509CertificateHolder> raCertificate) {

    public ScepKey {
        Objects.requireNonNull(signer, "signer");
        Objects.requireNonNull(decrypter, "decrypter");
        Objects.requireNonNull(raCertificate, "raCertificate");
    }
}
