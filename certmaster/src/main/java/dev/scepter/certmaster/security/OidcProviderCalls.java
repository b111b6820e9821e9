package dev.scepter.certmaster.security;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler;
import org.springframework.security.oauth2.client.oidc.authentication.OidcIdTokenDecoderFactory;
import org.springframework.security.oauth2.client.oidc.authentication.OidcIdTokenValidator;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/**
 * The calls to the OIDC provider that a sign-in waits for on its request thread: the read of the
 * discovery document (once, {@link OidcProvider}), the code's exchange for the tokens, and the fetch
 * of the provider's signing keys (its JWK set). Spring Security makes the last two without any
 * timeout, and the first with 30 s to connect and 30 s per read, so a provider that accepts the
 * connection and never answers would hold the thread (and the browser) for good or long; here each
 * gives up after the configured {@link dev.scepter.certmaster.OidcOptions#timeout()} (10 s unless
 * set), to connect and to receive the whole answer, and the sign-in is refused like any other that
 * did not succeed.
 */
final class OidcProviderCalls {

    private OidcProviderCalls() {
    }

    /**
     * Redirects as Spring Security's defaults had them: the token POST on the JDK client follows none;
     * the GETs (discovery, keys) were made with HttpURLConnection, which follows them, and a provider
     * may well move its keys to a CDN or a versioned path. NORMAL never follows https to http.
     */
    private static JdkClientHttpRequestFactory requests(Duration timeout, HttpClient.Redirect redirects) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(redirects).build();
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(client);
        // Spring's JDK factory holds the whole answer, headers and body, to this bound.
        requests.setReadTimeout(timeout);
        return requests;
    }

    /**
     * The JDK's timeout comes without a message ("I/O error on POST request for URL: null" in the
     * sign-in's refusal): one that says what happened, for the log.
     */
    private static ClientHttpRequestInterceptor sayingTimeouts(Duration timeout) {
        return (request, body, execution) -> {
            long started = System.nanoTime();
            try {
                return execution.execute(request, body);
            } catch (IOException e) {
                if (e instanceof HttpTimeoutException || Duration.ofNanos(System.nanoTime() - started).compareTo(timeout) >= 0) {
                    throw new HttpTimeoutException("the OIDC provider did not answer within " + timeout.toSeconds() + " s");
                }
                throw e;
            }
        };
    }

    /** The issuer's discovery document ({@code ISSUER/.well-known/openid-configuration}), within the bound. */
    static Map<String, Object> discoveryDocument(URI issuer, Duration timeout) {
        String base = issuer.toString();
        URI location = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/.well-known/openid-configuration");
        String body = RestClient.builder()
                .requestFactory(requests(timeout, HttpClient.Redirect.NORMAL))
                .requestInterceptor(sayingTimeouts(timeout))
                .build()
                .get().uri(location).accept(MediaType.APPLICATION_JSON).retrieve().body(String.class);
        if (body == null) {
            throw new IllegalStateException("its discovery document at " + location + " is empty");
        }
        try {
            return JSONObjectUtils.parse(body);
        } catch (ParseException e) {
            throw new IllegalStateException("its discovery document at " + location + " is not JSON: " + e.getMessage(), e);
        }
    }

    /** Spring Security's token client, with the same converters and error handling as its default, and the bound. */
    static RestClientAuthorizationCodeTokenResponseClient tokenResponses(Duration timeout) {
        RestClientAuthorizationCodeTokenResponseClient tokens = new RestClientAuthorizationCodeTokenResponseClient();
        tokens.setRestClient(RestClient.builder()
                .requestFactory(requests(timeout, HttpClient.Redirect.NEVER))
                .requestInterceptor(sayingTimeouts(timeout))
                .configureMessageConverters(converters -> converters.addCustomConverter(new FormHttpMessageConverter())
                        .addCustomConverter(new OAuth2AccessTokenResponseHttpMessageConverter()))
                .defaultStatusHandler(new OAuth2ErrorResponseErrorHandler())
                .build());
        return tokens;
    }

    /**
     * ID token decoders as Spring Security's {@link OidcIdTokenDecoderFactory} makes them (RS256,
     * signed by a key of the provider's JWK set; issuer, audience, expiry and the other checks of
     * {@link OidcIdTokenValidator}; its claim types), but fetching the JWK set within the bound.
     */
    static JwtDecoderFactory<ClientRegistration> idTokenDecoders(Duration timeout) {
        RestTemplate keys = new RestTemplate(requests(timeout, HttpClient.Redirect.NORMAL));
        keys.getInterceptors().add(sayingTimeouts(timeout));
        return registration -> {
            String jwkSetUri = registration.getProviderDetails().getJwkSetUri();
            if (jwkSetUri == null || jwkSetUri.isBlank()) {
                OAuth2Error error = new OAuth2Error("missing_signature_verifier",
                        "the OIDC provider publishes no JWK set (jwks_uri) to check ID tokens with", null);
                throw new OAuth2AuthenticationException(error, error.toString());
            }
            NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(jwkSetUri).jwsAlgorithm(SignatureAlgorithm.RS256)
                    .restOperations(keys).build();
            decoder.setJwtValidator(JwtValidators.createDefaultWithValidators(new OidcIdTokenValidator(registration)));
            decoder.setClaimSetConverter(OidcIdTokenDecoderFactory.createDefaultClaimTypeConverter());
            return decoder;
        };
    }
}
