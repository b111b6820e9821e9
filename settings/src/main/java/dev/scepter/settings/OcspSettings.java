package dev.scepter.settings;

import java.time.Duration;

/**
 * The OCSP responder's settings ({@code AppConfig:OCSP:*}).
 *
 * @param useAuthorizedResponder       sign with a delegated responder certificate (RFC 6960 section 4.2.2.2) rather than the CA key
 * @param authorizedResponderValidity  how long each delegated responder certificate lasts
 * @param cacheSecondsIfDeviceExists   the response's validity (nextUpdate) for a certificate whose device exists
 * @param cacheSecondsIfDeviceDisabled the same for a disabled device
 * @param responseCacheSeconds         how long a signed response is served again from memory; 0: never
 * @param concurrentSigningLimit       responses evaluated and signed at once; beyond it, tryLater at once
 */
public record OcspSettings(boolean useAuthorizedResponder, Duration authorizedResponderValidity, int cacheSecondsIfDeviceExists,
        int cacheSecondsIfDeviceDisabled, int responseCacheSeconds, int concurrentSigningLimit) {

    static OcspSettings bind(SettingsBinder binder) {
        return new OcspSettings(
                binder.bool(Setting.OCSP_USE_AUTHORIZED_RESPONDER),
                binder.required(Setting.OCSP_AUTHORIZED_RESPONDER_VALIDITY_HOURS,
                        SettingParsers.positiveDuration(Duration.ofHours(1), 1, 24 * 365)),
                binder.wholeNumber(Setting.OCSP_CACHE_SECONDS_IF_DEVICE_EXISTS, 1, 7 * 24 * 3600),
                binder.wholeNumber(Setting.OCSP_CACHE_SECONDS_IF_DEVICE_DISABLED, 1, 7 * 24 * 3600),
                binder.wholeNumber(Setting.OCSP_RESPONSE_CACHE_SECONDS, 0, 3600),
                binder.wholeNumber(Setting.OCSP_CONCURRENT_SIGNING_LIMIT, 1, 100_000));
    }
}
