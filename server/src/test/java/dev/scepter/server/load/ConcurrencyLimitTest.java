package dev.scepter.server.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A bulkhead sheds at once beyond its limit, and says so once per client, route and minute. */
class ConcurrencyLimitTest {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger(ShedLog.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(new SimpleFormatter().formatMessage(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void capture() {
        logger.addHandler(capture);
    }

    @AfterEach
    void release() {
        logger.removeHandler(capture);
    }

    @Test
    void beyondTheLimitRequestsAreShedAtOnceAndLoggedOncePerClientAndRoute() {
        ConcurrencyLimit limit = new ConcurrencyLimit("AppConfig:OCSP:ConcurrentSigningLimit", 1, new ShedLog());
        assertThat(limit.tryAcquire("POST /ocsp", "192.0.2.1", "tryLater")).isTrue();
        for (int i = 0; i < 50; i++) {
            assertThat(limit.tryAcquire("POST /ocsp", "192.0.2.1", "tryLater")).isFalse();
        }
        assertThat(limit.tryAcquire("GET /ocsp", "192.0.2.1", "tryLater")).isFalse();
        assertThat(limit.tryAcquire("POST /ocsp", "192.0.2.2", "tryLater")).isFalse();

        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains("AppConfig:OCSP:ConcurrentSigningLimit reached", "192.0.2.1", "POST /ocsp", "tryLater");
        assertThat(lines.get(1)).contains("192.0.2.1", "GET /ocsp");
        assertThat(lines.get(2)).contains("192.0.2.2", "POST /ocsp");

        limit.release();
        assertThat(limit.tryAcquire("POST /ocsp", "192.0.2.1", "tryLater")).as("a place is free again").isTrue();
    }
}
