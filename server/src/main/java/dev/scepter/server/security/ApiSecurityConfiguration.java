package dev.scepter.server.security;

import dev.scepter.authority.token.ApiTokens;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Authorisation for the API, in one place: Spring Security in front of {@code /api/**}, reading
 * the route table ({@link ApiRoutes}).
 *
 * <ul>
 *   <li>Deny by default: an {@code /api} request that matches no route of the table is refused.</li>
 *   <li>The bearer token (RFC 6750 section 2.1, the {@code Authorization} header only) is checked
 *       before anything reads the body; then the route's roles; then the body is capped
 *       ({@link RequestBodyLimitFilter}).</li>
 *   <li>Stateless: no session, no CSRF token (a bearer token in a header is not an ambient
 *       credential a browser would send on its own), no form login, no redirect, no HSTS (OCSP
 *       and CRL stay plain HTTP for the same host).</li>
 * </ul>
 *
 * Paths outside {@code /api/**} pass through no filter chain: they are public by design (SCEP,
 * OCSP, CRL, the CA, the homepage, probe and metrics; {@code RouteTableTest} keeps the list). To
 * add another way to authenticate API callers (Entra ID's JWTs), add its
 * {@link AuthenticationProvider} to the chain's {@link ProviderManager}; to protect
 * another area (a portal with OIDC sign-in), add another {@link SecurityFilterChain} bean with its
 * own {@code securityMatcher} and order.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
public class ApiSecurityConfiguration {

    /** Everything under {@code /api}, matched as Spring MVC matches its handlers (the raw path, PathPattern syntax). */
    static final RequestMatcher API = PathPatternRequestMatcher.withDefaults().matcher("/api/**");

    /** Our bearer tokens; a bean, so Spring Boot adds no generated user of its own. */
    @Bean
    ApiTokenAuthenticationProvider apiTokenAuthenticationProvider(ApiTokens tokens) {
        return new ApiTokenAuthenticationProvider(tokens);
    }

    @Bean
    ApiRefusals apiRefusals() {
        Map<RequestMatcher, ApiRoute> routes = new LinkedHashMap<>();
        for (ApiRoute route : ApiRoutes.all()) {
            routes.put(PathPatternRequestMatcher.withDefaults().matcher(route.method(), route.pattern()), route);
        }
        return new ApiRefusals(routes);
    }

    @Bean
    @Order(1)
    SecurityFilterChain apiFilterChain(HttpSecurity http, ApiTokenAuthenticationProvider tokens, ApiRefusals refusals) throws Exception {
        // The ways an API caller can authenticate, tried in turn on the bearer token.
        BearerTokenAuthenticationFilter bearer = new BearerTokenAuthenticationFilter(new ProviderManager(tokens));
        bearer.setAuthenticationEntryPoint(refusals);
        bearer.setAuthenticationFailureHandler(refusals);
        http.securityMatcher(API)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .formLogin(form -> form.disable())
                .httpBasic(basic -> basic.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .headers(headers -> headers.httpStrictTransportSecurity(hsts -> hsts.disable()))
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(refusals).accessDeniedHandler(refusals))
                .authorizeHttpRequests(authorize -> {
                    for (ApiRoute route : ApiRoutes.all()) {
                        authorize.requestMatchers(PathPatternRequestMatcher.withDefaults().matcher(route.method(), route.pattern()))
                                .hasAnyAuthority(route.authorities());
                    }
                    authorize.anyRequest().denyAll();
                })
                .addFilterBefore(bearer, AuthorizationFilter.class)
                .addFilterAfter(new RequestBodyLimitFilter(refusals), AuthorizationFilter.class)
                .addFilterAfter(new MediaTypeHeaderFilter(refusals), AuthorizationFilter.class);
        return http.build();
    }

    @Bean
    WebSecurityCustomizer apiFirewall(ApiRefusals refusals) {
        return web -> web.httpFirewall(new ApiFirewall(API)).requestRejectedHandler(refusals);
    }
}
