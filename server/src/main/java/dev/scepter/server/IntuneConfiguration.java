package dev.scepter.server;

import dev.scepter.authority.revocation.Revocations;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.azure.http.JsonHttp;
import dev.scepter.azure.intune.IntuneChallengeVerifier;
import dev.scepter.azure.intune.IntuneClient;
import dev.scepter.azure.intune.IntuneNotifier;
import dev.scepter.azure.intune.IntuneRevocationPoller;
import dev.scepter.azure.intune.ScepActions;
import dev.scepter.azure.signin.AccessTokens;
import dev.scepter.server.intune.IntuneRevocationSchedule;
import dev.scepter.server.intune.IntuneValidation;
import dev.scepter.server.scep.ScepEndpointFactory;
import dev.scepter.settings.AzureCloudSettings;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Intune at run time (ms_contracts.md 1.3-1.5): the client that finds Intune's services and calls
 * them as this instance, the Intune endpoint's validation and notifications, and the revocation
 * poll. All of it only while the instance signs in to Microsoft's cloud; otherwise the Intune
 * endpoint refuses every request and says why on the homepage.
 */
@Configuration(proxyBeanMethods = false)
public class IntuneConfiguration {

    /** A SCEP request waits for Intune: a call is given this long, and a throttled one is sent again after at most a short wait. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration FIRST_POLL = Duration.ofSeconds(30);

    /** Notifications sent while the device gets its certificate ({@code WaitForSuccessNotificationResponse=false}). */
    @Bean(destroyMethod = "shutdown")
    ExecutorService intuneNotifications() {
        // A few threads and a bounded queue: an Intune that does not answer must not collect unbounded work.
        ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1_000), runnable -> {
            Thread thread = new Thread(runnable, "intune-notification");
            thread.setDaemon(true);
            return thread;
        });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    @Bean
    IntuneValidation intuneValidation(CoreContext core, AccessTokens tokens, Clock clock, ExecutorService intuneNotifications) {
        Optional<IntuneClient> client = client(tokens, core.settings().azureCloud(), clock);
        if (client.isEmpty()) {
            return IntuneValidation.notConfigured("this instance does not sign in to Microsoft's cloud (sign-in " + tokens.describe()
                    + "): configure a managed identity or an app registration (docs/configuration.md, Azure sign-in) and grant it "
                    + "Intune's scep_challenge_provider and Graph's Application.Read.All");
        }
        ScepActions actions = new ScepActions(client.get(), "Scepter/" + version(), core.settings().intune().enrollmentBudget());
        return IntuneValidation.configured(client.get(), new IntuneChallengeVerifier(actions),
                new IntuneNotifier(actions, core.settings().intune().waitForSuccessNotificationResponse(), intuneNotifications));
    }

    /** Intune's revocation requests, polled while signed in and {@code RevocationPollSeconds} is not 0. */
    @Bean(destroyMethod = "close")
    IntuneRevocationSchedule intuneRevocationSchedule(CoreContext core, IntuneValidation validation, Revocations revocations,
            CertificateStore store, String issuerName) {
        Duration every = core.settings().intune().revocationPoll();
        // Intune revokes only what it enrolled: certificates recorded by Intune's SCEP endpoint.
        Optional<IntuneRevocationPoller> poller = every.isZero() ? Optional.empty()
                : validation.client().map(client -> new IntuneRevocationPoller(client, revocations, store, issuerName,
                        Set.of(ScepEndpointFactory.INTUNE_ENDPOINT)));
        IntuneRevocationSchedule schedule = new IntuneRevocationSchedule(poller);
        // The first poll soon after start-up, not a whole period later.
        schedule.start(every.compareTo(FIRST_POLL) < 0 ? every : FIRST_POLL, every);
        return schedule;
    }

    private static Optional<IntuneClient> client(AccessTokens tokens, AzureCloudSettings cloud, Clock clock) {
        if (!signsIn(tokens)) {
            return Optional.empty();
        }
        SSLContext tls;
        try {
            // The JVM's trust store: Intune and Graph present public certificates (tests point it at the simulators').
            tls = SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
        JsonHttp http = new JsonHttp(JsonHttp.client(tls, CONNECT_TIMEOUT), CALL_TIMEOUT, IntuneClient.ATTEMPTS, IntuneClient.LONGEST_WAIT,
                duration -> Thread.sleep(duration.toMillis()), clock);
        return Optional.of(new IntuneClient(http, tokens, cloud, clock));
    }

    /** The jar's version (as {@code --version} prints it), or "development" when run from classes. */
    private static String version() {
        String version = IntuneConfiguration.class.getPackage().getImplementationVersion();
        return version != null ? version : "development";
    }

    static boolean signsIn(AccessTokens tokens) {
        return tokens.configured();
    }
}
