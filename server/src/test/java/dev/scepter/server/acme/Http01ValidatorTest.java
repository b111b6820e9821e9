package dev.scepter.server.acme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.protocol.acme.AcmeError;
import dev.scepter.protocol.acme.AcmeProblem;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * HTTP-01's fetch against a loopback server answering exactly the bytes each test gives: the
 * deadline, the bounds on headers and body, chunked bodies, statuses, and the request it sends.
 */
class Http01ValidatorTest {

    @Test
    void aServerTricklingItsBodyIsCutOffAtTheDeadline() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread trickler = new Thread(() -> {
                try (Socket socket = listener.accept()) {
                    socket.getInputStream().read(new byte[4096]);
                    OutputStream out = socket.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 400\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
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

    private static final String KEY_AUTHORIZATION = "token.thumbprint";

    /** What the server received (the request head) and what the validator said. */
    private record Exchange(String request, Optional<AcmeProblem> outcome) {
    }

    /** Serves {@code answer} to one request on a loopback port, then closes. */
    private static Exchange exchange(String answer) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> request = new CompletableFuture<>();
            Thread server = new Thread(() -> {
                try (Socket socket = listener.accept()) {
                    InputStream in = socket.getInputStream();
                    ByteArrayOutputStream head = new ByteArrayOutputStream();
                    int window = 0;
                    while (window != 0x0D0A0D0A) {
                        int b = in.read();
                        if (b < 0) {
                            break;
                        }
                        head.write(b);
                        window = window << 8 | b;
                    }
                    request.complete(head.toString(StandardCharsets.US_ASCII));
                    socket.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
                    socket.getOutputStream().flush();
                } catch (Exception e) {
                    request.completeExceptionally(e);
                }
            });
            server.setDaemon(true);
            server.start();
            Optional<AcmeProblem> outcome = new Http01Validator(listener.getLocalPort(), Duration.ofSeconds(5))
                    .validate("www.localhost", "token", KEY_AUTHORIZATION);
            return new Exchange(request.get(5, TimeUnit.SECONDS), outcome);
        }
    }

    private static void assertIncorrect(Exchange exchange, String detail) {
        assertThat(exchange.outcome()).hasValueSatisfying(p -> {
            assertThat(p.error()).isEqualTo(AcmeError.INCORRECT_RESPONSE);
            assertThat(p.detail()).contains(detail);
        });
    }

    @Test
    void theRequestNamesTheHostWithItsPortAndThePortIsLeftOutWhenItIs80() throws Exception {
        Exchange exchange = exchange("HTTP/1.1 200 OK\r\nContent-Length: 16\r\n\r\n" + KEY_AUTHORIZATION);
        assertThat(exchange.outcome()).isEmpty();
        assertThat(exchange.request()).startsWith("GET /.well-known/acme-challenge/token HTTP/1.1\r\n")
                .matches("(?s).*\r\nHost: www\\.localhost:[0-9]+\r\n.*");
        assertThat(Http01Validator.authority("www.example.com", 80)).isEqualTo("www.example.com");
        assertThat(Http01Validator.authority("www.example.com", 8080)).isEqualTo("www.example.com:8080");
        assertThat(Http01Validator.authority("2001:db8::1", 80)).isEqualTo("[2001:db8::1]");
    }

    @Test
    void aChunkedBodyIsJoinedAndTrailingWhiteSpaceIgnored() throws Exception {
        Exchange exchange = exchange("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\ntoken.\r\na;ext=1\r\nthumbprint\r\n2\r\n\r\n\r\n0\r\n\r\n");
        assertThat(exchange.outcome()).isEmpty();
    }

    @Test
    void aBodyWithATrailingCrlfIsTheKeyAuthorizationButOneWithLeadingWhiteSpaceIsNot() throws Exception {
        assertThat(exchange("HTTP/1.1 200 OK\r\nContent-Length: 18\r\n\r\n" + KEY_AUTHORIZATION + "\r\n").outcome()).isEmpty();
        assertIncorrect(exchange("HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n " + KEY_AUTHORIZATION), "did not serve the key authorization");
        assertIncorrect(exchange("HTTP/1.1 200 OK\r\n\r\nsomething.else"), "did not serve the key authorization");
    }

    @Test
    void aNegativeOrSignedChunkSizeIsRefusedAtOnce() throws Exception {
        long start = System.nanoTime();
        assertIncorrect(exchange("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\nab\r\n-1\r\nab\r\n"), "chunk size");
        assertIncorrect(exchange("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n+10\r\n0123456789abcdef\r\n0\r\n\r\n"), "chunk size");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not held to the deadline").isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void aChunkWithoutItsCrlfOrBeyondTheBodyLimitIsRefused() throws Exception {
        assertIncorrect(exchange("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\ntoken.thumbprintXY0\r\n\r\n"), "no CRLF after a chunk");
        assertIncorrect(exchange("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n201\r\n" + "a".repeat(513) + "\r\n0\r\n\r\n"),
                "longer than 512 bytes");
        assertIncorrect(exchange("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + "a".repeat(1000)), "more than 512");
        assertIncorrect(exchange("HTTP/1.1 200 OK\r\n\r\n" + "a".repeat(1000)), "longer than 512 bytes");
        assertIncorrect(exchange("HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n"), "Content-Length");
    }

    @Test
    void headersOver8KibAreRefused() throws Exception {
        assertIncorrect(exchange("HTTP/1.1 200 OK\r\nX-Filler: " + "a".repeat(9000) + "\r\nContent-Length: 16\r\n\r\n" + KEY_AUTHORIZATION),
                "headers longer than 8192 bytes");
    }

    @Test
    void aStatusOtherThan200IsIncorrectResponseAndARedirectIsNotFollowed() throws Exception {
        assertIncorrect(exchange("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"), "answered HTTP 404");
        assertIncorrect(exchange("HTTP/1.1 301 Moved Permanently\r\nLocation: https://www.localhost/\r\nContent-Length: 0\r\n\r\n"),
                "answered HTTP 301 (redirects are not followed)");
        assertIncorrect(exchange("SSH-2.0-OpenSSH_9.2\r\n\r\n"), "no HTTP/1.x status line");
    }

    @Test
    void addressesThatAreNeverAnHttp01TargetAreNotFetched() throws Exception {
        for (String refused : new String[] {"0.0.0.0", "::", "169.254.169.254", "fe80::1", "224.0.0.1", "ff02::1",
                // cloud metadata that is not link-local, and 169.254.169.254 inside IPv6 (IPv4-compatible, NAT64)
                "fd00:ec2::254", "168.63.129.16", "100.100.100.200", "192.0.0.192", "::a9fe:a9fe", "64:ff9b::a9fe:a9fe", "::ffff:169.254.169.254"}) {
            assertThat(Http01Validator.mayBeTarget(InetAddress.getByName(refused))).as(refused).isFalse();
        }
        // Loopback and private addresses are contacted: the CA often validates a network's own servers.
        for (String allowed : new String[] {"127.0.0.1", "::1", "192.0.2.10", "2001:db8::1", "10.0.0.1", "192.168.1.1", "fd00:ec2::253",
                "64:ff9b::c000:20a", "100.100.100.201"}) {
            assertThat(Http01Validator.mayBeTarget(InetAddress.getByName(allowed))).as(allowed).isTrue();
        }
        Optional<AcmeProblem> problem = new Http01Validator(80, Duration.ofSeconds(2)).validate("169.254.169.254", "token", KEY_AUTHORIZATION);
        assertThat(problem).hasValueSatisfying(p -> assertThat(p.error()).isEqualTo(AcmeError.CONNECTION));
    }

    @Test
    void anAddressThatDropsTheConnectionCostsItsConnectBoundAndTheNextAddressIsTried() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                BlackHole hole = new BlackHole(listener.getLocalPort())) {
            Thread server = new Thread(() -> {
                try (Socket socket = listener.accept()) {
                    socket.getInputStream().read(new byte[4096]);
                    socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 16\r\n\r\n" + KEY_AUTHORIZATION).getBytes(StandardCharsets.US_ASCII));
                } catch (Exception e) {
                    // the validator hung up
                }
            });
            server.setDaemon(true);
            server.start();
            Http01Validator validator = new Http01Validator(listener.getLocalPort(), Duration.ofSeconds(5), Duration.ofSeconds(1));
            long start = System.nanoTime();
            assertThat(validator.validate("www.localhost", "token", KEY_AUTHORIZATION, List.of(BlackHole.ADDRESS, InetAddress.getByName("127.0.0.1")),
                    start + Duration.ofSeconds(5).toNanos())).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));

            // Alone, the dropping address is a connection problem that says the bound it was given.
            Optional<AcmeProblem> alone = validator.validate("www.localhost", "token", KEY_AUTHORIZATION, List.of(BlackHole.ADDRESS),
                    System.nanoTime() + Duration.ofSeconds(5).toNanos());
            assertThat(alone).hasValueSatisfying(p -> {
                assertThat(p.error()).isEqualTo(AcmeError.CONNECTION);
                assertThat(p.detail()).isEqualTo("cannot connect to http://www.localhost:" + listener.getLocalPort()
                        + "/.well-known/acme-challenge/token: no answer within 1 s");
            });
        }
    }
}
