package dev.scepter.server.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code scepter probe}, the container image's health check: 0 exactly when /probe answers 200. */
class ProbeCommandTest {

    private final AtomicInteger status = new AtomicInteger(200);
    private HttpServer server;

    @BeforeEach
    void startProbe() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/probe", exchange -> {
            byte[] body = (status.get() == 200 ? "CA: OK" : "Storage: FAILING").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopProbe() {
        server.stop(0);
    }

    @Test
    void healthyWhenTheProbeAnswers200() {
        assertThat(probe(url())).isZero();
    }

    @Test
    void unhealthyWhenTheProbeAnswers503() {
        status.set(503);
        assertThat(probe(url())).isEqualTo(1);
    }

    @Test
    void unhealthyWhenNothingListens() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        assertThat(probe("http://127.0.0.1:" + closed + "/probe")).isEqualTo(1);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/probe";
    }

    private static int probe(String url) {
        PrintStream out = System.out;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            return new CommandLine(new ProbeCommand()).execute("--url", url, "--timeout", "5");
        } finally {
            System.setOut(out);
        }
    }
}
