package dev.scepter.server.acme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.protocol.acme.AcmeError;
import dev.scepter.protocol.acme.AcmeProblem;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** HTTP-01's fetch ends at its deadline even when the server sends its headers and then trickles the body. */
class Http01ValidatorTest {

    @Test
    void aServerTricklingItsBodyIsCutOffAtTheDeadline() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread trickler = new Thread(() -> {
                try (Socket socket = listener.accept()) {
                    socket.getInputStream().read(new byte[4096]);
                    OutputStream out = socket.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    for (int i = 0; i < 100; i++) {
                        out.write('a');
                        out.flush();
                        Thread.sleep(200);
                    }
                } catch (Exception e) {
                    // the validator hung up, as it should
                }
            });
            trickler.setDaemon(true);
            trickler.start();
            long start = System.nanoTime();
            Optional<AcmeProblem> failure = new Http01Validator(listener.getLocalPort(), Duration.ofSeconds(1))
                    .validate("localhost", "token", "token.thumbprint");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(failure).hasValueSatisfying(p -> assertThat(p.error()).isEqualTo(AcmeError.CONNECTION));
            assertThat(took).as("one deadline for the whole fetch").isLessThan(Duration.ofSeconds(4));
        }
    }
}
