package dev.scepter.certmaster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The portal alone behind a TLS-terminating reverse proxy that sets {@code X-Forwarded-For} and {@code X-Forwarded-Proto}. */
class BehindAProxyTest {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @Test
    void trustedTheClientsAddressIsThrottledNotTheProxysAndTheCookieIsSecureBehindHttps() throws Exception {
        try (RunningPortal portal = RunningPortal.start(null, true)) {
            assertThat(sessionCookie(portal, "https")).contains("CERTMASTER_SESSION=").contains("Secure");
            assertThat(sessionCookie(portal, null)).contains("CERTMASTER_SESSION=").doesNotContain("Secure");

            for (int i = 0; i < 5; i++) {
                assertThat(signIn(portal, "203.0.113.7", "wrong")).endsWith("/signin?error");
            }
            assertThat(signIn(portal, "203.0.113.7", portal.adminPassword())).endsWith("/signin?throttled");
            // Another client behind the same proxy is not held back by the first one's tries.
            assertThat(signIn(portal, "203.0.113.8", portal.adminPassword())).doesNotContain("error", "throttled");
        }
    }

    @Test
    void untrustedTheHeadersChangeNothing() throws Exception {
        try (RunningPortal portal = RunningPortal.start(null, false)) {
            assertThat(sessionCookie(portal, "https")).contains("CERTMASTER_SESSION=").doesNotContain("Secure");
            for (int i = 0; i < 5; i++) {
                signIn(portal, "203.0.113." + i, "wrong");
            }
            // All five came from this test's address, whatever the header said.
            assertThat(signIn(portal, "203.0.113.99", portal.adminPassword())).endsWith("/signin?throttled");
        }
    }

    private static String sessionCookie(RunningPortal portal, String forwardedProto) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(portal.base() + "/signin")).GET();
        if (forwardedProto != null) {
            request.header("X-Forwarded-Proto", forwardedProto);
        }
        HttpResponse<String> page = client().send(request.build(), HttpResponse.BodyHandlers.ofString());
        return page.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("CERTMASTER_SESSION=")).findFirst().orElse("");
    }

    /** Signs in as admin through a proxy for {@code clientAddress}; where the portal sends the browser next. */
    private static String signIn(RunningPortal portal, String clientAddress, String password) throws Exception {
        HttpClient http = client();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(portal.base() + "/signin"))
                .header("X-Forwarded-For", clientAddress).GET().build(), HttpResponse.BodyHandlers.ofString());
        Matcher csrf = CSRF.matcher(page.body());
        assertThat(csrf.find()).isTrue();
        String form = "username=admin&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&_csrf="
                + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(portal.base() + "/signin"))
                .header("X-Forwarded-For", clientAddress + ", 10.0.0.2").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(302);
        return answer.headers().firstValue("Location").orElse("");
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }
}
