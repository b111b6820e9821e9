package dev.scepter.server.scep;

import dev.scepter.server.load.ConcurrencyLimit;
import dev.scepter.server.load.ShedLog;
import dev.scepter.settings.Setting;

/** {@code AppConfig:ConcurrentSCEPRequestLimit}: PKIOperations in progress at once, beyond which clients get 429. */
public record ScepLoadLimit(ConcurrencyLimit limit) {
    public static ScepLoadLimit of(int limit, ShedLog shedLog) {
        return new ScepLoadLimit(new ConcurrencyLimit(Setting.CONCURRENT_SCEP_REQUEST_LIMIT.key(), limit, shedLog));
    }
}
