package dev.scepter.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.scepter.server.web.ApiJson;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import tools.jackson.core.JacksonException;

/**
 * The API's JSON binding without a server: the same mapper and the same words as a request gets,
 * so a unit test (or a fuzz test) can bind bodies exactly as the API does.
 */
class ApiJsonTest {

    private static final String CHALLENGE = "challenge";
    private static final String DIRECTORY = "directory";
    private static final String REVOKE = "revoke";

    private static Class<?> body(String kind) {
        return switch (kind) {
            case CHALLENGE -> ChallengeController.ChallengeBody.class;
            case DIRECTORY -> DirectoryController.DirectoryObjectBody.class;
            case REVOKE -> ManageController.RevokeBody.class;
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static String refusal(String kind, String json) {
        JacksonException e = catchThrowableOfType(JacksonException.class,
                () -> ApiJson.mapper().readValue(json.getBytes(StandardCharsets.UTF_8), body(kind)));
        assertThat(e).as("%s is refused", json).isNotNull();
        return ApiJson.describe(e);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "directory | {\"enabled\": \"true\"}                  | \"enabled\" must be true or false.",
        "directory | {\"enabled\": 1}                         | \"enabled\" must be true or false.",
        "directory | {\"enabled\": true, \"name\": 5}         | \"name\" must be a string.",
        "directory | {\"enabled\": true, \"name\": 5.5}       | \"name\" must be a string.",
        "directory | {\"enabled\": true, \"name\": true}      | \"name\" must be a string.",
        "directory | {\"enabled\": true, \"name\": {}}        | \"name\" must be a string.",
        "revoke    | {\"revocationReason\": \"1\"}            | \"revocationReason\" must be an integer.",
        "revoke    | {\"revocationReason\": \"\"}             | \"revocationReason\" must be an integer.",
        "revoke    | {\"revocationReason\": 1.0}              | \"revocationReason\" must be an integer.",
        "revoke    | {\"revocationReason\": true}             | \"revocationReason\" must be an integer.",
        "revoke    | {\"revocationReason\": 99999999999}      | \"revocationReason\" is out of range.",
        "revoke    | {\"revocationReason\": 123456789012345678901234567890} | The body nests deeper or has longer numbers than this API accepts.",
        "challenge | {\"validityMinutes\": \"60\"}            | \"validityMinutes\" must be an integer.",
        "challenge | {\"subject\": [\"a\"]}                   | \"subject\" must be a string.",
        "directory | {\"enabled\": true}{\"enabled\": false}  | The body holds more than one JSON document; send exactly one object.",
        "challenge | {} 1                                    | The body holds more than one JSON document; send exactly one object.",
        "directory | {\"enabled\": true, \"enabled\": false}  | \"enabled\" appears more than once; each field may appear once.",
        "revoke    | {\"revoker\": \"a\", \"revoker\": \"a\"}  | \"revoker\" appears more than once; each field may appear once.",
        "directory | {\"enabled\": true, \"nmae\": \"x\"}     | \"nmae\" is not a field of this body.",
        "challenge | [1, 2]                                  | The body must be a JSON object.",
        "challenge | \"text\"                                | The body must be a JSON object.",
        "directory | {\"enabled\": tru                        | The body is not valid JSON (at \"enabled\"), line 1, column 13.",
        "directory | {\"enabled\": true                       | The body ends before its JSON document does.",
        "directory | {\"enabled\": true, \"name\": \"a\\u0000b\"} | \"name\" holds a control character or an unpaired surrogate.",
        "directory | {\"enabled\": true, \"name\": \"a\\u007fb\"} | \"name\" holds a control character or an unpaired surrogate.",
        "directory | {\"enabled\": true, \"name\": \"a\\ud800b\"} | \"name\" holds a control character or an unpaired surrogate.",
        "directory | {\"enabled\": true, \"name\": \"a\\udc00\"}  | \"name\" holds a control character or an unpaired surrogate.",
    })
    void aLenientBodyIsRefusedInOurWordsNamingTheField(String kind, String json, String message) {
        assertThat(refusal(kind, json)).isEqualTo(message);
    }

    @Test
    void aRawControlCharacterIsRefusedNamingTheField() {
        for (char control : new char[] {0x01, 0x1f, 0x7f, 0x85, 0x9f}) {
            assertThat(refusal(DIRECTORY, "{\"enabled\": true, \"name\": \"a" + control + "b\"}"))
                    .isEqualTo("\"name\" holds a control character or an unpaired surrogate.");
        }
    }

    @Test
    void aStrictBodyBinds() throws Exception {
        DirectoryController.DirectoryObjectBody body = ApiJson.mapper().readValue(
                " {\"enabled\": false, \"name\": \"laptop \\u00e9 \ud83d\udd11\", \"onPremisesSecurityIdentifier\": null}\n",
                DirectoryController.DirectoryObjectBody.class);
        assertThat(body.enabled()).isFalse();
        assertThat(body.name()).isEqualTo("laptop \u00e9 \ud83d\udd11");
        assertThat(ApiJson.mapper().readValue("{}", ChallengeController.ChallengeBody.class).validityMinutes()).isNull();
        assertThat(ApiJson.mapper().readValue("{\"revocationReason\": 4}", ManageController.RevokeBody.class).revocationReason()).isEqualTo(4);
    }

    @Test
    void aProblemIsWrittenWithItsMembersAtTheTopLevel() {
        ProblemDetail problem = ApiProblemHandler.detail(HttpStatus.NOT_FOUND, "Certificate not found.", 7012);
        assertThat(ApiJson.mapper().writeValueAsString(problem)).contains("\"errorMessage\":\"Certificate not found.\"", "\"errorCode\":7012")
                .doesNotContain("\"properties\"");
    }
}
