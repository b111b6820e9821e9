package dev.scepter.settings;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How clients reach this instance: its public URL, the proxy in front, and HTTPS
 * ({@code AppConfig:BaseUrl}, {@code AppConfig:TrustForwardedHeaders}, {@code AppConfig:Https:*}),
 * and how often what a load balancer's probe reads is checked ({@code AppConfig:Probe:*}).
 *
 * @param baseUrl                the URL certificates name (AIA, CDP); empty: the local URL
 * @param trustForwardedHeaders  whether {@code X-Forwarded-*} from a proxy are believed
 * @param httpsPort              the HTTPS port besides HTTP; empty: HTTP only
 * @param httpsKeyStore          a PKCS#12 with the server's own key and certificate; empty: one issued by this CA
 * @param httpsKeyStorePassword  its password; a secret
 * @param httpsHostNames         names for the certificate this CA issues itself
 * @param certMasterEnabled      whether {@code serve} serves Certificate Master at {@code /certmaster/} on its
 *                               port ({@code AppConfig:CertMaster:Enabled}, default true)
 * @param certMasterSignIn       how people sign in to it ({@code AppConfig:CertMaster:Oidc:*}, {@code :LocalAccounts:Enabled})
 * @param httpsClientCertificates whether the HTTPS listener asks clients for a certificate (EST's mutual TLS)
 * @param connectionCheckSeconds how long the connection rows of the homepage and {@code /probe} stand before a
 *                               request starts the next check ({@code AppConfig:Probe:ConnectionCheckSeconds})
 */
public record WebSettings(Optional<URI> baseUrl, boolean trustForwardedHeaders, Optional<Integer> httpsPort, Optional<Path> httpsKeyStore,
        Optional<String> httpsKeyStorePassword, List<String> httpsHostNames, boolean certMasterEnabled,
        CertMasterSignIn certMasterSignIn, ClientCertificateMode httpsClientCertificates, int connectionCheckSeconds) {

    /** {@code AppConfig:Https:ClientCertificateMode}, named after App Service's client certificate modes. */
    public enum ClientCertificateMode {
        /** No client certificate is asked for. */
        IGNORE("Ignore"),
        /**
         * The TLS handshake asks for one (TLS "want"): a client may send none; one it sends must chain
         * to our CA, and its key must sign the handshake.
         */
        OPTIONAL("Optional");

        private final String spelling;

        ClientCertificateMode(String spelling) {
            this.spelling = spelling;
        }

        public String spelling() {
            return spelling;
        }
    }

    public WebSettings {
        httpsHostNames = List.copyOf(httpsHostNames);
    }

    static WebSettings bind(SettingsBinder binder) {
        WebSettings web = new WebSettings(
                binder.optional(Setting.BASE_URL, SettingParsers::absoluteHttpUrl),
                binder.bool(Setting.TRUST_FORWARDED_HEADERS),
                binder.optional(Setting.HTTPS_PORT, SettingParsers.wholeNumber(0, 65_535)),
                binder.optional(Setting.HTTPS_KEY_STORE, SettingParsers::path),
                binder.optional(Setting.HTTPS_KEY_STORE_PASSWORD, v -> v),
                binder.optional(Setting.HTTPS_HOST_NAMES, SettingParsers::list).orElse(List.of()),
                binder.bool(Setting.CERT_MASTER_ENABLED),
                CertMasterSignIn.bind(binder),
                binder.required(Setting.HTTPS_CLIENT_CERTIFICATE_MODE,
                        SettingParsers.oneOf(ClientCertificateMode.values(), ClientCertificateMode::spelling)),
                // At most 5 minutes: /probe reports a lost connection this late at worst.
                binder.wholeNumber(Setting.PROBE_CONNECTION_CHECK_SECONDS, 1, 300));
        if (web.httpsKeyStore().isPresent() && web.httpsKeyStorePassword().isEmpty()) {
            binder.reject(Setting.HTTPS_KEY_STORE_PASSWORD, Setting.HTTPS_KEY_STORE_PASSWORD.key() + ": required when "
                    + Setting.HTTPS_KEY_STORE.key() + " is set");
        }
        return web;
    }

    @Override
    public String toString() {
        // The key store's password is a secret.
        return "WebSettings[baseUrl=" + baseUrl.map(URI::toString).orElse("") + ", trustForwardedHeaders=" + trustForwardedHeaders
                + ", httpsPort=" + httpsPort.map(String::valueOf).orElse("") + ", httpsKeyStore="
                + httpsKeyStore.map(Path::toString).orElse("") + ", httpsKeyStorePassword="
                + httpsKeyStorePassword.map(p -> "<hidden>").orElse("") + ", httpsHostNames=" + httpsHostNames
                + ", certMasterEnabled=" + certMasterEnabled + ", certMasterSignIn=" + certMasterSignIn
                + ", httpsClientCertificates=" + httpsClientCertificates.spelling() + ", connectionCheckSeconds=" + connectionCheckSeconds + "]";
    }
}
