package dev.scepter.certmaster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.testoidc.TestOidcProvider;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OIDC sign-in against a real provider (Spring Authorization Server, {@link TestOidcProvider}) on
 * loopback, through the authorization-code flow as a browser without JavaScript goes it: the
 * portal's link, the provider's sign-in form, the provider's redirect to {@code /signin-oidc}, the
 * portal's code exchange and the ID token's checks. Roles come from the token's {@code roles} claim.
 */
class OidcSignInTest {

    private static TestOidcProvider.Running provider;
    private static RunningPortal portal;

    @BeforeAll
    static void start() throws Exception {
        provider = TestOidcProvider.start();
        // Local accounts off: OIDC is the only way in, and no admin account is made.
        portal = RunningPortal.start(null, false,
                Optional.of(new OidcOptions(URI.create(provider.issuer()), TestOidcProvider.CLIENT_ID, TestOidcProvider.CLIENT_SECRET)), false);
        provider.allowRedirectTo(portal.base() + "/signin-oidc");
    }

    @AfterAll
    static void stop() {
        portal.close();
        provider.close();
    }

    @Test
    void anAdminSignsInThroughTheProviderAndIsGreetedByTheNameAndRolesOfTheIdToken() throws Exception {
        Client alice = new Client();
        HttpResponse<String> home = alice.signIn("alice@example.com");
        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(home.body()).contains("alice@example.com").contains("Admin.Full");
        assertThat(PortalRouteTest.header(home)).contains("id=\"nav-csr\"", "id=\"nav-certificates\"", "id=\"nav-expiring\"",
                "id=\"nav-audit\"", "id=\"nav-issue\"", "id=\"nav-form-server\"", "id=\"nav-form-client\"", "id=\"nav-form-user\"",
                "id=\"nav-form-code-signing\"", "id=\"nav-form-smime\"");
        assertThat(alice.get(portal.base() + "/certificates").statusCode()).isEqualTo(200);
        assertThat(alice.cookies.getCookieStore().getCookies()).filteredOn(c -> c.getName().equals("CERTMASTER_SESSION")).isNotEmpty();
    }

    @Test
    void theSignInPageOffersTheProviderAndNoPasswordFormWhenLocalAccountsAreOff() throws Exception {
        Client anonymous = new Client();
        HttpResponse<String> page = anonymous.get(portal.base() + "/signin");
        assertThat(page.body()).contains("/certmaster/oauth2/authorization/oidc").doesNotContain("name=\"password\"");
        assertThat(Files.exists(portal.dataDir.resolve("certmaster-users.json"))).isFalse();
        assertThat(Files.exists(portal.dataDir.resolve("certmaster-admin-password"))).isFalse();
        // A password posted anyway (with a valid CSRF token) is not even checked: nothing takes it.
        Client guesser = new Client();
        assertThat(guesser.signIn("reader@example.com").statusCode()).isEqualTo(200);
        HttpResponse<String> posted = guesser.post(portal.base() + "/signin",
                Map.of("username", "admin", "password", "x", "_csrf", guesser.csrf(portal.base() + "/")));
        assertThat(posted.statusCode()).isNotIn(200, 302);
        assertThat(guesser.get(portal.base() + "/").body()).contains("reader@example.com").doesNotContain("Admin.Full");
    }

    @Test
    void aManageAllReadUserMaySearchButNotRevoke() throws Exception {
        Client reader = new Client();
        HttpResponse<String> home = reader.signIn("reader@example.com");
        assertThat(home.statusCode()).isEqualTo(200);
        // A role of another application in the claim is no role here.
        assertThat(home.body()).contains("Manage.All.Read").doesNotContain("SomeOtherApp.Role");
        // The header from the token's roles: what a reader may open, no form and no CSR.
        assertThat(PortalRouteTest.header(home)).contains("id=\"nav-certificates\"", "id=\"nav-expiring\"", "id=\"nav-audit\"")
                .doesNotContain("nav-issue", "nav-form-", "nav-csr");
        String detail = portal.base() + "/certificates/" + CoreSimulator.SERIAL;
        assertThat(reader.get(portal.base() + "/certificates?q=" + CoreSimulator.SERIAL).statusCode()).isEqualTo(200);
        HttpResponse<String> page = reader.get(detail);
        assertThat(page.statusCode()).isEqualTo(200);
        int before = portal.core.calls("PATCH", "/api/manage/revoke").size();
        HttpResponse<String> refused = reader.post(detail + "/revoke", Map.of("reason", "1", "_csrf", reader.csrf(portal.base() + "/")));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("Not allowed");
        assertThat(portal.core.calls("PATCH", "/api/manage/revoke")).hasSize(before);
        assertThat(reader.get(portal.base() + "/csr").statusCode()).isEqualTo(403);
        // A read-only auditor reads the audit trail.
        assertThat(reader.get(portal.base() + "/audit").body()).contains("certificate.revoke");
    }

    @Test
    void aUserWithRequestClientButNotRequestServerMayNotIssueAServerCertificateNorRevoke() throws Exception {
        Client kioskAdmin = new Client();
        HttpResponse<String> home = kioskAdmin.signIn("kiosk-admin@example.com");
        // Request.Client: the client form alone under "Issue", and the CSR page (the bare role allows both); nothing to search.
        assertThat(PortalRouteTest.header(home)).contains("id=\"nav-issue\"", "id=\"nav-form-client\"", "href=\"/certmaster/forms/client\"",
                "id=\"nav-csr\"").doesNotContain("nav-form-server", "nav-form-user", "nav-form-code-signing", "nav-form-smime",
                "nav-certificates", "nav-expiring", "nav-audit");
        assertThat(kioskAdmin.get(portal.base() + "/forms/client").statusCode()).isEqualTo(200);
        assertThat(kioskAdmin.get(portal.base() + "/forms/server").statusCode()).isEqualTo(403);
        int issued = portal.core.calls("POST", "/api/csr").size();
        int revoked = portal.core.calls("PATCH", "/api/manage/revoke").size();
        String csrf = kioskAdmin.csrf(portal.base() + "/forms/client");
        HttpResponse<String> server = kioskAdmin.post(portal.base() + "/forms/server", Map.of("names", "www.example.test", "key", "ec-p256",
                "validityDays", "30", "delivery", "pkcs12", "_csrf", csrf));
        assertThat(server.statusCode()).isEqualTo(403);
        HttpResponse<String> revoke = kioskAdmin.post(portal.base() + "/certificates/" + CoreSimulator.SERIAL + "/revoke",
                Map.of("reason", "1", "_csrf", csrf));
        assertThat(revoke.statusCode()).isEqualTo(403);
        assertThat(kioskAdmin.get(portal.base() + "/certificates").statusCode()).isEqualTo(403);
        assertThat(portal.core.calls("POST", "/api/csr")).as("nothing issued").hasSize(issued);
        assertThat(portal.core.calls("PATCH", "/api/manage/revoke")).as("nothing revoked").hasSize(revoked);
    }

    @Test
    void aUserWithoutAnyRoleOfThePortalIsSignedInButSeesOnlyTheDeniedPage() throws Exception {
        Client nobody = new Client();
        HttpResponse<String> home = nobody.signIn("nobody@example.com");
        assertThat(home.statusCode()).isEqualTo(403);
        assertThat(home.body()).contains("Not allowed");
        assertThat(nobody.get(portal.base() + "/certificates").statusCode()).isEqualTo(403);
    }

    @Test
    void anExpiredIdTokenOneFromAnotherIssuerAndOneSignedByAnUnpublishedKeyAreRefused() throws Exception {
        for (String user : new String[] {"expired", "elsewhere", "forger"}) {
            Client client = new Client();
            HttpResponse<String> answer = client.signIn(user);
            assertThat(answer.statusCode()).as(user).isEqualTo(200);
            assertThat(client.lastUrl).as(user).endsWith("/certmaster/signin?oidcerror");
            assertThat(answer.body()).as(user).contains("did not succeed");
            // Reported in the background, and only the first refusal from this address in a minute (this class's other
            // tests may have had it): the rest are counted and reported together at the minute's end.
            assertThat(portal.core.awaitCall("POST", "/api/manage/audit/sign-in",
                    call -> call.text().contains("\"method\":\"oidc\"") && call.text().contains("\"succeeded\":false"))).as(user)
                    .hasValueSatisfying(call -> assertThat(call.text()).contains("\"user\":\"(unknown)\"", "\"address\":\"127.0.0.1\""));
            assertThat(client.get(portal.base() + "/").statusCode()).as(user).isEqualTo(302);
            assertThat(client.get(portal.base() + "/certificates").headers().firstValue("Location")).as(user)
                    .hasValueSatisfying(location -> assertThat(location).endsWith("/certmaster/signin"));
        }
    }

    @Test
    void anAnswerToTheRedirectPathThatThePortalDidNotAskForIsRefused() throws Exception {
        Client client = new Client();
        HttpResponse<String> answer = client.get(portal.base() + "/signin-oidc?code=made-up&state=made-up");
        assertThat(answer.statusCode()).isEqualTo(302);
        assertThat(answer.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location).endsWith("/signin?oidcerror"));
        assertThat(client.get(portal.base() + "/").statusCode()).isEqualTo(302);
    }

    @Test
    void signingOutEndsThePortalSession() throws Exception {
        Client alice = new Client();
        assertThat(alice.signIn("alice@example.com").statusCode()).isEqualTo(200);
        String csrf = alice.csrf(portal.base() + "/");
        HttpResponse<String> out = alice.post(portal.base() + "/signout", Map.of("_csrf", csrf));
        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(out.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location).endsWith("/signin?signedout"));
        HttpResponse<String> after = alice.get(portal.base() + "/certificates");
        assertThat(after.statusCode()).isEqualTo(302);
        assertThat(after.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location).endsWith("/certmaster/signin"));
    }

    /** A browser without JavaScript: keeps cookies, follows redirects itself (across the two servers), fills in forms. */
    static final class Client {
        private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

        final CookieManager cookies = new CookieManager();
        final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String lastUrl;

        HttpResponse<String> get(String url) throws IOException, InterruptedException {
            lastUrl = url;
            return http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html").GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String url, Map<String, String> fields) throws IOException, InterruptedException {
            lastUrl = url;
            String form = fields.entrySet().stream()
                    .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
            return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "text/html").POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> follow(HttpResponse<String> response) throws IOException, InterruptedException {
            int hops = 0;
            while (response.statusCode() / 100 == 3) {
                assertThat(++hops).as("redirects").isLessThan(12);
                response = get(response.uri().resolve(response.headers().firstValue("Location").orElseThrow()).toString());
            }
            return response;
        }

        String csrf(String url) throws IOException, InterruptedException {
            Matcher matcher = CSRF.matcher(get(url).body());
            if (!matcher.find()) {
                throw new AssertionError("no CSRF field on " + url);
            }
            return matcher.group(1);
        }

        /** The portal's link to the provider, its sign-in form, and back: the page where the portal leaves the user. */
        HttpResponse<String> signIn(String user) throws IOException, InterruptedException {
            HttpResponse<String> toProvider = get(portal.base() + "/oauth2/authorization/oidc");
            // The authorization-code flow with PKCE (S256), a nonce for the ID token and a state for the answer.
            assertThat(toProvider.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location)
                    .startsWith(provider.issuer() + "/oauth2/authorize?").contains("response_type=code", "code_challenge=",
                            "code_challenge_method=S256", "nonce=", "state=", "scope=openid"));
            HttpResponse<String> providerSignIn = follow(toProvider);
            assertThat(lastUrl).startsWith(provider.issuer() + "/login");
            Matcher csrf = CSRF.matcher(providerSignIn.body());
            assertThat(csrf.find()).as("the provider's sign-in form").isTrue();
            return follow(post(provider.issuer() + "/login", Map.of("username", user, "password", TestOidcProvider.PASSWORD, "_csrf", csrf.group(1))));
        }
    }
}
