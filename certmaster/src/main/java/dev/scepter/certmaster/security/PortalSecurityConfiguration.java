package dev.scepter.certmaster.security;

import dev.scepter.certmaster.CertMasterOptions;
import dev.scepter.certmaster.core.CoreApi;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.SessionTrackingMode;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumSet;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * Sign-in and authorisation for every page, in one place.
 *
 * <ul>
 *   <li>Form sign-in against the local accounts ({@link LocalAccounts}), limited by the
 *       {@link SignInThrottle}, unless turned off; and, when configured, OIDC sign-in with one
 *       provider ({@link OidcProvider}, roles from the ID token's {@code roles} claim:
 *       {@link OidcRoles}), whose answer comes back to {@code /signin-oidc}.</li>
 *   <li>Each route's roles come from {@link PortalRoutes}; a route not there is refused to
 *       everyone, so a new page is unreachable until its roles are declared.</li>
 *   <li>CSRF tokens on every POST (Spring Security's default; Thymeleaf adds the field to each
 *       form), the session cookie HttpOnly and SameSite=Strict (Tomcat adds Secure on HTTPS, and behind a
 *       trusted proxy on its {@code X-Forwarded-Proto: https}: {@code ForwardedHeaders}),
 *       only a cookie carries the session (never the URL), and a Content-Security-Policy that
 *       allows nothing but this origin's stylesheet: the pages have no script.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
public class PortalSecurityConfiguration {

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";
    public static final String SESSION_COOKIE = "CERTMASTER_SESSION";
    /** A request attribute: the refusal was for a missing or wrong CSRF token. */
    public static final String CSRF_REFUSED = "dev.scepter.certmaster.csrfRefused";

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    UserDetailsService localAccounts(CertMasterOptions options, PasswordEncoder encoder) {
        // Turned off (with OIDC): no account, and no admin made with a password to read.
        return new InMemoryUserDetailsManager(options.localAccounts()
                ? LocalAccounts.open(options.dataDir(), encoder, new SecureRandom()) : java.util.List.of());
    }

    @Bean
    SignInThrottle signInThrottle() {
        return new SignInThrottle(Clock.systemUTC());
    }

    /** Closed with the portal (its reporting thread ends; beside the core, the core serves on). */
    @Bean(destroyMethod = "close")
    SignInLog signInLog(CoreApi core) {
        return new SignInLog(core);
    }

    @Bean
    SecurityFilterChain portalFilterChain(HttpSecurity http, CertMasterOptions options, UserDetailsService accounts, PasswordEncoder encoder,
            SignInThrottle throttle, SignInLog signIns) throws Exception {
        DaoAuthenticationProvider passwords = new DaoAuthenticationProvider(accounts);
        passwords.setPasswordEncoder(encoder);
        // One page for both refusals, saying which: a missing role, or a form without its CSRF token.
        AccessDeniedHandler denied = (request, response, exception) -> {
            if (!(exception instanceof CsrfException) && !PortalRoutes.declares(request)) {
                // Signed in, at a path no route has (by any method): "Not found", as a typo deserves. Still refused:
                // nothing ran. Without a session the sign-in page comes first, so the answer tells strangers nothing.
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            request.setAttribute(CSRF_REFUSED, exception instanceof CsrfException);
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            request.getRequestDispatcher("/denied").forward(request, response);
        };
        // The manager of this chain alone: a parent (Spring's global one, from the accounts bean)
        // would check the password again after the throttle refused, and so undo it.
        // OIDC's provider is in it too: the chain's own manager takes none that the configurers add.
        java.util.List<org.springframework.security.authentication.AuthenticationProvider> providers = new java.util.ArrayList<>();
        if (options.localAccounts()) {
            providers.add(new ThrottledAuthenticationProvider(passwords, throttle));
        }
        if (options.oidc().isPresent()) {
            // The code exchange and the key fetch within a bound: a provider that hangs must not hold the request thread.
            org.springframework.security.oauth2.client.oidc.authentication.OidcAuthorizationCodeAuthenticationProvider oidc =
                    new org.springframework.security.oauth2.client.oidc.authentication.OidcAuthorizationCodeAuthenticationProvider(
                            OidcProviderCalls.tokenResponses(options.oidc().get().timeout()), new OidcRoles());
            oidc.setJwtDecoderFactory(OidcProviderCalls.idTokenDecoders(options.oidc().get().timeout()));
            providers.add(oidc);
        }
        http.authenticationManager(new ProviderManager(providers))
                .authorizeHttpRequests(authorize -> {
                    authorize.requestMatchers(PortalRoutes.PUBLIC.toArray(String[]::new)).permitAll();
                    for (PortalRoute route : PortalRoutes.all()) {
                        authorize.requestMatchers(PathPatternRequestMatcher.withDefaults().matcher(route.method(), route.pattern()))
                                .hasAnyAuthority(route.roles().toArray(String[]::new));
                    }
                    authorize.anyRequest().denyAll();
                })
                .logout(logout -> logout.logoutUrl("/signout").logoutSuccessUrl("/signin?signedout")
                        .deleteCookies(SESSION_COOKIE))
                .httpBasic(basic -> basic.disable())
                .exceptionHandling(exceptions -> exceptions.accessDeniedHandler(denied))
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .frameOptions(frame -> frame.deny())
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)));
        if (options.localAccounts()) {
            http.formLogin(form -> form.loginPage("/signin").loginProcessingUrl("/signin")
                    .successHandler(signedIn(signIns, "password"))
                    .failureHandler((request, response, exception) -> {
                        signIns.failed(request, "password", request.getParameter("username"), exception);
                        response.sendRedirect(request.getContextPath()
                                + (exception instanceof SignInThrottledException ? "/signin?throttled" : "/signin?error"));
                    }));
        }
        if (options.oidc().isPresent()) {
            OidcProvider provider = new OidcProvider(options.oidc().get());
            // PKCE for this confidential client too (OAuth 2.0 Security BCP): a stolen code is of no use without the verifier.
            org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver resolver =
                    new org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver(provider, "/oauth2/authorization");
            resolver.setAuthorizationRequestCustomizer(
                    org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers.withPkce());
            http.oauth2Login(oidc -> {
                oidc.loginPage("/signin")
                        .clientRegistrationRepository(provider)
                        .authorizationEndpoint(authorization -> authorization.authorizationRequestResolver(resolver))
                        .redirectionEndpoint(redirect -> redirect.baseUri(OidcProvider.REDIRECT_PATH))
                        .userInfoEndpoint(user -> user.oidcUserService(new OidcRoles()))
                        .successHandler(signedIn(signIns, "OIDC"))
                        .failureHandler((request, response, exception) -> {
                            signIns.failed(request, "OIDC", null, exception);
                            boolean unrecordable = exception instanceof org.springframework.security.oauth2.core.OAuth2AuthenticationException refused
                                    && OidcRoles.UNRECORDABLE_NAME.equals(refused.getError().getErrorCode());
                            response.sendRedirect(request.getContextPath() + (unrecordable ? "/signin?oidcname" : "/signin?oidcerror"));
                        });
                // The provider's configuration cannot be read (down, silent, misconfigured): the sign-in page
                // says so, rather than Spring Security's bare 500. The log has the reason, once per read.
                oidc.addObjectPostProcessor(new ObjectPostProcessor<OAuth2AuthorizationRequestRedirectFilter>() {
                    @Override
                    public <O extends OAuth2AuthorizationRequestRedirectFilter> O postProcess(O filter) {
                        filter.setAuthenticationFailureHandler((request, response, exception) ->
                                response.sendRedirect(request.getContextPath() + "/signin?oidcunavailable"));
                        return filter;
                    }
                });
            });
        }
        return http.build();
    }

    private static org.springframework.security.web.authentication.AuthenticationSuccessHandler signedIn(SignInLog signIns, String how) {
        org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler next =
                new org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler();
        next.setDefaultTargetUrl("/");
        return (request, response, authentication) -> {
            signIns.succeeded(request, how, authentication);
            next.onAuthenticationSuccess(request, response, authentication);
        };
    }

    /** The session cookie, in both modes (alone, and as a context beside the core). */
    @Bean
    ServletContextInitializer sessionCookie(CertMasterOptions options) {
        return servletContext -> {
            servletContext.setSessionTrackingModes(EnumSet.of(SessionTrackingMode.COOKIE));
            SessionCookieConfig cookie = servletContext.getSessionCookieConfig();
            cookie.setName(SESSION_COOKIE);
            cookie.setHttpOnly(true);
            // With OIDC the provider sends the browser back from another site: a Strict cookie would not
            // come along to /signin-oidc (the sign-in's state is in the session), nor on the redirect after it.
            cookie.setAttribute("SameSite", options.oidc().isPresent() ? "Lax" : "Strict");
        };
    }
}
