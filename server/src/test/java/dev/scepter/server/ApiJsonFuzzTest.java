package dev.scepter.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.scepter.server.api.ChallengeController.ChallengeBody;
import dev.scepter.server.api.DirectoryController.DirectoryObjectBody;
import dev.scepter.server.api.ManageController.RevokeBody;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.mock.http.MockHttpInputMessage;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * Fuzzes the API's JSON bodies as Spring MVC binds them for {@code @RequestBody}: with the JSON
 * converter of the running server, so with the server's own Jackson configuration, whatever it
 * is. The contract: a body binds or {@link HttpMessageNotReadableException} is thrown, which the
 * API answers with 400 problem+json; anything else (another exception, a StackOverflowError,
 * OutOfMemoryError, a hang) is a finding. Seeds: the bodies of {@code docs/api.md}, in
 * {@code ApiJsonFuzzTestInputs/}.
 */
class ApiJsonFuzzTest {

    private static RunningServer server;
    private static HttpMessageConverter<Object> json;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void start() throws Exception {
        server = RunningServer.start(Map.of());
        json = (HttpMessageConverter<Object>) server.context.getBean(RequestMappingHandlerAdapter.class).getMessageConverters()
                .stream().filter(converter -> converter.canRead(ChallengeBody.class, MediaType.APPLICATION_JSON))
                .findFirst().orElseThrow();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @FuzzTest(maxDuration = "60s")
    void challengeBody(byte[] body) {
        bind(body, ChallengeBody.class);
    }

    @FuzzTest(maxDuration = "60s")
    void directoryObjectBody(byte[] body) {
        bind(body, DirectoryObjectBody.class);
    }

    @FuzzTest(maxDuration = "60s")
    void revokeBody(byte[] body) {
        bind(body, RevokeBody.class);
    }

    private static void bind(byte[] body, Class<?> type) {
        if (body.length == 0) {
            // Spring MVC does not call a converter for an empty body: the argument is null, or a 400 when required.
            return;
        }
        MockHttpInputMessage message = new MockHttpInputMessage(body);
        message.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        try {
            json.read(type, message);
        } catch (HttpMessageNotReadableException expected) {
            // 400 problem+json
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
