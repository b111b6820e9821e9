package dev.scepter.settings;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Where App Service runs this instance, as App Service tells it ({@code WEBSITE_SITE_NAME},
 * {@code WEBSITE_SLOT_NAME}, and for a managed identity {@code IDENTITY_ENDPOINT} and
 * {@code IDENTITY_HEADER}); all empty elsewhere.
 *
 * @param name           the App Service app this instance runs as
 * @param deploymentSlot the deployment slot, unless it is production
 * @param identity       the app's managed identity endpoint, when App Service gives it one
 */
public record AppServiceSettings(Optional<String> name, Optional<String> deploymentSlot, Optional<Identity> identity) {

    /**
     * App Service's local token endpoint for the app's managed identity (API version 2019-08-01):
     * a GET to {@code endpoint} with the header {@code X-IDENTITY-HEADER: header}. The header
     * is what proves the caller runs inside the app, so it is a secret.
     */
    public record Identity(URI endpoint, String header) {
        public Identity {
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(header, "header");
        }

        @Override
        public String toString() {
            return "Identity[endpoint=" + endpoint + ", header=<hidden>]";
        }
    }

    static AppServiceSettings bind(SettingsBinder binder) {
        RawSettings raw = binder.raw();
        Optional<String> endpoint = raw.value(SettingsSources.IDENTITY_ENDPOINT).map(String::trim).filter(v -> !v.isBlank());
        Optional<String> header = raw.value(SettingsSources.IDENTITY_HEADER).filter(v -> !v.isBlank());
        Optional<Identity> identity = Optional.empty();
        if (endpoint.isPresent() && header.isPresent()) {
            try {
                URI uri = URI.create(endpoint.get());
                if (uri.isAbsolute() && uri.getHost() != null) {
                    identity = Optional.of(new Identity(uri, header.get()));
                }
            } catch (IllegalArgumentException notAUri) {
                // App Service sets it; anything else is not App Service's identity endpoint and signs nothing in.
            }
        }
        return new AppServiceSettings(
                raw.value(SettingsSources.APP_SERVICE_NAME).filter(v -> !v.isBlank()),
                raw.value(SettingsSources.APP_SERVICE_SLOT).filter(v -> !v.isBlank()).filter(s -> !s.equalsIgnoreCase("Production")),
                identity);
    }
}
