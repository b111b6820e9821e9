package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Certificate Master beside a core behind a TLS-terminating reverse proxy: with the core's
 * {@code AppConfig:TrustForwardedHeaders}, the portal's context believes the proxy's headers too
 * (it is a servlet context of its own, which the core's filter never sees).
 */
class CertMasterBehindAProxyTest {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @Test
    void trustedTheSessionCookieIsSecureBehindHttpsAndEachClientIsThrottledByItsOwnAddress() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of("AppConfig:TrustForwardedHeaders", "true")).awaitCertMaster()) {
            assertThat(sessionCookie(server, "https")).contains("CERTMASTER_SESSION=").contains("Secure");
            assertThat(sessionCookie(server, null)).contains("CERTMASTER_SESSION=").doesNotContain("Secure");
            String password = Files.readString(server.dataDir.resolve("certmaster-admin-password"), StandardCharsets.UTF_8).strip();
            for (int i = 0; i < 5; i++) {
                assertThat(signIn(server, "203.0.113.7", "wrong")).endsWith("/signin?error");
            }
            assertThat(signIn(server, "203.0.113.7", password)).endsWith("/signin?throttled");
            assertThat(signIn(server, "203.0.113.8", password)).as("another client behind the same proxy").doesNotContain("error", "throttled");
        }
    }

    static String sessionCookie(RunningServer server, String forwardedProto) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.url("/certmaster/signin")).GET();
        if (forwardedProto != null) {
            request.header("X-Forwarded-Proto", forwardedProto);
        }
        HttpResponse<String> page = client().send(request.build(), HttpResponse.BodyHandlers.ofString());
        return page.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("CERTMASTER_SESSION=")).findFirst().orElse("");
    }

    private static String signIn(RunningServer server, String clientAddress, String password) throws Exception {
        HttpClient http = client();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(server.url("/certmaster/signin"))
                .header("X-Forwarded-For", clientAddress).GET().build(), HttpResponse.BodyHandlers.ofString());
        Matcher csrf = CSRF.matcher(page.body());
        assertThat(csrf.find()).isTrue();
        String form = "username=admin&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&_csrf="
                + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(server.url("/certmaster/signin"))
                .header("X-Forwarded-For", clientAddress).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(302);
        return answer.headers().firstValue("Location").orElse("");
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }
}
