package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.token.ApiRole;
import dev.scepter.authority.token.ApiTokens;
import dev.scepter.protocol.ocsp.OcspResponseEncoder;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Requests that Tomcat or Spring refuse before a controller runs are answered in the terms of the
 * path they were sent to: problem+json under {@code /api}, an OCSP {@code malformedRequest}
 * (RFC 6960 section 4.2.1) under {@code /ocsp}, a short plain-text answer elsewhere; never
 * Tomcat's HTML page or a stack trace, and one log line at most.
 */
class RequestRefusalTest {

    private static RunningServer server;
    private static LogCapture log;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(Map.of());
        token = new ApiTokens(server.core.storage().apiTokenStore(), server.core.storage().auditLog(), Clock.systemUTC(), new SecureRandom())
                .create("test", "all", EnumSet.allOf(ApiRole.class), Optional.empty()).value();
        log = LogCapture.attach();
    }

    @AfterAll
    static void stop() {
        log.close();
        server.close();
    }

    @BeforeEach
    void forgetTheLog() {
        log.clear();
    }

    private static RawHttp.Response send(String requestLine, String... headers) throws Exception {
        StringBuilder head = new StringBuilder(requestLine).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String header : headers) {
            head.append(header.replace("TOKEN", token)).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        return RawHttp.send(server.core.port(), head.toString(), new byte[0], 10_000);
    }

    /** The answer that the path's protocol gives: {@code ocsp}, {@code api} or {@code text}, with that status. */
    private static void assertAnsweredAs(RawHttp.Response response, String kind, int status) throws Exception {
        String contentType = String.valueOf(response.header("Content-Type"));
        assertThat(response.text()).doesNotContainIgnoringCase("<html").doesNotContain("Exception").doesNotContain("Tomcat")
                .doesNotContain("org.apache").doesNotContain("dev.scepter");
        switch (kind) {
            case "ocsp" -> {
                assertThat(response.status()).as(response.text()).isEqualTo(200);
                assertThat(contentType).isEqualTo(OcspResponseEncoder.CONTENT_TYPE);
                assertThat(response.body()).isEqualTo(OcspResponseEncoder.malformedRequest());
            }
            case "api" -> {
                assertThat(response.status()).as(response.text()).isEqualTo(status);
                assertThat(contentType).startsWith("application/problem+json");
                assertThat(response.text()).contains("\"status\":" + status).contains("\"errorMessage\"");
            }
            case "text" -> {
                assertThat(response.status()).as(response.text()).isEqualTo(status);
                assertThat(contentType).startsWith("text/plain");
                assertThat(response.body().length).isBetween(1, 200);
            }
            default -> throw new IllegalArgumentException(kind);
        }
        Thread.sleep(50);
        assertThat(log.requestLines()).as("the server's log for this request:\n" + log.describe()).isLessThanOrEqualTo(1);
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource({
        // bad percent-encoding: Tomcat refuses the URI before any servlet sees it
        "GET /ocsp/%zz,                          ocsp, 200",
        "GET /ocsp/MEow%,                        ocsp, 200",
        "GET /ocsp/MEow%4,                       ocsp, 200",
        "GET /api/%zz,                           api,  400",
        "GET /api/manage/audit/%zz,              api,  400",
        "PATCH /api/manage/revoke/%zz,           api,  400",
        "GET /scep%zz?operation=GetCACaps,       text, 400",
        "GET /%zz,                               text, 400",
        "GET /crl/%zz,                           text, 400",
        // what Spring Security's firewall refuses on the API
        "GET /api/manage/audit;x=1,              api,  400",
        "GET /api/manage//audit,                 api,  400",
        "GET /api/manage/%2e%2e/manage/audit,    api,  400",
        "GET /api/manage/%252e/audit,            api,  400",
        // what Spring MVC refuses before a controller
        "PUT /probe,                             text, 405",
        "GET /no-such-page,                      text, 404",
        "DELETE /ocsp,                           ocsp, 200",
        "PUT /ocsp/MEow,                         ocsp, 200",
    })
    void aRequestRefusedBeforeAControllerIsAnsweredInThePathsTerms(String requestLine, String kind, int status) throws Exception {
        assertAnsweredAs(send(requestLine, "Authorization: Bearer TOKEN", "Content-Length: 0"), kind, status);
    }

    @ParameterizedTest(name = "a header Tomcat refuses on {0} -> {1}")
    @CsvSource({
        "/ocsp/MEow,        ocsp, 400",
        "/api/manage/audit, api,  400",
        "/probe,            text, 400",
        "/scep?operation=GetCACaps, text, 400",
    })
    void aHeaderTomcatRefusesIsAnsweredInThePathsTerms(String path, String kind, int status) throws Exception {
        assertAnsweredAs(send("GET " + path, "Bad Header: x"), kind, status);
        log.clear();
        assertAnsweredAs(send("GET " + path, "X-Large: " + "a".repeat(20_000)), kind, status);
    }

    /**
     * A request line Tomcat cannot parse (a character RFC 3986 does not allow in the target) has
     * no path to answer in the terms of: a plain-text 400, still no HTML. Tomcat's set of allowed
     * characters is not widened for it.
     */
    @ParameterizedTest(name = "{0} -> plain-text 400")
    @CsvSource({"GET /ocsp/MEow{}", "GET /api/manage/audit|x", "GET /scep?operation=GetCACaps<"})
    void aRequestLineTomcatCannotParseIsAPlainText400(String requestLine) throws Exception {
        assertAnsweredAs(send(requestLine), "text", 400);
    }

    @ParameterizedTest(name = "GET {0} reaches the OCSP responder")
    @CsvSource({"/ocsp/MA//AA==", "/ocsp/MA%2F%2FAA%3D%3D", "/ocsp/MA+/AA=="})
    void anOcspGetPathWithSlashesAndEscapesReachesTheResponder(String path) throws Exception {
        RawHttp.Response response = send("GET " + path);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).isEqualTo(OcspResponseEncoder.CONTENT_TYPE);
    }

    private static final String BROWSER_ACCEPT = "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    /** A browser that opens an unknown page sees a page of ours (not Spring's Whitelabel page), still a 404. */
    @ParameterizedTest(name = "a browser asking for {0} gets our 404 page")
    @CsvSource({"/no-such-page", "/scep/no/such/page", "/static/nothing-here"})
    void aBrowserOnAnUnknownPageGetsOurPage(String path) throws Exception {
        RawHttp.Response response = send("GET " + path, BROWSER_ACCEPT);
        assertThat(response.status()).as(response.text()).isEqualTo(404);
        assertThat(String.valueOf(response.header("Content-Type"))).startsWith("text/html");
        assertThat(response.text()).contains("<title>404 Not Found - Scepter</title>").contains("<code>" + path + "</code>")
                .contains("<a href=\"/\">").doesNotContainIgnoringCase("whitelabel").doesNotContain("Exception")
                .doesNotContain("org.springframework").doesNotContain("dev.scepter");
        Thread.sleep(50);
        assertThat(log.requestLines()).as(log.describe()).isLessThanOrEqualTo(1);
    }

    @ParameterizedTest(name = "the path {0} is shown as text, not markup")
    @CsvSource({"/%3Cscript%3Ealert(1)%3C/script%3E", "/a%22onmouseover=%22x"})
    void thePathOnThePageIsEscaped(String path) throws Exception {
        RawHttp.Response response = send("GET " + path, BROWSER_ACCEPT);
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.text()).doesNotContain("<script>").doesNotContain("\"onmouseover").contains("<code>/");
    }

    /**
     * Under /api a browser too gets the API's problem+json: a client reads it, not a person. The
     * security layer refuses a route it does not know with 403 before MVC looks (so a token cannot
     * probe which routes exist); that stays.
     */
    @ParameterizedTest(name = "{0} -> problem+json")
    @CsvSource({"/api/no-such-route", "/api/manage/no-such-route"})
    void anUnknownApiRouteIsAProblemEvenForABrowser(String path) throws Exception {
        RawHttp.Response response = send("GET " + path, BROWSER_ACCEPT, "Authorization: Bearer TOKEN");
        assertAnsweredAs(response, "api", 403);
        assertThat(response.text()).contains("\"instance\":\"" + path + "\"");
    }
}
