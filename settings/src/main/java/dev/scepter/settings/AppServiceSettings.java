package dev.scepter.settings;

import java.util.Optional;

/**
 * Where App Service runs this instance, as App Service tells it ({@code WEBSITE_SITE_NAME},
 * {@code WEBSITE_SLOT_NAME}); both empty elsewhere.
 *
 * @param name           the App Service app this instance runs as
 * @param deploymentSlot the deployment slot, unless it is production
 */
public record AppServiceSettings(Optional<String> name, Optional<String> deploymentSlot) {

    static AppServiceSettings bind(SettingsBinder binder) {
        RawSettings raw = binder.raw();
        return new AppServiceSettings(
                raw.value(SettingsSources.APP_SERVICE_NAME).filter(v -> !v.isBlank()),
                raw.value(SettingsSources.APP_SERVICE_SLOT).filter(v -> !v.isBlank()).filter(s -> !s.equalsIgnoreCase("Production")));
    }
}
