package dev.scepter.certmaster.security;

import dev.scepter.certmaster.OidcOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;

/**
 * The one OIDC provider the portal signs in with, read from the issuer's discovery document
 * ({@code /.well-known/openid-configuration}) on first use, not at start: a provider that is not
 * reachable when the portal starts delays OIDC sign-in, not the portal (local accounts still work),
 * and the next sign-in tries again. The issuer in the document must be the configured one
 * (Spring Security checks it), and ID tokens are then checked against its keys, issuer and client id.
 */
public final class OidcProvider implements ClientRegistrationRepository {

    /** The registration id, in {@code /oauth2/authorization/oidc}, the link that starts a sign-in. */
    public static final String REGISTRATION_ID = "oidc";
    /** Where the provider sends the browser back, under the portal's path: as SCEPman's {@code SCEPman-CertMaster} registration. */
    public static final String REDIRECT_PATH = "/signin-oidc";
    public static final String AUTHORIZATION_PATH = "/oauth2/authorization/" + REGISTRATION_ID;

    private static final Logger LOG = LoggerFactory.getLogger(OidcProvider.class);

    private final OidcOptions options;
    private volatile ClientRegistration registration;

    public OidcProvider(OidcOptions options) {
        this.options = options;
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
        synchronized (this) {
            if (registration == null) {
                try {
                    registration = ClientRegistrations.fromIssuerLocation(options.issuer().toString())
                            .registrationId(REGISTRATION_ID)
                            .clientId(options.clientId())
                            .clientSecret(options.clientSecret())
                            .redirectUri("{baseUrl}" + REDIRECT_PATH)
                            .scope("openid", "profile", "email")
                            .userNameAttributeName(IdTokenClaimNames.SUB)
                            .clientName("OIDC")
                            .build();
                } catch (RuntimeException e) {
                    // The message names the issuer and what failed; never the secret, which is not in it.
                    LOG.warn("Certificate Master: cannot read the OIDC provider's configuration from {}: {}", options.issuer(), e.getMessage());
                    throw new OidcProviderUnavailable("the OIDC provider at " + options.issuer() + " cannot be reached or configured", e);
                }
            }
            return registration;
        }
    }

    /** The provider's discovery document could not be read or was not acceptable. */
    public static final class OidcProviderUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OidcProviderUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
