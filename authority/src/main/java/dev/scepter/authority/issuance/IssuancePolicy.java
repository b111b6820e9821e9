package dev.scepter.authority.issuance;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The installation-wide issuance rules.
 *
 * @param validityPeriodDays    the global cap on validity ({@code AppConfig:ValidityPeriodDays})
 * @param clockSkew             how far notBefore is backdated ({@code AppConfig:ValidityClockSkewMinutes}),
 *                              because devices in Autopilot/OOBE run with clocks hours behind
 * @param useRequestedKeyUsages whether KU/EKU come from the request ({@code AppConfig:UseRequestedKeyUsages})
 * @param baseUrl               the public URL written into AIA ({@code AppConfig:BaseUrl})
 * @param crlDistributionPoint  the CRL's URL for a CDP extension ({@code AppConfig:CRL:AddCdp}), if any
 */
public record IssuancePolicy(int validityPeriodDays, Duration clockSkew, boolean useRequestedKeyUsages, URI baseUrl,
        Optional<URI> crlDistributionPoint) {

    /** A policy that writes no CRL distribution point. */
    public IssuancePolicy(int validityPeriodDays, Duration clockSkew, boolean useRequestedKeyUsages, URI baseUrl) {
        this(validityPeriodDays, clockSkew, useRequestedKeyUsages, baseUrl, Optional.empty());
    }

    public IssuancePolicy {
        Objects.requireNonNull(crlDistributionPoint, "crlDistributionPoint");
        if (validityPeriodDays < 1) {
            throw new IllegalArgumentException("validityPeriodDays must be at least 1");
        }
        Objects.requireNonNull(clockSkew, "clockSkew");
        Objects.requireNonNull(baseUrl, "baseUrl");
    }

    /** The URL of the CRL at {@code token}, under the base URL. */
    public URI crlUrl(String token) {
        return resolve("crl/" + token);
    }

    /** The CA certificate's download URL, for the AIA caIssuers access method. */
    public URI caIssuersUrl() {
        return resolve("ca");
    }

    /** The OCSP responder's URL, for the AIA ocsp access method. */
    public URI ocspUrl() {
        return resolve("ocsp");
    }

    private URI resolve(String path) {
        String base = baseUrl.toString();
        return URI.create(base.endsWith("/") ? base + path : base + "/" + path);
    }
}
