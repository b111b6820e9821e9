package dev.scepter.testoidc;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;

/**
 * A real OpenID Connect provider for the tests: Spring Authorization Server on a free loopback
 * port, with form sign-in for its users and ID tokens that carry their roles in a {@code roles}
 * claim, as Entra ID's app roles do. A few users get a bad ID token on purpose: {@code expired}
 * one that expired an hour ago, {@code elsewhere} one from another issuer, {@code forger} one
 * signed by a key the provider does not publish.
 *
 * <p>In a package of its own: the portal's component scan ({@code dev.scepter.certmaster}) must
 * not find this configuration.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class TestOidcProvider {

    public static final String CLIENT_ID = "certmaster-test";
    public static final String CLIENT_SECRET = "test-client-secret-" + Long.toHexString(System.nanoTime());
    public static final String PASSWORD = "provider-password";
    private static final String CLIENT_KEY = "the-portal";

    /** name, roles */
    public static final Map<String, List<String>> USERS = Map.of(
            "alice@example.com", List.of("Admin.Full"),
            "reader@example.com", List.of("Manage.All.Read", "SomeOtherApp.Role"),
            "nobody@example.com", List.of(),
            "kiosk-admin@example.com", List.of("Request.Client"),
            "expired", List.of("Admin.Full"),
            "elsewhere", List.of("Admin.Full"),
            "forger", List.of("Admin.Full"));

    private static final RSAKey SIGNING = rsa("signing");
    private static final RSAKey ROGUE = rsa("rogue");

    @Bean
    @Order(1)
    SecurityFilterChain authorizationServer(HttpSecurity http) throws Exception {
        http.oauth2AuthorizationServer(server -> {
            http.securityMatcher(server.getEndpointsMatcher());
            server.oidc(Customizer.withDefaults());
        }).authorizeHttpRequests(authorize -> authorize.anyRequest().authenticated())
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint("/login")));
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain signIn(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(authorize -> authorize.anyRequest().authenticated()).formLogin(Customizer.withDefaults()).build();
    }

    @Bean
    UserDetailsService users() {
        return new InMemoryUserDetailsManager(USERS.entrySet().stream()
                .map(user -> User.withUsername(user.getKey()).password("{noop}" + PASSWORD).authorities(user.getValue().toArray(String[]::new)).build())
                .toList());
    }

    @Bean
    InMemoryRegisteredClientRepository clients() {
        return new InMemoryRegisteredClientRepository(client("http://127.0.0.1:1/certmaster/signin-oidc"));
    }

    /** The portal, once its port is known: the redirect URI must match exactly. */
    static RegisteredClient client(String redirectUri) {
        return RegisteredClient.withId(CLIENT_KEY).clientId(CLIENT_ID).clientSecret("{noop}" + CLIENT_SECRET)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri(redirectUri)
                .scope(OidcScopes.OPENID).scope(OidcScopes.PROFILE).scope(OidcScopes.EMAIL)
                .clientSettings(ClientSettings.builder().requireAuthorizationConsent(false).build())
                .build();
    }

    @Bean
    JWKSource<SecurityContext> publishedKeys() {
        return new ImmutableJWKSet<>(new JWKSet(SIGNING));
    }

    /** Signs with either key, by the {@code kid} the customizer sets; only {@link #SIGNING} is published. */
    @Bean
    JwtEncoder jwtEncoder() {
        return new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(List.of(SIGNING, ROGUE))));
    }

    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> roles() {
        return context -> {
            String name = context.getPrincipal().getName();
            context.getJwsHeader().keyId("forger".equals(name) ? ROGUE.getKeyID() : SIGNING.getKeyID());
            if (!"id_token".equals(context.getTokenType().getValue())) {
                return;
            }
            context.getClaims().claim("roles", context.getPrincipal().getAuthorities().stream().map(GrantedAuthority::getAuthority)
                    .filter(role -> USERS.getOrDefault(name, List.of()).contains(role)).toList());
            context.getClaims().claim("preferred_username", name);
            if ("expired".equals(name)) {
                Instant past = Instant.now().minus(2, ChronoUnit.HOURS);
                context.getClaims().issuedAt(past).expiresAt(past.plus(1, ChronoUnit.HOURS));
            }
            if ("elsewhere".equals(name)) {
                context.getClaims().issuer("https://elsewhere.example.com");
            }
        };
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings() {
        // No issuer set: the one of the request (http://127.0.0.1:PORT).
        return AuthorizationServerSettings.builder().build();
    }

    private static RSAKey rsa(String id) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            return new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate()).keyID(id).build();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The provider, started on a free loopback port. */
    public static Running start() {
        SpringApplication application = new SpringApplication(TestOidcProvider.class);
        application.setDefaultProperties(Map.of("server.address", "127.0.0.1", "server.port", "0", "spring.main.banner-mode", "off",
                "logging.level.root", "WARN", "server.servlet.session.cookie.name", "PROVIDER_SESSION"));
        return new Running(application.run());
    }

    public record Running(ConfigurableApplicationContext context) implements AutoCloseable {

        public String issuer() {
            return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
        }

        /** Registers the portal's redirect URI. */
        public void allowRedirectTo(String redirectUri) {
            context.getBean(InMemoryRegisteredClientRepository.class).save(client(redirectUri));
        }

        @Override
        public void close() {
            context.close();
        }
    }
}
