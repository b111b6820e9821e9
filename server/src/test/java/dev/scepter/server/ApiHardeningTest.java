package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.token.ApiRole;
import dev.scepter.authority.token.ApiTokens;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What an attack probe found on the API (issue 10, point 8), each as the request it sent: the
 * token is checked before the body is read, bodies are capped, JSON is strict, and a client's
 * mistake is a 4xx problem+json with one log line at most, never a 5xx or a stack trace.
 */
class ApiHardeningTest {

    private static final String DEVICE = "/api/directory/devices/0b7e0a4e-6a0c-4d6e-9b7c-3a2f1c0d9e8f";
    private static final int TWENTY_MB = 20 * 1024 * 1024;

    private static RunningServer server;
    private static LogCapture log;
    private static final Map<String, String> TOKENS = new HashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        // POST /api/challenges mints only where an endpoint accepts one-time challenges.
        server = RunningServer.start(Map.of("AppConfig:StaticValidation:AllowDynamicChallenges", "true"));
        ApiTokens tokens = new ApiTokens(server.core.storage().apiTokenStore(), server.core.storage().auditLog(), Clock.systemUTC(),
                new SecureRandom());
        TOKENS.put("directory", tokens.create("test", "directory", Set.of(ApiRole.DIRECTORY_MANAGE), Optional.empty()).value());
        TOKENS.put("manage", tokens.create("test", "manage", Set.of(ApiRole.MANAGE_ALL), Optional.empty()).value());
        TOKENS.put("challenge", tokens.create("test", "challenge", Set.of(ApiRole.CHALLENGE_CREATE), Optional.empty()).value());
        TOKENS.put("csr", tokens.create("test", "csr", Set.of(ApiRole.CSR_REQUEST), Optional.empty()).value());
        TOKENS.put("all", tokens.create("test", "all", EnumSet.allOf(ApiRole.class), Optional.empty()).value());
        TOKENS.put("revoked", tokens.create("test", "revoked", EnumSet.allOf(ApiRole.class), Optional.empty()).value());
        tokens.revoke("test", "revoked");
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

    private HttpResponse<String> call(String method, String path, String token, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.url(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + TOKENS.get(token));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A GET by hand: java.net.http refuses to send a malformed query, which is the point here. */
    private static RawHttp.Response rawGet(String pathAndQuery, String token) throws Exception {
        return RawHttp.send(server.core.port(), "GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (token == null ? "" : "Authorization: Bearer " + TOKENS.get(token) + "\r\n") + "Connection: close\r\n\r\n", new byte[0], 10_000);
    }

    private HttpResponse<String> json(String method, String path, String token, String json) throws Exception {
        return call(method, path, token, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /** A refusal as the API promises it: the status, problem+json, our words, one log line at most. */
    private static void assertProblem(int status, String contentType, String body, int expectedStatus) {
        assertThat(status).as(body).isEqualTo(expectedStatus);
        assertThat(contentType).as("Content-Type of " + body).startsWith("application/problem+json");
        assertThat(body).contains("\"errorMessage\"").doesNotContain("Exception").doesNotContain("tools.jackson")
                .doesNotContain("org.apache").doesNotContain("dev.scepter").doesNotContain("at [Source");
        assertOneLogLineAtMost();
    }

    private static void assertProblem(HttpResponse<String> response, int expectedStatus) {
        assertProblem(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body(), expectedStatus);
    }

    private static void assertOneLogLineAtMost() {
        // Tomcat's workers may log just after the answer left.
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertThat(log.requestLines()).as("the server's log for this request:\n" + log.describe()).isLessThanOrEqualTo(1);
    }

    // --- malformed query parameters, path variables, headers ----------------------------------

    @Test
    void aMalformedQueryWithoutATokenIsRefusedAsUnauthorisedWithoutAStackTrace() throws Exception {
        RawHttp.Response response = rawGet("/api/certificates?limit=%%%", null);
        assertProblem(response.status(), response.header("Content-Type"), response.text(), 401);
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
    }

    @ParameterizedTest(name = "GET {0} -> 400 naming {1}")
    @CsvSource({
        "/api/manage/audit?limit=%%%,                 limit",
        "/api/manage/audit?limit=%C3%28,              limit",
        "/api/manage/audit?limit=abc,                 limit",
        "/api/manage/audit?limit=99999999999999999999, limit",
        "/api/manage/search?pageSize=abc,             pageSize",
        "/api/manage/search?pageSize=1.5,             pageSize",
        "/api/manage/search?continuationToken=garbage, continuationToken",
    })
    void aMalformedOrMistypedQueryParameterIs400NamingIt(String pathAndQuery, String parameter) throws Exception {
        RawHttp.Response response = rawGet(pathAndQuery, "manage");
        assertProblem(response.status(), response.header("Content-Type"), response.text(), 400);
        assertThat(response.text()).contains(parameter);
    }

    @Test
    void aMalformedPathVariableIs400() throws Exception {
        RawHttp.Response response = RawHttp.send(server.core.port(), "PATCH /api/manage/revoke/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + TOKENS.get("manage") + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", new byte[0], 10_000);
        assertProblem(response.status(), response.header("Content-Type"), response.text(), 400);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "Content-Type | ;;;",
        "Content-Type | application/json; charset=no-such-charset",
        "Accept       | ;;;",
    })
    void aMalformedHeaderIs4xxProblemJson(String header, String value) throws Exception {
        RawHttp.Response response = RawHttp.send(server.core.port(), "PUT " + DEVICE + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + TOKENS.get("directory") + "\r\n" + header + ": " + value + "\r\n"
                + "Content-Length: 16\r\nConnection: close\r\n\r\n", "{\"enabled\":true}".getBytes(StandardCharsets.US_ASCII), 10_000);
        assertThat(response.status()).as(response.text()).isBetween(400, 499);
        assertProblem(response.status(), response.header("Content-Type"), response.text(), response.status());
    }

    @Test
    void aMissingBodyIs400() throws Exception {
        assertProblem(call("PUT", DEVICE, "directory", "application/json", null), 400);
    }

    // --- strict JSON --------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} {1} {3} -> 400 naming {4}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        // a string where a boolean or a number belongs is not coerced, nor a number where a string belongs
        "PUT   | /api/directory/devices/0b7e0a4e-6a0c-4d6e-9b7c-3a2f1c0d9e8f | directory | {\"enabled\": \"true\"}                   | enabled",
        "PUT   | /api/directory/devices/0b7e0a4e-6a0c-4d6e-9b7c-3a2f1c0d9e8f | directory | {\"enabled\": 1}                        | enabled",
        "PUT   | /api/directory/devices/0b7e0a4e-6a0c-4d6e-9b7c-3a2f1c0d9e8f | directory | {\"enabled\": true, \"name\": 5}          | name",
        "PUT   | /api/directory/devices/0b7e0a4e-6a0c-4d6e-9b7c-3a2f1c0d9e8f | directory | {\"enabled\": true, \"name\": false}      | name",
        "PATCH | /api/manage/revoke/ABCDEF                                    | manage    | {\"revocationReason\": \"1\"}            | revocationReason",
        "PATCH | /api/manage/revoke/ABCDEF                                    | manage    | {\"revocationReason\": 1.5}              | revocationReason",
        "PATCH | /api/manage/revoke/ABCDEF                                    | manage    | {\"revocationReason\": 99999999999}      | revocationReason",
        "PATCH | /api/manage/revoke/ABCDEF                                    | manage    | {\"revocationReason\": \"\"}             | revocationReason",
        "POST  | /api/challenges                                              | challenge | {\"validityMinutes\": \"60\"}            | validityMinutes",
        "POST  | /api/challenges                                              | challenge | {\"subject\": [\"a\"]}                   | subject",
        // a second document after the first
        "PUT   | /api/directory/devices/0b7e0a4e-6a0c-4d6e-9b7c-3a2f1c0d9e8f | directory | {\"enabled\": true}{\"enabled\": false}   | document",
        "POST  | /api/challenges                                              | challenge | {} []                                   | document",
        // the same key twice
        "PUT   | /api/directory/devices/0b7e0a4e-6a0c-4d6e-9b7c-3a2f1c0d9e8f | directory | {\"enabled\": true, \"enabled\": false}   | enabled",
        // a field this body does not have
        "PUT   | /api/directory/devices/0b7e0a4e-6a0c-4d6e-9b7c-3a2f1c0d9e8f | directory | {\"enabled\": true, \"nmae\": \"x\"}      | nmae",
        "POST  | /api/challenges                                              | challenge | {\"validityMinute\": 5}                 | validityMinute",
        // not an object
        "POST  | /api/challenges                                              | challenge | [1, 2]                                  | object",
    })
    void aLenientBodyIs400NamingTheField(String method, String path, String token, String json, String field) throws Exception {
        HttpResponse<String> response = json(method, path, token, json);
        assertProblem(response, 400);
        assertThat(response.body()).contains(field);
    }

    @ParameterizedTest(name = "control character U+{0}")
    @ValueSource(strings = {"0001", "001F", "007F", "0085", "0000"})
    void aControlCharacterInAStringIs400NamingTheField(String codePoint) throws Exception {
        char control = (char) Integer.parseInt(codePoint, 16);
        for (String json : new String[] {"{\"enabled\": true, \"name\": \"lap" + control + "top\"}",
            "{\"enabled\": true, \"name\": \"lap\\u" + codePoint + "top\"}"}) {
            log.clear();
            HttpResponse<String> response = json("PUT", DEVICE, "directory", json);
            assertProblem(response, 400);
            assertThat(response.body()).contains("name");
        }
    }

    @Test
    void aStrictBodyIsStillAccepted() throws Exception {
        HttpResponse<String> response = json("PUT", "/api/directory/devices/" + UUID.randomUUID(), "directory",
                "{\"enabled\": true, \"name\": \"laptop \\u00e9 7\"}\n");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(response.body()).contains("laptop \u00e9 7");
    }

    // --- the token before the body, and bodies capped ----------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Content-Type: application/json\r\nContent-Length: " + TWENTY_MB,
        "Content-Type: application/json\r\nTransfer-Encoding: chunked",
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + TWENTY_MB,
        "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: " + TWENTY_MB})
    void withoutATokenTheAnswerComesBeforeTheBody(String bodyHeaders) throws Exception {
        RawHttp.Response response = RawHttp.sendHeadOnly(server.core.port(),
                "PUT " + DEVICE + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + bodyHeaders + "\r\n\r\n", 5_000);
        assertProblem(response.status(), response.header("Content-Type"), response.text(), 401);
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
    }

    @Test
    void withAGarbageOrRevokedTokenTheAnswerComesBeforeTheBody() throws Exception {
        for (String token : new String[] {"sct_" + "A".repeat(43), "not-even-ours", TOKENS.get("revoked")}) {
            log.clear();
            RawHttp.Response response = RawHttp.sendHeadOnly(server.core.port(), "PUT " + DEVICE + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\nContent-Length: " + TWENTY_MB + "\r\n\r\n", 5_000);
            assertProblem(response.status(), response.header("Content-Type"), response.text(), 401);
        }
    }

    @Test
    void aTokenWithoutTheRoleIsRefusedBeforeTheBody() throws Exception {
        RawHttp.Response response = RawHttp.sendHeadOnly(server.core.port(), "PUT " + DEVICE + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + TOKENS.get("manage") + "\r\nContent-Type: application/json\r\nContent-Length: " + TWENTY_MB
                + "\r\n\r\n", 5_000);
        assertProblem(response.status(), response.header("Content-Type"), response.text(), 403);
    }

    @Test
    void anAnnouncedBodyBeyondTheCapIs413BeforeItIsRead() throws Exception {
        RawHttp.Response response = RawHttp.sendHeadOnly(server.core.port(), "PUT " + DEVICE + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + TOKENS.get("directory") + "\r\nContent-Type: application/json\r\nContent-Length: " + TWENTY_MB
                + "\r\n\r\n", 5_000);
        assertProblem(response.status(), response.header("Content-Type"), response.text(), 413);
    }

    /** A chunked body announces no length: the cap counts what is read. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "PUT,  /api/directory/devices/0b7e0a4e-6a0c-4d6e-9b7c-3a2f1c0d9e8f, directory, application/json",
        "POST, /api/challenges,                                              challenge, application/json",
        "POST, /api/csr,                                                     csr,       application/pkcs10",
    })
    void aChunkedBodyBeyondTheCapIs413(String method, String path, String token, String contentType) throws Exception {
        String json = "{\"enabled\": true, \"subject\": \"" + "A".repeat(100 * 1024) + "\"}";
        byte[] body = json.getBytes(StandardCharsets.US_ASCII);
        StringBuilder chunks = new StringBuilder();
        for (int offset = 0; offset < body.length; offset += 8192) {
            int length = Math.min(8192, body.length - offset);
            chunks.append(Integer.toHexString(length)).append("\r\n").append(json, offset, offset + length).append("\r\n");
        }
        chunks.append("0\r\n\r\n");
        RawHttp.Response response = RawHttp.send(server.core.port(), method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + TOKENS.get(token) + "\r\nContent-Type: " + contentType
                + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n", chunks.toString().getBytes(StandardCharsets.US_ASCII), 10_000);
        assertProblem(response.status(), response.header("Content-Type"), response.text(), 413);
    }

    /**
     * Tomcat reads a form body itself when anything asks for a parameter, past the counting
     * stream: a form is refused before its body is read (the body here never ends).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"application/x-www-form-urlencoded", "multipart/form-data; boundary=x"})
    void aFormBodyIsRefusedBeforeItIsRead(String contentType) throws Exception {
        String chunk = "a=" + "A".repeat(8190);
        StringBuilder chunks = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            chunks.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        RawHttp.Response response = RawHttp.send(server.core.port(), "POST /api/challenges HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + TOKENS.get("challenge") + "\r\nContent-Type: " + contentType
                + "\r\nTransfer-Encoding: chunked\r\n\r\n", chunks.toString().getBytes(StandardCharsets.US_ASCII), 10_000);
        assertProblem(response.status(), response.header("Content-Type"), response.text(), 415);
    }

    @Test
    void aBodyWithinTheCapIsServed() throws Exception {
        String subject = "A".repeat(1000);
        HttpResponse<String> response = json("POST", "/api/challenges", "challenge", "{\"subject\": \"" + subject + "\", \"validityMinutes\": 5}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    // --- no secret in the log -----------------------------------------------------------------

    @Test
    void noTokenValueOrAuthorizationHeaderIsEverLogged() throws Exception {
        for (String token : TOKENS.keySet()) {
            rawGet("/api/manage/audit?limit=%%%", token);
            json("PUT", DEVICE, token, "{\"enabled\": \"yes\"}");
            RawHttp.send(server.core.port(), "GET /api/manage/audit HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + TOKENS.get(token) + "\u0001\r\nConnection: close\r\n\r\n", new byte[0], 10_000);
        }
        Thread.sleep(100);
        for (var event : log.allEvents()) {
            String text = event.getFormattedMessage() + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage());
            assertThat(text).doesNotContainIgnoringCase("authorization").doesNotContain("Bearer ");
            for (String value : TOKENS.values()) {
                assertThat(text).doesNotContain(value);
            }
        }
    }
}
