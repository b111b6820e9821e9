package dev.scepter.settings;

import java.util.List;
import java.util.Objects;

/**
 * SCEP's settings: the response encryption, the load limit, and one {@link EndpointSettings} per
 * SCEPman endpoint section.
 *
 * @param responseEncryptionAlgorithm {@code AppConfig:SCEPResponseEncryptionAlgorithm}: the OID of the
 *                                    response's content encryption (RFC 8894 section 3.2.2)
 * @param concurrentRequestLimit      {@code AppConfig:ConcurrentSCEPRequestLimit}: requests served at once
 */
public record ScepSettings(String responseEncryptionAlgorithm, int concurrentRequestLimit, EndpointSettings staticValidation,
        EndpointSettings staticAadValidation, EndpointSettings jamfValidation, EndpointSettings dcValidation,
        EndpointSettings intuneValidation) {

    public ScepSettings {
        Objects.requireNonNull(responseEncryptionAlgorithm, "responseEncryptionAlgorithm");
        Objects.requireNonNull(staticValidation, "staticValidation");
        Objects.requireNonNull(staticAadValidation, "staticAadValidation");
        Objects.requireNonNull(jamfValidation, "jamfValidation");
        Objects.requireNonNull(dcValidation, "dcValidation");
        Objects.requireNonNull(intuneValidation, "intuneValidation");
    }

    static ScepSettings bind(SettingsBinder binder) {
        return new ScepSettings(
                binder.required(Setting.SCEP_RESPONSE_ENCRYPTION_ALGORITHM, SettingParsers::responseEncryption),
                binder.wholeNumber(Setting.CONCURRENT_SCEP_REQUEST_LIMIT, 1, 100_000),
                // /static falls back to the data folder's challenge, so it needs no RequestPassword.
                EndpointSettings.bind(binder, "StaticValidation", SettingParsers::challenge, false),
                EndpointSettings.bind(binder, "StaticAADValidation", SettingParsers::challenge, true),
                EndpointSettings.bind(binder, "JamfValidation", SettingParsers::jamfChallenge, true),
                EndpointSettings.bind(binder, "DCValidation", SettingParsers::challenge, true),
                EndpointSettings.bind(binder, "IntuneValidation", SettingParsers::challenge, false));
    }

    /** Every endpoint's settings, in the order above. */
    public List<EndpointSettings> endpoints() {
        return List.of(staticValidation, staticAadValidation, jamfValidation, dcValidation, intuneValidation);
    }

    /**
     * One endpoint's settings by SCEPman's section name: {@code StaticValidation}, {@code StaticAADValidation},
     * {@code JamfValidation}, {@code DCValidation} or {@code IntuneValidation} (in any letter case).
     *
     * @throws IllegalArgumentException for another name
     */
    public EndpointSettings endpoint(String section) {
        return endpoints().stream().filter(e -> e.section().equalsIgnoreCase(section)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no SCEP endpoint section " + section));
    }
}
