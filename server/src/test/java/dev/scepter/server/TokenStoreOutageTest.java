package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.token.ApiRole;
import dev.scepter.authority.token.ApiTokens;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * While the token store cannot be read, a caller with a token is told to try again later (503
 * problem+json with Retry-After), not that its token is bad (401) and not a bare 500; a caller
 * without a token is still a plain 401, which needs no store.
 */
class TokenStoreOutageTest {

    @Test
    void aTokenThatCannotBeCheckedIsA503AndOneLogLine() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of())) {
            String token = new ApiTokens(server.core.storage().apiTokenStore(), server.core.storage().auditLog(), Clock.systemUTC(),
                    new SecureRandom()).create("test", "manage", Set.of(ApiRole.MANAGE_ALL), Optional.empty()).value();
            server.core.storage().close();
            try (LogCapture log = LogCapture.attach()) {
                RawHttp.Response response = RawHttp.send(server.core.port(), "GET /api/manage/audit HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Authorization: Bearer " + token + "\r\nConnection: close\r\n\r\n", new byte[0], 10_000);
                assertThat(response.status()).as(response.text()).isEqualTo(503);
                assertThat(response.header("Content-Type")).startsWith("application/problem+json");
                assertThat(response.header("Retry-After")).isNotBlank();
                assertThat(response.text()).doesNotContain("Exception").doesNotContain("Hikari").doesNotContain("SQL");
                Thread.sleep(50);
                assertThat(log.requestLines()).as(log.describe()).isEqualTo(1);
                assertThat(log.describe()).doesNotContain(token);

                RawHttp.Response anonymous = RawHttp.send(server.core.port(), "GET /api/manage/audit HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Connection: close\r\n\r\n", new byte[0], 10_000);
                assertThat(anonymous.status()).isEqualTo(401);
            }
        }
    }
}
