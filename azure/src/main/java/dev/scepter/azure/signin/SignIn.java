package dev.scepter.azure.signin;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import dev.scepter.settings.AppServiceSettings;
import dev.scepter.settings.AuthSettings;
import dev.scepter.settings.AzureSignIn;
import dev.scepter.settings.RawSettings;
import dev.scepter.settings.ScepterSettings;
import dev.scepter.settings.Setting;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens how this instance signs in to Microsoft's cloud, from its settings: every method the
 * settings make possible is prepared once (a certificate file read and checked now, so a bad one
 * stops start-up naming its setting), and {@link AzureSignIn} chooses among them at each token
 * request. The one place that turns settings into credentials.
 */
public final class SignIn {

    private static final Logger LOG = LoggerFactory.getLogger(SignIn.class);

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private SignIn() {
    }

    /** With the JVM's trust store: the production path. */
    public static AccessTokens open(ScepterSettings settings, Clock clock) {
        try {
            return open(settings, clock, SSLContext.getDefault());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no default TLS context", e);
        }
    }

    /**
     * @param tls whom to trust on HTTPS (tests: the simulators)
     * @throws SignInException when a sign-in setting names something that cannot sign in (the message names the setting)
     */
    public static AccessTokens open(ScepterSettings settings, Clock clock, SSLContext tls) {
        AuthSettings auth = settings.auth();
        Secrets secrets = secrets(settings);
        HttpClient http = HttpClient.newBuilder().sslContext(tls).connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        com.azure.core.http.HttpClient azureHttp = new JdkHttpClientBuilder(HttpClient.newBuilder().sslContext(tls)
                .connectTimeout(CONNECT_TIMEOUT)).responseTimeout(CALL_TIMEOUT).build();
        URI authority = settings.azureCloud().azureAdEndpoint();

        Map<AzureSignIn.Method, TokenSource> sources = new EnumMap<>(AzureSignIn.Method.class);
        if (auth.signInApplicationId().isPresent() && auth.tenantId().isPresent()) {
            UUID app = auth.signInApplicationId().get();
            if (auth.signInCertificateFile().isPresent()) {
                ClientCertificate certificate = ClientCertificate.load(auth.signInCertificateFile().get(), auth.signInCertificatePassword(),
                        where(settings.raw(), Setting.AUTH_SIGN_IN_CERTIFICATE_FILE));
                sources.put(AzureSignIn.Method.APP_CERTIFICATE, EntraIdApp.certificate(authority, auth.tenantId().get(), app, certificate,
                        azureHttp, clock, secrets, "app registration (client certificate)"));
            }
            auth.signInClientSecret().ifPresent(secret -> sources.put(AzureSignIn.Method.APP_SECRET,
                    EntraIdApp.secret(authority, auth.tenantId().get(), app, secret, azureHttp, clock, secrets, "app registration (client secret)")));
        }
        auth.oneXCredentials().ifPresent(oneX -> sources.put(AzureSignIn.Method.APPLICATION_KEY, auth.tenantId()
                .<TokenSource>map(tenant -> EntraIdApp.secret(authority, tenant, oneX.applicationId(), oneX.applicationKey(), azureHttp, clock,
                        secrets, "1.x application"))
                .orElse(resource -> {
                    throw new SignInException("the 1.x application key signs in to a tenant, and AppConfig:AuthConfig:TenantId is not set", null);
                })));
        settings.appService().identity().ifPresent(identity -> sources.put(AzureSignIn.Method.MANAGED_IDENTITY,
                new AppServiceManagedIdentity(identity, http, CALL_TIMEOUT, clock, secrets)));

        RenewingAccessTokens tokens = new RenewingAccessTokens(now -> AzureSignIn.at(settings, now), sources, clock);
        if (!sources.isEmpty()) {
            LOG.info("Signing in to Microsoft's cloud at {}: {}", authority, tokens.describe());
        }
        return tokens;
    }

    private static Secrets secrets(ScepterSettings settings) {
        AuthSettings auth = settings.auth();
        List<String> values = new ArrayList<>();
        auth.applicationKey().ifPresent(values::add);
        auth.backupApplicationKey().ifPresent(values::add);
        auth.signInClientSecret().ifPresent(values::add);
        auth.signInCertificatePassword().ifPresent(values::add);
        settings.appService().identity().map(AppServiceSettings.Identity::header).ifPresent(values::add);
        return new Secrets(values);
    }

    private static String where(RawSettings raw, Setting setting) {
        return setting.key() + raw.entry(setting.key()).map(e -> " (from " + e.source() + ")").orElse("");
    }

    /** Signs in nowhere: no method is configured. */
    public static AccessTokens notConfigured() {
        return new AccessTokens() {
            @Override
            public String token(URI resource) {
                throw new SignInException("this instance has no way to sign in to Microsoft's cloud: no managed identity "
                        + "(AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime) and no app registration "
                        + "(AppConfig:AuthConfig:SignInApplicationId with SignInCertificateFile or SignInClientSecret)", null);
            }

            @Override
            public String describe() {
                return "not configured";
            }

            @Override
            public boolean configured() {
                return false;
            }
        };
    }
}
