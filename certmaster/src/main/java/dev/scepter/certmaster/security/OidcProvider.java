package dev.scepter.certmaster.security;

import dev.scepter.certmaster.OidcOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;

/**
 * The one OIDC provider the portal signs in with, read from the issuer's discovery document
 * ({@code /.well-known/openid-configuration}) on first use, not at start: a provider that is not
 * reachable when the portal starts delays OIDC sign-in, not the portal (local accounts still work).
 * The issuer in the document must be the configured one; ID tokens are then checked against its
 * keys, issuer and client id.
 *
 * <p>Anyone may open {@code /oauth2/authorization/oidc}, and beside the core its request threads are
 * the core's (SCEP, OCSP). So a provider that is down or silent must cost little: one read of the
 * document at a time, which every sign-in in the meantime waits for, each at most
 * {@link OidcOptions#timeout()}; the read itself has the same bound; and a failure is remembered
 * for {@link #REMEMBER_FAILURE}, during which sign-ins are refused at once without asking again.
 */
public final class OidcProvider implements ClientRegistrationRepository {

    /** The registration id, in {@code /oauth2/authorization/oidc}, the link that starts a sign-in. */
    public static final String REGISTRATION_ID = "oidc";
    /** Where the provider sends the browser back, under the portal's path: as SCEPman's {@code SCEPman-CertMaster} registration. */
    public static final String REDIRECT_PATH = "/signin-oidc";
    public static final String AUTHORIZATION_PATH = "/oauth2/authorization/" + REGISTRATION_ID;
    /** How long a failed read of the discovery document answers for the provider. */
    static final Duration REMEMBER_FAILURE = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(OidcProvider.class);

    private final OidcOptions options;
    private final Duration timeout;
    private final LongSupplier nanoTime;
    private volatile ClientRegistration registration;
    /** The read under way, if any; guarded by {@code this}. */
    private CompletableFuture<ClientRegistration> reading;
    /** The last failure and until when it answers ({@link System#nanoTime()}); guarded by {@code this}. */
    private OidcProviderUnavailable failure;
    private long failureUntil;

    public OidcProvider(OidcOptions options) {
        this(options, options.timeout(), System::nanoTime);
    }

    OidcProvider(OidcOptions options, Duration timeout, LongSupplier nanoTime) {
        this.options = options;
        this.timeout = timeout;
        this.nanoTime = nanoTime;
    }

    @Override
    public ClientRegistration findByRegistrationId(String registrationId) {
        if (!REGISTRATION_ID.equals(registrationId)) {
            return null;
        }
        ClientRegistration known = registration;
        if (known != null) {
            return known;
        }
        CompletableFuture<ClientRegistration> shared;
        boolean mine = false;
        synchronized (this) {
            if (registration != null) {
                return registration;
            }
            if (failure != null && nanoTime.getAsLong() - failureUntil < 0) {
                throw failure;
            }
            if (reading == null) {
                reading = new CompletableFuture<>();
                mine = true;
            }
            shared = reading;
        }
        if (mine) {
            // Read on this thread, within the bound of its own calls; the others wait for it.
            read(shared);
        }
        try {
            return shared.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw failed(shared, new OidcProviderUnavailable(
                    "the OIDC provider at " + options.issuer() + " did not answer within " + timeout.toSeconds() + " s", e));
        } catch (ExecutionException e) {
            throw failed(shared, e.getCause() instanceof OidcProviderUnavailable unavailable ? unavailable
                    : new OidcProviderUnavailable("the OIDC provider at " + options.issuer() + " cannot be reached or configured", e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OidcProviderUnavailable("interrupted while waiting for the OIDC provider", e);
        }
    }

    private void read(CompletableFuture<ClientRegistration> shared) {
        try {
            Map<String, Object> document = OidcProviderCalls.discoveryDocument(options.issuer(), timeout);
            // As Spring Security checks it: the document must be the configured issuer's own.
            Object issuer = document.get("issuer");
            if (!options.issuer().toString().equals(issuer)) {
                throw new IllegalStateException("its discovery document names the issuer " + issuer + ", not the configured " + options.issuer());
            }
            ClientRegistration read = ClientRegistrations.fromOidcConfiguration(document)
                    .registrationId(REGISTRATION_ID)
                    .clientId(options.clientId())
                    .clientSecret(options.clientSecret())
                    .redirectUri("{baseUrl}" + REDIRECT_PATH)
                    .scope("openid", "profile", "email")
                    .userNameAttributeName(IdTokenClaimNames.SUB)
                    .clientName("OIDC")
                    .build();
            synchronized (this) {
                registration = read;
                reading = null;
                failure = null;
            }
            shared.complete(read);
        } catch (RuntimeException e) {
            // The message names the issuer and what failed; never the secret, which is not in it.
            LOG.warn("Certificate Master: cannot read the OIDC provider's configuration from {}: {}", options.issuer(), e.getMessage());
            OidcProviderUnavailable unavailable = new OidcProviderUnavailable(
                    "the OIDC provider at " + options.issuer() + " cannot be reached or configured: " + e.getMessage(), e);
            failed(shared, unavailable);
            shared.completeExceptionally(unavailable);
        }
    }

    /** Remembers the failure of this read (once: a later read's outcome is not overwritten), and gives it back. */
    private synchronized OidcProviderUnavailable failed(CompletableFuture<ClientRegistration> shared, OidcProviderUnavailable unavailable) {
        if (reading == shared) {
            reading = null;
            failure = unavailable;
            failureUntil = nanoTime.getAsLong() + REMEMBER_FAILURE.toNanos();
        }
        return failure != null ? failure : unavailable;
    }

    /** The provider's discovery document could not be read or was not acceptable. */
    public static final class OidcProviderUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OidcProviderUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
