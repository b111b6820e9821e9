package dev.scepter.settings;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * The Jamf Pro API that {@code /jamf} and OCSP consult ({@code AppConfig:JamfValidation:URL} and
 * its credentials, SCEPman's names): an API client (2.9+) or, legacy, a user and password. The
 * endpoint's issuance settings are its {@link EndpointSettings}, in {@link ScepSettings}.
 */
public record JamfSettings(Optional<URI> url, Optional<String> clientId, Optional<String> clientSecret, Optional<String> apiUsername,
        Optional<String> apiPassword) {

    public JamfSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        Objects.requireNonNull(apiUsername, "apiUsername");
        Objects.requireNonNull(apiPassword, "apiPassword");
    }

    static JamfSettings bind(SettingsBinder binder) {
        JamfSettings jamf = new JamfSettings(
                binder.optional(Setting.JAMF_URL, SettingParsers::absoluteHttpUrl),
                binder.optional(Setting.JAMF_CLIENT_ID, v -> v),
                binder.optional(Setting.JAMF_CLIENT_SECRET, v -> v),
                binder.optional(Setting.JAMF_API_USERNAME, v -> v),
                binder.optional(Setting.JAMF_API_PASSWORD, v -> v));
        if (jamf.url().isPresent() && !(jamf.clientId().isPresent() && jamf.clientSecret().isPresent())
                && !(jamf.apiUsername().isPresent() && jamf.apiPassword().isPresent())) {
            binder.reject(Setting.JAMF_URL, Setting.JAMF_URL.key() + ": needs " + Setting.JAMF_CLIENT_ID.key() + " and "
                    + Setting.JAMF_CLIENT_SECRET.key() + " (or, legacy, " + Setting.JAMF_API_USERNAME.key() + " and "
                    + Setting.JAMF_API_PASSWORD.key() + ")");
        }
        return jamf;
    }

    @Override
    public String toString() {
        // The client secret and the API password are secrets.
        return "JamfSettings[url=" + url.map(URI::toString).orElse("") + ", clientId=" + clientId.orElse("")
                + ", clientSecret=" + clientSecret.map(s -> "<hidden>").orElse("") + ", apiUsername=" + apiUsername.orElse("")
                + ", apiPassword=" + apiPassword.map(s -> "<hidden>").orElse("") + "]";
    }
}
