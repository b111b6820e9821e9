package dev.scepter.settings;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The CRL's settings ({@code AppConfig:CRL:*}).
 *
 * @param requestToken the token the CRL's URL carries; a secret
 * @param source       whether a CRL lists the store's revocations
 * @param validity     the CRL's nextUpdate after thisUpdate (RFC 5280 section 5.1.2.5)
 * @param addCdp       whether certificates carry a CRL distribution point (which needs the token)
 */
public record CrlSettings(Optional<String> requestToken, Source source, Duration validity, boolean addCdp) {

    /** {@code AppConfig:CRL:Source}, spelled as SCEPman spells it. */
    public enum Source {
        /** An empty CRL: revocation is told by OCSP only. */
        NONE("None"),
        /** The revocations recorded in the store. */
        STORAGE("Storage");

        private final String spelling;

        Source(String spelling) {
            this.spelling = spelling;
        }

        /** As SCEPman spells it in settings and on the homepage. */
        public String spelling() {
            return spelling;
        }
    }

    public CrlSettings {
        Objects.requireNonNull(requestToken, "requestToken");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(validity, "validity");
    }

    static CrlSettings bind(SettingsBinder binder) {
        CrlSettings crl = new CrlSettings(
                binder.optional(Setting.CRL_REQUEST_TOKEN, SettingParsers::challenge),
                binder.required(Setting.CRL_SOURCE, SettingParsers.oneOf(Source.values(), Source::spelling)),
                binder.required(Setting.CRL_VALIDITY_DAYS, SettingParsers.positiveDuration(Duration.ofDays(1), 0.01, 3650)),
                binder.bool(Setting.CRL_ADD_CDP));
        if (crl.addCdp() && crl.requestToken().isEmpty()) {
            binder.reject(Setting.CRL_ADD_CDP, Setting.CRL_ADD_CDP.key() + ": needs " + Setting.CRL_REQUEST_TOKEN.key()
                    + ", which the CRL's URL carries");
        }
        return crl;
    }

    @Override
    public String toString() {
        // The token is a secret.
        return "CrlSettings[requestToken=" + requestToken.map(t -> "<hidden>").orElse("none") + ", source=" + source.spelling()
                + ", validity=" + validity + ", addCdp=" + addCdp + "]";
    }
}
