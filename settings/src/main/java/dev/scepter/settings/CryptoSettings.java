package dev.scepter.settings;

/**
 * Which JCA providers sign and unwrap with keys held in memory ({@code AppConfig:Crypto:*}).
 *
 * @param nativeProvider use the Amazon Corretto Crypto Provider (native code) where it loads and
 *                       passes its self-tests; false: the JDK's providers and BouncyCastle only
 */
public record CryptoSettings(boolean nativeProvider) {

    static CryptoSettings bind(SettingsBinder binder) {
        return new CryptoSettings(binder.bool(Setting.CRYPTO_NATIVE_PROVIDER));
    }
}
