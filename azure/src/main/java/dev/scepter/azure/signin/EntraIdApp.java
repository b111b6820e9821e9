package dev.scepter.azure.signin;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.http.HttpClient;
import com.azure.identity.ClientCertificateCredentialBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * An app registration signing in to Entra ID with the client credentials flow, through
 * azure-identity ({@code ClientCertificateCredential} or {@code ClientSecretCredential}) against the
 * v2.0 token endpoint of {@code AppConfig:AzureCloudConfig:AzureADEndpoint}, asking for
 * {@code <resource>/.default}.
 *
 * <p>Each fetch builds a new credential: MSAL4J under azure-identity keeps its own token cache on
 * the wall clock and would hand back the token {@link RenewingAccessTokens} has decided to renew.
 * One cache, on one clock, is simpler to reason about and to test; a renewal every three
 * quarters of an hour per resource costs nothing.
 */
final class EntraIdApp implements TokenSource {

    /** Entra ID's own hosts, public and national, which MSAL4J knows; any other host (a simulator) gets no instance discovery. */
    static final Set<String> MICROSOFT_HOSTS = Set.of("login.microsoftonline.com", "login.windows.net", "sts.windows.net",
            "login.microsoftonline.us", "login.usgovcloudapi.net", "login-us.microsoftonline.com", "login.chinacloudapi.cn",
            "login.partner.microsoftonline.cn", "login.microsoftonline.de");

    private final String label;
    private final Supplier<TokenCredential> credential;
    private final Clock clock;
    private final Secrets secrets;

    private EntraIdApp(String label, Supplier<TokenCredential> credential, Clock clock, Secrets secrets) {
        this.label = label;
        this.credential = credential;
        this.clock = clock;
        this.secrets = secrets;
    }

    static EntraIdApp secret(URI authorityHost, UUID tenant, UUID clientId, String secret, HttpClient http, Clock clock, Secrets secrets,
            String label) {
        return new EntraIdApp(label + " " + clientId, () -> {
            ClientSecretCredentialBuilder builder = new ClientSecretCredentialBuilder().authorityHost(authorityHost.toString())
                    .tenantId(tenant.toString()).clientId(clientId.toString()).clientSecret(secret).httpClient(http);
            if (!isMicrosoftHost(authorityHost)) {
                builder.disableInstanceDiscovery();
            }
            return builder.build();
        }, clock, secrets);
    }

    static EntraIdApp certificate(URI authorityHost, UUID tenant, UUID clientId, ClientCertificate certificate, HttpClient http,
            Clock clock, Secrets secrets, String label) {
        return new EntraIdApp(label + " " + clientId, () -> {
            ClientCertificateCredentialBuilder builder = new ClientCertificateCredentialBuilder().authorityHost(authorityHost.toString())
                    .tenantId(tenant.toString()).clientId(clientId.toString()).pemCertificate(certificate.pem()).httpClient(http);
            if (!isMicrosoftHost(authorityHost)) {
                builder.disableInstanceDiscovery();
            }
            return builder.build();
        }, clock, secrets);
    }

    static boolean isMicrosoftHost(URI authorityHost) {
        return authorityHost.getHost() != null && MICROSOFT_HOSTS.contains(authorityHost.getHost().toLowerCase(Locale.ROOT));
    }

    /** {@code https://graph.microsoft.com/} and {@code https://graph.microsoft.com} both ask for {@code https://graph.microsoft.com/.default}. */
    static String scope(URI resource) {
        String audience = resource.toString();
        while (audience.endsWith("/")) {
            audience = audience.substring(0, audience.length() - 1);
        }
        return audience + "/.default";
    }

    @Override
    public Token fetch(URI resource) {
        Instant asked = clock.instant();
        AccessToken token;
        try {
            token = credential.get().getTokenSync(new TokenRequestContext().addScopes(scope(resource)));
        } catch (RuntimeException e) {
            throw new SignInException(secrets.redact("signing in as " + label + " for " + resource + " failed: " + reason(e)), null);
        }
        if (token == null || token.getToken() == null) {
            throw new SignInException("signing in as " + label + " for " + resource + " gave no token", null);
        }
        // MSAL dates the token on the wall clock; carry its lifetime over to ours.
        Duration lifetime = Duration.between(OffsetDateTime.now(), token.getExpiresAt());
        return new Token(token.getToken(), asked, clock.instant().plus(lifetime));
    }

    /** The innermost message that says something: Entra's own words (AADSTS code and text) are in MSAL's exception. */
    private static String reason(Throwable e) {
        String reason = e.getClass().getSimpleName();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                reason = t.getMessage();
            }
        }
        // Entra appends trace and correlation ids on further lines; the first line says what went wrong.
        String firstLine = reason.strip().lines().findFirst().orElse(reason);
        return firstLine.length() > 400 ? firstLine.substring(0, 400) + "..." : firstLine;
    }
}
