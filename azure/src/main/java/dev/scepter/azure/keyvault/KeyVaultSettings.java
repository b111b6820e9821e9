package dev.scepter.azure.keyvault;

import dev.scepter.settings.RawSettings;
import dev.scepter.settings.Setting;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the CA key's vault is, with SCEPman's names: {@code AppConfig:KeyVaultConfig:KeyVaultURL}
 * (which chooses this custody), the certificate object the CA certificate and its key are kept in
 * ({@code RootCertificateConfig:CertificateName}), and the audience of Key Vault's tokens
 * ({@code AppConfig:AzureCloudConfig:KeyVaultEndpoint}, a national cloud's when set).
 *
 * @param vaultUrl        the vault, {@code https://kv-contoso.vault.azure.net/}
 * @param certificateName the certificate object of the CA; its key has the same name
 * @param audience        the audience of Key Vault's tokens
 * @param hsm             whether a CA created here gets an HSM-protected key ({@code RootCertificateConfig:KeyType} RSA-HSM or EC-HSM)
 */
public record KeyVaultSettings(URI vaultUrl, String certificateName, URI audience, boolean hsm) {

    public KeyVaultSettings {
        Objects.requireNonNull(vaultUrl, "vaultUrl");
        Objects.requireNonNull(certificateName, "certificateName");
        Objects.requireNonNull(audience, "audience");
    }

    /** The certificate object of the SCEP RA, beside a CA whose key is not RSA. */
    public String raCertificateName() {
        return certificateName + "-scep-ra";
    }

    /**
     * Binds the settings; empty when {@code KeyVaultURL} is not set (the CA key is not in Key
     * Vault). Each wrong value is an {@link IllegalStateException} naming its setting.
     */
    public static Optional<KeyVaultSettings> bind(RawSettings raw) {
        Optional<String> url = given(raw, Setting.KEY_VAULT_URL);
        if (url.isEmpty()) {
            return Optional.empty();
        }
        URI vault = httpsUrl(url.get(), Setting.KEY_VAULT_URL);
        String name = given(raw, Setting.ROOT_CERTIFICATE_NAME).or(Setting.ROOT_CERTIFICATE_NAME::defaultValue).orElseThrow();
        // Key Vault's object names: 1 to 127 letters, digits and dashes.
        if (!name.matches("[0-9A-Za-z-]{1,118}")) {
            throw new IllegalStateException(Setting.ROOT_CERTIFICATE_NAME.key() + " must be a Key Vault certificate name (letters, digits and "
                    + "dashes, at most 118 so that the SCEP RA's name fits), not '" + name + "'.");
        }
        URI audience = httpsUrl(given(raw, Setting.KEY_VAULT_ENDPOINT).or(Setting.KEY_VAULT_ENDPOINT::defaultValue).orElseThrow(),
                Setting.KEY_VAULT_ENDPOINT);
        boolean hsm = given(raw, Setting.ROOT_KEY_TYPE).map(type -> type.toUpperCase(Locale.ROOT).endsWith("-HSM")).orElse(false);
        return Optional.of(new KeyVaultSettings(vault, name, audience, hsm));
    }

    private static URI httpsUrl(String value, Setting setting) {
        try {
            URI uri = new URI(value);
            if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalStateException(setting.key() + " must be an https:// URL, not '" + value + "'.");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(setting.key() + " must be an https:// URL, not '" + value + "'.");
        }
    }

    private static Optional<String> given(RawSettings raw, Setting setting) {
        return raw.value(setting.key()).map(String::strip).filter(value -> !value.isEmpty());
    }

    /** Where the CA key is, for an administrator. */
    public String describe() {
        return "Key Vault " + vaultUrl + ", certificate " + certificateName;
    }
}
