package dev.scepter.settings;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The settings Scepter honours, bound and checked, as one typed section per concern; each part
 * of the server is handed the sections it needs. Binding reports every unusable value at once,
 * each message naming its setting and where it was given, and start-up stops.
 *
 * @param raw the settings as given: for the settings nobody honours, and whether one was given
 */
public record ScepterSettings(IssuanceSettings issuance, ScepSettings scep, DbCsrSettings dbCsr, AcmeSettings acme, OcspSettings ocsp, CryptoSettings crypto, CrlSettings crl,
        DirectorySettings directory, RootCaSettings rootCa, StoreSettings store, AuthSettings auth, AppServiceSettings appService,
        WebSettings web, AzureCloudSettings azureCloud, IntuneSettings intune, JamfSettings jamf, RawSettings raw) {

    public ScepterSettings {
        Stream.of(issuance, scep, dbCsr, acme, ocsp, crypto, crl, directory, rootCa, store, auth, appService, web, azureCloud, intune, jamf, raw)
                .forEach(section -> Objects.requireNonNull(section, "section"));
    }

    /** Binds and checks every setting; throws with every problem named. */
    public static ScepterSettings bind(RawSettings raw) throws InvalidSettingException {
        SettingsBinder binder = new SettingsBinder(raw);
        ScepterSettings settings = new ScepterSettings(IssuanceSettings.bind(binder), ScepSettings.bind(binder),
                DbCsrSettings.bind(binder), AcmeSettings.bind(binder), OcspSettings.bind(binder), CryptoSettings.bind(binder), CrlSettings.bind(binder), DirectorySettings.bind(binder),
                RootCaSettings.bind(binder), StoreSettings.bind(binder), AuthSettings.bind(binder), AppServiceSettings.bind(binder),
                WebSettings.bind(binder), AzureCloudSettings.bind(binder), IntuneSettings.bind(binder), JamfSettings.bind(binder), raw);
        binder.throwIfInvalid();
        return settings;
    }

    /** Given {@code AppConfig:} settings that nothing honours. */
    public List<IgnoredSetting> ignored() {
        return IgnoredSetting.in(raw);
    }

    /** Whether a setting was given (rather than defaulted). */
    public boolean isGiven(Setting setting) {
        return raw.entry(setting.key()).filter(e -> !e.value().isBlank()).isPresent();
    }

    @Override
    public String toString() {
        // Each section hides its own secrets; the raw settings, which hold them too, are left out.
        return Stream.of(issuance, scep, dbCsr, acme, ocsp, crypto, crl, directory, rootCa, store, auth, appService, web, azureCloud, intune, jamf).map(Object::toString)
                .collect(Collectors.joining(", ", "ScepterSettings[", "]"));
    }
}
