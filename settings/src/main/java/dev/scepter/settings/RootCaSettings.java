package dev.scepter.settings;

/**
 * The root CA a new installation makes ({@code AppConfig:KeyVaultConfig:RootCertificateConfig:*}).
 *
 * @param subject             the CA's distinguished name
 * @param keyType             {@code RSA} or {@code EC} (the {@code -HSM} variants mean the same key in a local installation)
 * @param keySize             RSA modulus bits, or the EC curve's size (256, 384, 521 for P-256, P-384, P-521)
 * @param daysExpiresIn       the CA certificate's validity
 * @param addExtendedKeyUsage whether the CA certificate carries EKUs
 */
public record RootCaSettings(String subject, String keyType, int keySize, int daysExpiresIn, boolean addExtendedKeyUsage) {

    static RootCaSettings bind(SettingsBinder binder) {
        String keyType = binder.required(Setting.ROOT_KEY_TYPE, SettingParsers::keyType);
        // The size's meaning, and so its default, follow the key type: 4096 bits for RSA, P-256 for EC.
        boolean ec = "EC".equals(keyType);
        int defaultSize = ec ? 256 : 4096;
        int keySize = binder.parse(Setting.ROOT_KEY_SIZE, binder.given(Setting.ROOT_KEY_SIZE).orElse(String.valueOf(defaultSize)),
                SettingParsers.keySize(ec)).orElse(defaultSize);
        return new RootCaSettings(
                binder.required(Setting.ROOT_SUBJECT, SettingParsers::distinguishedName),
                keyType,
                keySize,
                binder.wholeNumber(Setting.ROOT_DAYS_EXPIRES_IN, 1, 36_500),
                binder.bool(Setting.ROOT_ADD_EXTENDED_KEY_USAGE));
    }
}
