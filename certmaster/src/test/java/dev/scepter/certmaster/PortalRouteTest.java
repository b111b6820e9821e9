package dev.scepter.certmaster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.certmaster.security.PortalRoute;
import dev.scepter.certmaster.security.PortalRoutes;
import dev.scepter.certmaster.security.SignInThrottle;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every handler of the portal, enumerated from Spring's own mappings: each is in the route table
 * ({@link PortalRoutes}) or among its few public pages; without a session each answers a redirect
 * to the sign-in page; signed in without its role, 403. A page added later without a role fails here.
 */
class PortalRouteTest {

    /** The test accounts and their roles (RunningPortal.TEST_USERS). */
    private static final Map<String, Set<String>> ACCOUNTS = new LinkedHashMap<>();

    static {
        ACCOUNTS.put("reader", Set.of("Manage.All.Read"));
        ACCOUNTS.put("requester", Set.of("Request.All.Csr"));
        ACCOUNTS.put("nobody", Set.of());
        ACCOUNTS.put("server-former", Set.of("Request.Server.Form"));
        ACCOUNTS.put("server-csr", Set.of("Request.Server.Csr"));
    }

    private static RunningPortal portal;
    private static final Map<String, Browser> SIGNED_IN = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        portal = RunningPortal.start(RunningPortal.TEST_USERS);
        for (String account : ACCOUNTS.keySet()) {
            Browser browser = portal.browser();
            assertThat(browser.signIn(account, account + "-password").headers().firstValue("Location"))
                    .hasValueSatisfying(location -> assertThat(location).doesNotContain("error"));
            SIGNED_IN.put(account, browser);
        }
    }

    @AfterAll
    static void stop() {
        portal.close();
    }

    /** "GET /certificates/{serial}" for each handler method of the running portal. */
    private static Set<String> handlers() {
        RequestMappingHandlerMapping mapping = portal.context.getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class);
        Set<String> routes = new HashSet<>();
        for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
            Set<String> methods = info.getMethodsCondition().getMethods().stream().map(Enum::name).collect(Collectors.toSet());
            for (String pattern : info.getPatternValues()) {
                if (methods.isEmpty()) {
                    routes.add("* " + pattern);
                }
                methods.forEach(method -> routes.add(method + " " + pattern));
            }
        }
        return routes;
    }

    @Test
    void everyHandlerIsInTheRouteTableOrPublicOnPurpose() {
        Set<String> declared = PortalRoutes.all().stream().map(r -> r.method().name() + " " + r.pattern()).collect(Collectors.toSet());
        Set<String> handlers = handlers();
        // /error is Spring Boot's; /denied answers any method (a refused POST is forwarded to it as it came).
        Set<String> unexpected = new HashSet<>(handlers);
        unexpected.removeAll(declared);
        unexpected.removeAll(Set.of("* /error", "* /denied", "GET /signin"));
        assertThat(unexpected).as("handlers neither in PortalRoutes nor public").isEmpty();
        assertThat(handlers).as("every declared route has its handler").containsAll(declared);
    }

    @Test
    void withoutASessionEveryRouteRedirectsToTheSignInPage() throws Exception {
        for (PortalRoute route : PortalRoutes.all()) {
            Browser anonymous = portal.browser();
            HttpResponse<String> response = call(anonymous, route, anonymous.csrf("/signin"));
            assertThat(response.statusCode()).as(route.toString()).isEqualTo(302);
            assertThat(response.headers().firstValue("Location")).as(route.toString()).hasValueSatisfying(location ->
                    assertThat(location).endsWith("/certmaster/signin"));
        }
        int searches = portal.core.calls("GET", "/api/manage/search").size();
        assertThat(searches).as("nothing reached the core").isZero();
    }

    @Test
    void signedInWithoutTheRoleEveryRouteIs403AndNothingReachesTheCore() throws Exception {
        // The @BeforeAll sign-ins' reports may still be arriving; what must not reach the core is a refused route's call.
        int callsBefore = portal.core.callsButSignInReports();
        for (PortalRoute route : PortalRoutes.all()) {
            List<String> without = ACCOUNTS.entrySet().stream().filter(a -> a.getValue().stream().noneMatch(route.roles()::contains))
                    .map(Map.Entry::getKey).toList();
            assertThat(without).as("an account without the roles of " + route).isNotEmpty();
            for (String account : without) {
                Browser browser = SIGNED_IN.get(account);
                HttpResponse<String> response = call(browser, route, browser.csrf("/denied"));
                assertThat(response.statusCode()).as(account + " " + route).isEqualTo(403);
                assertThat(response.body()).as(account + " " + route).contains("lacks the role");
            }
        }
        assertThat(portal.core.callsButSignInReports()).isEqualTo(callsBefore);
    }

    @Test
    void anUnknownPathIsNotFoundWhenSignedInAndTheSignInPageWithout() throws Exception {
        Browser admin = SIGNED_IN.get("reader");
        for (String path : new String[] {"/no-such-page", "/certificates/0A/no-such-action", "/actuator/env", "/WEB-INF/web.xml"}) {
            HttpResponse<String> answer = admin.get(path);
            assertThat(answer.statusCode()).as(path).isEqualTo(404);
            // (A browser, which asks for HTML, gets the "no such page" page; this client asks for nothing in particular.)
            assertThat(answer.body()).as(path).contains("\"status\":404").doesNotContain("exception").doesNotContain("trace");
        }
        // A declared path by a method it does not take is still refused, and without a session the path is not even told apart.
        assertThat(SIGNED_IN.get("reader").post("/certificates", Map.of("_csrf", SIGNED_IN.get("reader").csrf("/denied"))).statusCode())
                .isEqualTo(403);
        HttpResponse<String> anonymous = portal.browser().get("/no-such-page");
        assertThat(anonymous.statusCode()).isEqualTo(302);
        assertThat(anonymous.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location).endsWith("/signin"));
    }

    @Test
    void aReaderSearchesButIsNotOfferedRevocation() throws Exception {
        Browser reader = SIGNED_IN.get("reader");
        assertThat(reader.get("/certificates").statusCode()).isEqualTo(200);
        HttpResponse<String> detail = reader.get("/certificates/" + CoreSimulator.SERIAL);
        assertThat(detail.statusCode()).isEqualTo(200);
        assertThat(detail.body()).contains(CoreSimulator.SERIAL).doesNotContain("Revoke this certificate");
        assertThat(reader.get("/").body()).contains("Find certificates").doesNotContain("Submit a CSR</strong>");
    }

    /** The header of a page: its links, nothing of the page's own. */
    static String header(HttpResponse<String> page) {
        assertThat(page.statusCode()).isEqualTo(200);
        String body = page.body();
        assertThat(body).contains("<header", "</header>");
        return body.substring(body.indexOf("<header"), body.indexOf("</header>"));
    }

    @Test
    void theHeaderLinksOnlyThePagesTheRolesMayUse() throws Exception {
        String reader = header(SIGNED_IN.get("reader").get("/certificates"));
        assertThat(reader).contains("id=\"nav-certificates\"", "id=\"nav-expiring\"", "id=\"nav-audit\"")
                .doesNotContain("nav-issue", "nav-form-", "nav-csr");
        for (String csrOnly : List.of("requester", "server-csr")) {
            assertThat(header(SIGNED_IN.get(csrOnly).get("/csr"))).as(csrOnly).contains("id=\"nav-csr\"")
                    .doesNotContain("nav-issue", "nav-form-", "nav-certificates", "nav-expiring", "nav-audit");
        }
        String former = header(SIGNED_IN.get("server-former").get("/forms/server"));
        assertThat(former).contains("id=\"nav-issue\"", "id=\"nav-form-server\"", "href=\"/certmaster/forms/server\"")
                .doesNotContain("nav-form-client", "nav-form-user", "nav-form-code-signing", "nav-form-smime", "nav-csr",
                        "nav-certificates", "nav-expiring", "nav-audit");
    }

    @Test
    void signInAttemptsAreLimitedPerAccountAndAddressThenRefusedEvenWithTheRightPassword() throws Exception {
        Browser guesser = portal.browser();
        for (int i = 0; i < SignInThrottle.MAX_FAILURES; i++) {
            assertThat(guesser.signIn("guesser", "wrong-" + i).headers().firstValue("Location")).hasValueSatisfying(location ->
                    assertThat(location).endsWith("/signin?error"));
        }
        HttpResponse<String> blocked = guesser.signIn("guesser", "guesser-password");
        assertThat(blocked.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location).endsWith("/signin?throttled"));
        assertThat(guesser.get("/signin?throttled").body()).contains("Too many failed sign-ins for this account from your address");
        assertThat(guesser.get("/").statusCode()).as("not signed in").isEqualTo(302);
        // Another account from the same address is not held back by this one's failures.
        assertThat(portal.browser().signIn("reader", "reader-password").headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).doesNotContain("error").doesNotContain("throttled"));
    }

    private static HttpResponse<String> call(Browser browser, PortalRoute route, String csrf) throws Exception {
        String path = route.pattern().replace("{serial}", CoreSimulator.SERIAL).replace("{format}", "der");
        return route.method().equals(HttpMethod.POST) ? browser.post(path, Map.of("_csrf", csrf, "reason", "0", "pem", "x")) : browser.get(path);
    }
}
