package dev.scepter.server.scep;

import dev.scepter.authority.enrollment.EnrollmentEndpoint;
import java.util.Objects;

/**
 * A SCEP path and the enrollment endpoint behind it.
 *
 * @param path     the URL path, without {@code /pkiclient.exe}
 * @param enabled  a disabled endpoint answers 404 and does no work
 * @param endpoint what it issues and how it checks challenges
 * @param setting  the setting that enables it, for the homepage
 * @param acceptsOneTimeChallenges whether its challenge check takes the API's one-time challenges
 *                                 ({@code AllowDynamicChallenges})
 */
public record ScepEndpoint(String path, boolean enabled, EnrollmentEndpoint endpoint, String setting, boolean acceptsOneTimeChallenges) {
    public ScepEndpoint {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(setting, "setting");
    }

    public String name() {
        return endpoint.name();
    }
}
