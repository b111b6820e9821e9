package dev.scepter.certmaster.forms;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Optional;

/** The keys a form makes: RSA of 2048, 3072 or 4096 bits, ECDSA on P-256 or P-384. */
public enum KeyChoice {
    RSA_2048("rsa-2048", "RSA 2048", "RSA", 2048, null),
    RSA_3072("rsa-3072", "RSA 3072", "RSA", 3072, null),
    RSA_4096("rsa-4096", "RSA 4096", "RSA", 4096, null),
    EC_P256("ec-p256", "ECDSA P-256", "EC", 256, "secp256r1"),
    EC_P384("ec-p384", "ECDSA P-384", "EC", 384, "secp384r1");

    private final String formValue;
    private final String label;
    private final String algorithm;
    private final int size;
    private final String curve;

    KeyChoice(String formValue, String label, String algorithm, int size, String curve) {
        this.formValue = formValue;
        this.label = label;
        this.algorithm = algorithm;
        this.size = size;
        this.curve = curve;
    }

    public String formValue() {
        return formValue;
    }

    public String label() {
        return label;
    }

    public static Optional<KeyChoice> byFormValue(String value) {
        return Arrays.stream(values()).filter(k -> k.formValue.equals(value)).findFirst();
    }

    public KeyPair generate(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (curve != null) {
                generator.initialize(new ECGenParameterSpec(curve), random);
            } else {
                generator.initialize(size, random);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make " + label + " keys", e);
        }
    }

    /** The CSR's signature algorithm (RFC 8017 and RFC 5758): SHA-384 for P-384, as NIST SP 800-57 pairs strengths. */
    public String signatureAlgorithm() {
        return curve == null ? "SHA256withRSA" : size == 384 ? "SHA384withECDSA" : "SHA256withECDSA";
    }
}
