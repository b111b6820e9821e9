package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.token.ApiRole;
import dev.scepter.authority.token.ApiTokens;
import dev.scepter.protocol.ocsp.OcspResponseEncoder;
import dev.scepter.server.security.ApiRoute;
import dev.scepter.server.security.ApiRoutes;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpMethod;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every handler of the running application, enumerated from Spring's own mappings: each
 * {@code /api} route is in the route table ({@link ApiRoutes}) and refuses every caller without
 * its role, and every other route is in the list of public routes below. A route added later
 * without a role, or a public route added without a thought, fails this test.
 */
class RouteTableTest {

    /**
     * The routes that anyone may call, on purpose: protocol endpoints devices call without
     * credentials (SCEP's challenge and OCSP's signatures are their own protection), the homepage
     * and health, metrics, the CA certificate, the CRL (behind its request token), and the error
     * page. Adding one here is a decision: say why in the commit.
     */
    static final Set<String> PUBLIC_ROUTES = Set.of(
            "GET /", "GET /probe", "GET /ca", "GET /metrics", "GET /openapi.json", "GET /openapi.json.yaml",
            "GET /crl/{token}", "GET /crl/pem/{token}",
            // OCSP is a servlet of its own (OcspServlet, beside Spring MVC's dispatcher): POST on /ocsp, GET on /ocsp/*.
            "SERVLET /ocsp", "SERVLET /ocsp/*",
            "GET /scep", "POST /scep", "GET /scep/pkiclient.exe", "POST /scep/pkiclient.exe",
            "GET /static", "POST /static", "GET /static/pkiclient.exe", "POST /static/pkiclient.exe",
            "GET /static/aad", "POST /static/aad", "GET /static/aad/pkiclient.exe", "POST /static/aad/pkiclient.exe",
            "GET /jamf", "POST /jamf", "GET /jamf/pkiclient.exe", "POST /jamf/pkiclient.exe",
            "GET /dc", "POST /dc", "GET /dc/pkiclient.exe", "POST /dc/pkiclient.exe",
            "GET /certsrv/mscep/mscep.dll", "POST /certsrv/mscep/mscep.dll",
            "GET /certsrv/mscep/mscep.dll/pkiclient.exe", "POST /certsrv/mscep/mscep.dll/pkiclient.exe",
            // EST (RFC 7030): cacerts and csrattrs are anonymous; the enroll paths check a bearer token,
            // a one-time challenge (HTTP Basic) or a client certificate themselves (EstController).
            "GET /.well-known/est/cacerts", "GET /.well-known/est/{label}/cacerts",
            "GET /.well-known/est/csrattrs", "GET /.well-known/est/{label}/csrattrs",
            "POST /.well-known/est/simpleenroll", "POST /.well-known/est/{label}/simpleenroll",
            "POST /.well-known/est/simplereenroll", "POST /.well-known/est/{label}/simplereenroll",
            // serverkeygen: a bearer token with CSR.Request.Db only, checked by EstController as simpleenroll's token.
            "POST /.well-known/est/serverkeygen", "POST /.well-known/est/{label}/serverkeygen",
            // ACME (RFC 8555): the directory and nonces are anonymous; every POST is a JWS that
            // AcmeController checks (nonce, URL, the account's or the certificate's key) itself.
            "GET /acme/{profile}/directory", "HEAD /acme/{profile}/new-nonce", "GET /acme/{profile}/new-nonce",
            "POST /acme/{profile}/new-account", "POST /acme/{profile}/account/{id}", "POST /acme/{profile}/account/{id}/orders",
            "POST /acme/{profile}/new-order", "POST /acme/{profile}/order/{id}", "POST /acme/{profile}/authz/{id}",
            "POST /acme/{profile}/chall/{id}", "POST /acme/{profile}/order/{id}/finalize", "POST /acme/{profile}/cert/{id}",
            "POST /acme/{profile}/revoke-cert", "POST /acme/{profile}/key-change",
            // Renewal information (RFC 9773) is an anonymous GET by design: it tells only when to renew.
            "GET /acme/{profile}/renewal-info/{certId}",
            "* /error");

    private static RunningServer server;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static ApiTokens tokens;
    private static final Map<ApiRole, String> WITH_ROLE = new HashMap<>();
    private static final Map<Set<ApiRole>, String> WITHOUT_ROLES = new HashMap<>();
    private static String revoked;
    private static String expired;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(Map.of());
        tokens = new ApiTokens(server.core.storage().apiTokenStore(), server.core.storage().auditLog(), Clock.systemUTC(), new SecureRandom());
        for (ApiRole role : ApiRole.values()) {
            WITH_ROLE.put(role, tokens.create("test", "with-" + role.value(), Set.of(role), Optional.empty()).value());
        }
        revoked = tokens.create("test", "revoked", EnumSet.allOf(ApiRole.class), Optional.empty()).value();
        tokens.revoke("test", "revoked");
        // Created two days ago with a day to live, through the same token store as every other token.
        expired = new ApiTokens(server.core.storage().apiTokenStore(), server.core.storage().auditLog(),
                Clock.offset(Clock.systemUTC(), Duration.ofDays(-2)), new SecureRandom())
                .create("test", "expired", EnumSet.allOf(ApiRole.class), Optional.of(Duration.ofDays(1))).value();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** "METHOD pattern" for every handler mapping of the running application ("*" for any method). */
    private static List<String> handlerMappings() {
        RequestMappingHandlerMapping mapping = server.context.getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class);
        List<String> routes = new ArrayList<>();
        for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            for (String pattern : info.getPatternValues()) {
                if (methods.isEmpty()) {
                    routes.add("* " + pattern);
                }
                methods.forEach(method -> routes.add(method.name() + " " + pattern));
            }
        }
        // Servlets mounted beside Spring MVC's dispatcher serve their paths without a handler mapping.
        for (ServletRegistrationBean<?> servlet : server.context.getBeansOfType(ServletRegistrationBean.class).values()) {
            if (!(servlet.getServlet() instanceof DispatcherServlet)) {
                servlet.getUrlMappings().forEach(pattern -> routes.add("SERVLET " + pattern));
            }
        }
        return routes;
    }

    private static boolean isApi(String route) {
        String pattern = route.substring(route.indexOf(' ') + 1);
        return pattern.equals("/api") || pattern.startsWith("/api/");
    }

    @Test
    void everyApiRouteIsInTheRouteTableAndEveryOtherRouteIsDeclaredPublic() {
        List<String> mappings = handlerMappings();
        assertThat(mappings).as("the application has API routes").anyMatch(RouteTableTest::isApi);
        for (String route : mappings) {
            if (isApi(route)) {
                assertThat(route).as("an /api route needs its roles in ApiRoutes (any method is not a route)").doesNotStartWith("* ");
                String[] parts = route.split(" ", 2);
                assertThat(ApiRoutes.find(HttpMethod.valueOf(parts[0]), parts[1]))
                        .as("%s is not in the route table ApiRoutes: declare the roles that may call it", route).isPresent();
            } else {
                assertThat(PUBLIC_ROUTES).as("%s is not an API route and not in PUBLIC_ROUTES: is it meant to be public?", route)
                        .contains(route);
            }
        }
        for (ApiRoute route : ApiRoutes.all()) {
            assertThat(mappings).as("the route table names a route that no handler serves").contains(route.method().name() + " " + route.pattern());
            assertThat(route.roles()).as("%s needs a role", route).isNotEmpty();
        }
        assertThat(new TreeSet<>(mappings)).as("every public route is still served").containsAll(PUBLIC_ROUTES);
    }

    /** A concrete path for a pattern: sample values for its variables, so the handler can run. */
    private static String path(String pattern) {
        Matcher variable = Pattern.compile("\\{(\\w+)}").matcher(pattern);
        StringBuilder path = new StringBuilder();
        while (variable.find()) {
            variable.appendReplacement(path, switch (variable.group(1)) {
                case "kind" -> "devices";
                case "id" -> UUID.randomUUID().toString();
                case "serial" -> "ABCDEF";
                default -> "x";
            });
        }
        return variable.appendTail(path).toString().replace("/**", "/x");
    }

    private static HttpResponse<String> call(HttpMethod method, String path, Optional<String> authorization) throws Exception {
        boolean body = method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH;
        HttpRequest.Builder request = HttpRequest.newBuilder(server.url(path)).timeout(Duration.ofSeconds(30))
                .method(method.name(), body ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
        if (body) {
            request.header("Content-Type", "application/json");
        }
        authorization.ifPresent(value -> request.header("Authorization", value));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRefused(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(response.body()).contains("\"errorMessage\"");
        if (status == 401) {
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        }
    }

    @TestFactory
    Stream<DynamicTest> everyApiRouteRefusesEveryCallerWithoutItsRole() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String route : handlerMappings().stream().filter(RouteTableTest::isApi).sorted().toList()) {
            String[] parts = route.split(" ", 2);
            HttpMethod method = HttpMethod.valueOf(parts[0]);
            String pattern = parts[1];
            Set<ApiRole> roles = ApiRoutes.find(method, pattern).map(ApiRoute::roles).orElse(Set.of());
            Map<String, Optional<String>> unauthenticated = new java.util.LinkedHashMap<>();
            unauthenticated.put("no token", Optional.empty());
            unauthenticated.put("a garbage token", Optional.of("Bearer sct_" + "A".repeat(43)));
            unauthenticated.put("a token not ours", Optional.of("Bearer eyJhbGciOiJub25lIn0.e30."));
            unauthenticated.put("a malformed bearer header", Optional.of("Bearer sct_a b"));
            unauthenticated.put("basic credentials", Optional.of("Basic YWRtaW46YWRtaW4="));
            unauthenticated.put("a revoked token", Optional.of("Bearer " + revoked));
            unauthenticated.put("an expired token", Optional.of("Bearer " + expired));
            unauthenticated.forEach((credential, authorization) -> tests.add(DynamicTest.dynamicTest(route + " with " + credential + " -> 401",
                    () -> assertRefused(call(method, path(pattern), authorization), 401))));
            tests.add(DynamicTest.dynamicTest(route + " with a token holding every role but " + roles + " -> 403", () -> {
                assertThat(roles).as("%s is not in the route table", route).isNotEmpty();
                String lacking = WITHOUT_ROLES.computeIfAbsent(roles, r -> {
                    Set<ApiRole> others = EnumSet.complementOf(EnumSet.copyOf(r));
                    return tokens.create("test", "without-" + UUID.randomUUID(), others, Optional.empty()).value();
                });
                assertRefused(call(method, path(pattern), Optional.of("Bearer " + lacking)), 403);
            }));
            tests.add(DynamicTest.dynamicTest(route + " with each of its roles " + roles + " -> neither 401 nor 403", () -> {
                assertThat(roles).as("%s is not in the route table", route).isNotEmpty();
                for (ApiRole role : roles) {
                    HttpResponse<String> response = call(method, path(pattern), Optional.of("Bearer " + WITH_ROLE.get(role)));
                    assertThat(response.statusCode()).as(role + ": " + response.body()).isNotIn(401, 403).isLessThan(500);
                }
            }));
        }
        return tests.stream();
    }

    /**
     * Spring Security's filter chain (and Spring's other request filters) serve the dispatcher
     * servlet by its name, so every spelling of an API path that reaches a handler passes it; the
     * OCSP servlet, anonymous by nature, passes only the filters that protect it (the device body
     * filter) and Tomcat's WebSocket filter, which passes a request on at once when no WebSocket
     * endpoint is registered. A filter added to {@code /*} later shows here.
     */
    @Test
    void springSecurityServesTheDispatcherServletAndOcspPassesOnlyItsOwnFilters() {
        ServletContext servlets = ((WebApplicationContext) server.context).getServletContext();
        Map<String, ? extends FilterRegistration> filters = servlets.getFilterRegistrations();
        for (String spring : List.of("springSecurityFilterChain", "characterEncodingFilter", "requestContextFilter")) {
            assertThat(filters.get(spring).getServletNameMappings()).as(spring).containsExactly("dispatcherServlet");
            assertThat(filters.get(spring).getUrlPatternMappings()).as(spring).isEmpty();
        }
        Set<String> onOcsp = new TreeSet<>();
        filters.forEach((name, filter) -> {
            boolean byUrl = filter.getUrlPatternMappings().stream().anyMatch(url -> Set.of("/*", "/ocsp", "/ocsp/*").contains(url));
            if (byUrl || filter.getServletNameMappings().contains("ocsp")) {
                onOcsp.add(name);
            }
        });
        assertThat(onOcsp).containsExactly("Tomcat WebSocket (JSR356) Filter", "deviceBodyFilter");
        // A chain holds the URL-mapped filters first, whatever their order, then those mapped by servlet
        // name (Servlet spec 6.2.4): a filter on /* or /api/* added later would run before authentication.
        Set<String> byUrl = new TreeSet<>();
        filters.forEach((name, filter) -> {
            if (!filter.getUrlPatternMappings().isEmpty()) {
                byUrl.add(name);
            }
        });
        assertThat(byUrl).as("filters mapped by URL, all run before Spring Security").containsExactly("Tomcat WebSocket (JSR356) Filter",
                "deviceBodyFilter");
    }

    /**
     * Spring's filters, Spring Security's among them, are mapped to the dispatcher servlet by name
     * ({@code DispatcherServletFilters}): a servlet added beside it would serve its paths, an API path
     * perhaps, without them. Adding one is a decision, made here with its filters.
     */
    @Test
    void theServletsAreTheDispatcherAndOcspAlone() {
        ServletContext servlets = ((WebApplicationContext) server.context).getServletContext();
        assertThat(servlets.getServletRegistrations().keySet()).containsExactlyInAnyOrder("dispatcherServlet", "ocsp");
        assertThat(servlets.getServletRegistration("ocsp").getMappings()).containsExactlyInAnyOrder("/ocsp", "/ocsp/*");
        assertThat(servlets.getServletRegistration("dispatcherServlet").getMappings()).containsExactly("/");
    }

    /** Spellings of a protected path that a container or framework might read differently from the security layer. */
    @ParameterizedTest(name = "GET {0} without a token reaches no API handler")
    @ValueSource(strings = {"/api/manage/audit/", "//api/manage/audit", "/API/manage/audit", "/api/manage/./audit",
        "/api/manage/x/../audit", "/api/manage/audit;x=1", "/%61pi/manage/audit", "/api/manage/%61udit", "/ocsp/../api/manage/audit",
        "/ocsp/%2e%2e/api/manage/audit", "/api/manage/audit%20", "/api/manage/audit.json", "/api/manage/audit?limit=1#x",
        "/api/manage/audit%3Flimit=1"})
    void noSpellingOfAnApiPathReachesItsHandlerWithoutAToken(String path) throws Exception {
        RawHttp.Response response = RawHttp.send(server.core.port(), "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                new byte[0], 10_000);
        assertThat(response.status()).as(response.text()).isLessThan(500);
        assertThat(response.text()).doesNotContain("\"actor\"").doesNotContain("token.create");
        if (response.status() == 200) {
            // The path reads as an OCSP GET (/ocsp/...), which answers every request, a malformed one included.
            assertThat(response.header("Content-Type")).as(path).isEqualTo(OcspResponseEncoder.CONTENT_TYPE);
            assertThat(response.body()).isEqualTo(OcspResponseEncoder.malformedRequest());
        }
    }
}
