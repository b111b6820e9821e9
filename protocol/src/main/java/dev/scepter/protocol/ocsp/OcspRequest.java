package dev.scepter.protocol.ocsp;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an OCSPRequest asks (RFC 6960 section 4.1.1): the certificates, in the client's order,
 * and the nonce to echo (RFC 9654), 1 to 128 octets. Whether the request was signed is not kept:
 * Scepter does not require signed requests and does not check their signatures.
 *
 * @param nonce the nonce's value: the contents of the Nonce OCTET STRING, without its tag and
 *     length
 */
public record OcspRequest(List<CertificateId> certificateIds, Optional<byte[]> nonce) {

    public OcspRequest {
        certificateIds = List.copyOf(Objects.requireNonNull(certificateIds, "certificateIds"));
        nonce = Objects.requireNonNull(nonce, "nonce").map(byte[]::clone);
    }

    @Override
    public Optional<byte[]> nonce() {
        return nonce.map(byte[]::clone);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OcspRequest that
                && certificateIds.equals(that.certificateIds)
                && nonce.isPresent() == that.nonce.isPresent()
                && (nonce.isEmpty() || Arrays.equals(nonce.get(), that.nonce.get()));
    }

    @Override
    public int hashCode() {
        return 31 * certificateIds.hashCode() + nonce.map(Arrays::hashCode).orElse(0);
    }

    @Override
    public String toString() {
        return "OcspRequest[certificateIds=" + certificateIds + ", nonce="
                + nonce.map(value -> value.length + " octets").orElse("none") + "]";
    }
}
