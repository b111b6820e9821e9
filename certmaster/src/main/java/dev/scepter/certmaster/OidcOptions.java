package dev.scepter.certmaster;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Sign-in through an OpenID Connect provider (Entra ID, Keycloak, ...): the portal is a
 * confidential client of {@code issuer} and its redirect URI is {@code BASE/certmaster/signin-oidc}.
 *
 * @param issuer       the provider's issuer URI, whose {@code /.well-known/openid-configuration} the
 *                     portal reads (for Entra ID {@code https://login.microsoftonline.com/TENANT/v2.0});
 *                     https, or http on loopback only
 * @param clientId     the portal's client (application) id at the provider
 * @param clientSecret its client secret; never shown or logged
 * @param timeout      how long a sign-in waits for each call to the provider (its discovery document, the
 *                     code's exchange, its signing keys), to connect and to receive the whole answer
 */
public record OidcOptions(URI issuer, String clientId, String clientSecret, Duration timeout) {

    /** Each call's bound unless set ({@code AppConfig:CertMaster:Oidc:TimeoutSeconds}, {@code --oidc-timeout-seconds}). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public OidcOptions(URI issuer, String clientId, String clientSecret) {
        this(issuer, clientId, clientSecret, DEFAULT_TIMEOUT);
    }

    public OidcOptions {
        Objects.requireNonNull(issuer, "issuer");
        if (!issuer.isAbsolute() || issuer.getHost() == null
                || !("https".equals(issuer.getScheme()) || "http".equals(issuer.getScheme()) && loopback(issuer.getHost()))) {
            throw new IllegalArgumentException("the OIDC issuer must be an https URL (http only on this machine), not " + issuer);
        }
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("the OIDC client id is empty");
        }
        if (clientSecret == null || clientSecret.isBlank()) {
            throw new IllegalArgumentException("the OIDC client secret is empty");
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("the OIDC provider's timeout must be at least 1 s, not " + timeout.toSeconds() + " s");
        }
    }

    /** A loopback address by its name or literal alone: no name is looked up. */
    static boolean loopback(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        return name.equals("localhost") || name.matches("127(\\.\\d{1,3}){3}") || name.equals("[::1]") || name.equals("::1");
    }

    @Override
    public String toString() {
        return "OidcOptions[issuer=" + issuer + ", clientId=" + clientId + ", clientSecret=<hidden>, timeout=" + timeout.toSeconds() + " s]";
    }
}
