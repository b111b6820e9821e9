package dev.scepter.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.scepter.server.web.ApiJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.ServletWebRequest;

/**
 * An exception's message never reaches the client: what the code below a controller throws may
 * name classes, SQL, paths or what the client sent. The client gets our fixed words, the log one
 * line.
 */
class ApiProblemHandlerTest {

    private static final String SECRET = "jdbc:h2:/srv/scepter-data/scepter;PASSWORD=hunter2 at org.bouncycastle.asn1.ASN1InputStream";

    private final ApiProblemHandler handler = new ApiProblemHandler();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void captureTheLog() {
        // System.Logger goes through java.util.logging to SLF4J, as in the server (Spring Boot installs the bridge there).
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        Logger logger = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(ApiProblemHandler.class.getName());
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void releaseTheLog() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(ApiProblemHandler.class.getName()).detachAppender(log);
    }

    @Test
    void anUnexpectedExceptionIsA500WithAFixedTextAndOneLogLineWithoutAStackTrace() {
        ResponseEntity<ProblemDetail> response = handler.unexpected(new IllegalStateException(SECRET),
                new ServletWebRequest(new MockHttpServletRequest("GET", "/api/manage/audit")));

        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
        assertThat(response.getBody().getDetail()).isEqualTo("The server failed; its log says why.");
        assertThat(ApiJson.mapper().writeValueAsString(response.getBody())).doesNotContain("hunter2").doesNotContain("bouncycastle");
        assertThat(log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.INFO)))
                .singleElement().satisfies(e -> {
                    assertThat(e.getThrowableProxy()).as("no stack trace at INFO or above").isNull();
                    assertThat(e.getFormattedMessage()).contains("GET /api/manage/audit", "IllegalStateException").doesNotContain("\n");
                });
    }

    @Test
    void anIllegalArgumentsMessageIsNotEchoed() {
        ResponseEntity<ProblemDetail> response = handler.badArgument(new IllegalArgumentException(SECRET));

        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(response.getBody().getDetail()).isEqualTo("The request holds a value this server cannot use.");
        assertThat(ApiJson.mapper().writeValueAsString(response.getBody())).doesNotContain("hunter2").doesNotContain("bouncycastle");
        assertThat(log.list).allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull()).hasSizeLessThanOrEqualTo(1);
    }
}
