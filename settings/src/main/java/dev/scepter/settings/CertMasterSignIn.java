package dev.scepter.settings;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * How people sign in to Certificate Master beside the core ({@code AppConfig:CertMaster:Oidc:*},
 * {@code AppConfig:CertMaster:LocalAccounts:Enabled}).
 *
 * @param oidcIssuer           the OIDC provider's issuer URI; empty: no OIDC sign-in
 * @param oidcClientId         the portal's client id at the provider
 * @param oidcClientSecret     its client secret (a secret), unless in {@code oidcClientSecretFile}
 * @param oidcClientSecretFile a file that holds the client secret (trailing line break ignored)
 * @param localAccounts        whether the local accounts ({@code certmaster-users.json}) may sign in; false
 *                             only with OIDC
 * @param oidcTimeoutSeconds   how long a sign-in waits for each call to the OIDC provider
 */
public record CertMasterSignIn(Optional<URI> oidcIssuer, Optional<String> oidcClientId, Optional<String> oidcClientSecret,
        Optional<Path> oidcClientSecretFile, boolean localAccounts, int oidcTimeoutSeconds) {

    static CertMasterSignIn bind(SettingsBinder binder) {
        CertMasterSignIn signIn = new CertMasterSignIn(
                binder.optional(Setting.CERT_MASTER_OIDC_ISSUER, CertMasterSignIn::issuer),
                binder.optional(Setting.CERT_MASTER_OIDC_CLIENT_ID, v -> v),
                binder.optional(Setting.CERT_MASTER_OIDC_CLIENT_SECRET, v -> v),
                binder.optional(Setting.CERT_MASTER_OIDC_CLIENT_SECRET_FILE, SettingParsers::path),
                binder.bool(Setting.CERT_MASTER_LOCAL_ACCOUNTS_ENABLED),
                // At most 30 s: a silent provider is remembered as failed for 30 s, so a longer bound would let it
                // hold sign-ins (beside the core, the core's request threads) for most of the time.
                binder.wholeNumber(Setting.CERT_MASTER_OIDC_TIMEOUT_SECONDS, 1, 30));
        String issuer = Setting.CERT_MASTER_OIDC_ISSUER.key();
        if (binder.given(Setting.CERT_MASTER_OIDC_ISSUER).isPresent()) {
            if (signIn.oidcClientId().isEmpty()) {
                binder.reject(Setting.CERT_MASTER_OIDC_CLIENT_ID, Setting.CERT_MASTER_OIDC_CLIENT_ID.key() + ": required when " + issuer + " is set");
            }
            if (signIn.oidcClientSecret().isPresent() == signIn.oidcClientSecretFile().isPresent()) {
                binder.reject(Setting.CERT_MASTER_OIDC_CLIENT_SECRET, Setting.CERT_MASTER_OIDC_CLIENT_SECRET.key() + " or "
                        + Setting.CERT_MASTER_OIDC_CLIENT_SECRET_FILE.key() + ": exactly one is required when " + issuer + " is set");
            }
        } else {
            for (Setting needsIssuer : new Setting[] {Setting.CERT_MASTER_OIDC_CLIENT_ID, Setting.CERT_MASTER_OIDC_CLIENT_SECRET,
                Setting.CERT_MASTER_OIDC_CLIENT_SECRET_FILE, Setting.CERT_MASTER_OIDC_TIMEOUT_SECONDS}) {
                if (binder.given(needsIssuer).isPresent()) {
                    binder.reject(needsIssuer, needsIssuer.key() + ": has no use without " + issuer);
                }
            }
            if (!signIn.localAccounts()) {
                binder.reject(Setting.CERT_MASTER_LOCAL_ACCOUNTS_ENABLED, Setting.CERT_MASTER_LOCAL_ACCOUNTS_ENABLED.key()
                        + ": may be false only when " + issuer + " is set (nobody could sign in)");
            }
        }
        return signIn;
    }

    /** https, or http on this machine only (a provider in a test). */
    static URI issuer(String value) {
        URI uri = SettingParsers.absoluteHttpUrl(value);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (!"https".equalsIgnoreCase(uri.getScheme())
                && !(host.equals("localhost") || host.matches("127(\\.\\d{1,3}){3}") || host.equals("[::1]"))) {
            throw new IllegalArgumentException("must be an https:// URL (http:// only for a provider on this machine)");
        }
        return uri;
    }

    @Override
    public String toString() {
        return "CertMasterSignIn[oidcIssuer=" + oidcIssuer.map(URI::toString).orElse("") + ", oidcClientId=" + oidcClientId.orElse("")
                + ", oidcClientSecret=" + oidcClientSecret.map(s -> "<hidden>").orElse("") + ", oidcClientSecretFile="
                + oidcClientSecretFile.map(Path::toString).orElse("") + ", localAccounts=" + localAccounts
                + ", oidcTimeoutSeconds=" + oidcTimeoutSeconds + "]";
    }
}
