package dev.scepter.certmaster;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the portal finds the core and its own files, and whether a proxy stands in front.
 *
 * @param coreUrl               the core's base URL, which the portal calls over HTTP (loopback when embedded)
 * @param clientFile            {@code certmaster-client.json}: the portal's bearer token for the core's API
 * @param dataDir               where the portal keeps its accounts ({@code certmaster-users.json}) and writes
 *                              the first admin password
 * @param trustForwardedHeaders whether {@code X-Forwarded-For}, {@code -Proto}, {@code -Host} and
 *                              {@code -Port} are believed ({@link ForwardedHeaders}): behind a reverse proxy
 *                              that sets them, the client's address (for the sign-in limits) and HTTPS
 *                              (for the {@code Secure} session cookie) are the client's, not the proxy's
 * @param oidc                  sign-in through an OpenID Connect provider; empty: local accounts only
 * @param localAccounts         whether the local accounts ({@code certmaster-users.json}, the generated
 *                              {@code admin}) may sign in; only with {@code oidc} may this be false
 * @param validityCapDays       the installation's cap on the API's lifetimes (the core's {@code AppConfig:ValidityPeriodDays},
 *                              or {@code AppConfig:DbCSRValidation:ValidityPeriodDays} where smaller): the forms offer at
 *                              most the smaller of it and the kind's own, so that a default form is one the core issues
 */
public record CertMasterOptions(URI coreUrl, Path clientFile, Path dataDir, boolean trustForwardedHeaders, Optional<OidcOptions> oidc,
        boolean localAccounts, int validityCapDays) {

    /** The core's default {@code AppConfig:ValidityPeriodDays}, the cap assumed when none is given. */
    public static final int DEFAULT_VALIDITY_CAP_DAYS = 730;

    public CertMasterOptions {
        Objects.requireNonNull(oidc, "oidc");
        if (validityCapDays < 1) {
            throw new IllegalArgumentException("the lifetime cap must be at least 1 day, not " + validityCapDays);
        }
        if (!localAccounts && oidc.isEmpty()) {
            throw new IllegalArgumentException("local accounts may be turned off only when OIDC sign-in is configured: nobody could sign in");
        }
    }

    /** With the core's default lifetime cap ({@value #DEFAULT_VALIDITY_CAP_DAYS} days). */
    public CertMasterOptions(URI coreUrl, Path clientFile, Path dataDir, boolean trustForwardedHeaders, Optional<OidcOptions> oidc,
            boolean localAccounts) {
        this(coreUrl, clientFile, dataDir, trustForwardedHeaders, oidc, localAccounts, DEFAULT_VALIDITY_CAP_DAYS);
    }

    /** Local accounts only. */
    public CertMasterOptions(URI coreUrl, Path clientFile, Path dataDir, boolean trustForwardedHeaders) {
        this(coreUrl, clientFile, dataDir, trustForwardedHeaders, Optional.empty(), true);
    }

    /** The path the portal is served under, alone or beside the core. */
    public static final String CONTEXT_PATH = "/certmaster";

    /** Without a proxy in front. */
    public CertMasterOptions(URI coreUrl, Path clientFile, Path dataDir) {
        this(coreUrl, clientFile, dataDir, false);
    }
}
