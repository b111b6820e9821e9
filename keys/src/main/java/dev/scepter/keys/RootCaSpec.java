package dev.scepter.keys;

import java.util.Objects;

/**
 * What a new root CA looks like ({@code AppConfig:KeyVaultConfig:RootCertificateConfig:*}).
 *
 * @param subject              the CA's distinguished name, RFC 4514 form
 * @param keySize              RSA modulus length: 2048, 3072 or 4096
 * @param validityDays         the CA certificate's lifetime
 * @param addExtendedKeyUsage  whether the CA certificate carries an EKU extension (Cisco ISE wants one)
 */
public record RootCaSpec(String subject, int keySize, int validityDays, boolean addExtendedKeyUsage) {

    public static final String DEFAULT_SUBJECT = "CN=Scepter-Root-CA-V1,O=Scepter";

    public RootCaSpec {
        Objects.requireNonNull(subject, "subject");
        if (keySize != 2048 && keySize != 3072 && keySize != 4096) {
            throw new IllegalArgumentException("RSA key size must be 2048, 3072 or 4096, not " + keySize);
        }
        if (validityDays < 1) {
            throw new IllegalArgumentException("validityDays must be at least 1");
        }
    }
}
