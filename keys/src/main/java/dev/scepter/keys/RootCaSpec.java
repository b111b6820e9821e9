package dev.scepter.keys;

import java.util.List;
import java.util.Objects;

/**
 * What a new root CA looks like ({@code AppConfig:KeyVaultConfig:RootCertificateConfig:*}).
 *
 * @param subject              the CA's distinguished name, RFC 4514 form
 * @param keyType              {@code RSA} or {@code EC}
 * @param keySize              RSA modulus length (2048, 3072 or 4096), or the EC curve's size
 *                             (256, 384 or 521 for P-256, P-384, P-521)
 * @param validityDays         the CA certificate's lifetime
 * @param addExtendedKeyUsage  whether the CA certificate carries an EKU extension (Cisco ISE wants one)
 */
public record RootCaSpec(String subject, String keyType, int keySize, int validityDays, boolean addExtendedKeyUsage) {

    public static final String DEFAULT_SUBJECT = "CN=Scepter-Root-CA-V1,O=Scepter";

    /** An RSA root CA. */
    public RootCaSpec(String subject, int keySize, int validityDays, boolean addExtendedKeyUsage) {
        this(subject, "RSA", keySize, validityDays, addExtendedKeyUsage);
    }

    public RootCaSpec {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(keyType, "keyType");
        if ("RSA".equals(keyType)) {
            if (!List.of(2048, 3072, 4096).contains(keySize)) {
                throw new IllegalArgumentException("RSA key size must be 2048, 3072 or 4096, not " + keySize);
            }
        } else if ("EC".equals(keyType)) {
            if (!List.of(256, 384, 521).contains(keySize)) {
                throw new IllegalArgumentException("EC key size must be 256, 384 or 521 (P-256, P-384, P-521), not " + keySize);
            }
        } else {
            throw new IllegalArgumentException("key type must be RSA or EC, not " + keyType);
        }
        if (validityDays < 1) {
            throw new IllegalArgumentException("validityDays must be at least 1");
        }
    }

    /** Whether SCEP needs an RA beside this CA: key transport (RFC 8894 section 3.2.2) needs an RSA key. */
    public boolean needsScepRa() {
        return !"RSA".equals(keyType);
    }

    /** How the installer names the key: "RSA 4096", "EC P-256". */
    public String describeKey() {
        return "RSA".equals(keyType) ? "RSA " + keySize : "EC P-" + keySize;
    }
}
