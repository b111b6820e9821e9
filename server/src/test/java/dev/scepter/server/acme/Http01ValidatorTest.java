package dev.scepter.server.acme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.acme.AcmeProfile;
import dev.scepter.protocol.acme.AcmeError;
import dev.scepter.protocol.acme.AcmeProblem;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
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

    /** Certifies localhost and every name under it, so that redirects between loopback names are the profile's. */
    private static final AcmeProfile PROFILE = new AcmeProfile("test", List.of("localhost"), List.of());

    /** What the client is told when a hop after the first fails. */
    private static final String LATER_HOP = "a redirect target was refused or did not answer with the key authorization";

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
            Optional<AcmeProblem> failure = new Http01Validator(PROFILE, listener.getLocalPort(), Duration.ofSeconds(1))
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
            Optional<AcmeProblem> outcome = new Http01Validator(PROFILE, listener.getLocalPort(), Duration.ofSeconds(5))
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
    void aStatusOtherThan200IsIncorrectResponse() throws Exception {
        assertIncorrect(exchange("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"), "answered HTTP 404");
        assertIncorrect(exchange("HTTP/1.1 304 Not Modified\r\nLocation: /elsewhere\r\n\r\n"), "answered HTTP 304");
        assertIncorrect(exchange("HTTP/1.1 301 Moved Permanently\r\nContent-Length: 0\r\n\r\n"), "answered HTTP 301 without a Location");
        assertIncorrect(exchange("SSH-2.0-OpenSSH_9.2\r\n\r\n"), "no HTTP/1.x status line");
    }

    @Test
    void addressesThatAreNeverAnHttp01TargetAreNotFetched() throws Exception {
        for (String refused : new String[] {"0.0.0.0", "::", "169.254.169.254", "fe80::1", "224.0.0.1", "ff02::1",
                // cloud metadata that is not link-local, and 169.254.169.254 inside IPv6 (IPv4-compatible, NAT64)
                "fd00:ec2::254", "168.63.129.16", "100.100.100.200", "192.0.0.192", "::a9fe:a9fe", "64:ff9b::a9fe:a9fe", "::ffff:169.254.169.254",
                "64:ff9b::6464:64c8"}) {
            assertThat(Http01Validator.mayBeTarget(InetAddress.getByName(refused))).as(refused).isFalse();
        }
        // Loopback and private addresses are contacted: the CA often validates a network's own servers.
        for (String allowed : new String[] {"127.0.0.1", "::1", "192.0.2.10", "2001:db8::1", "10.0.0.1", "192.168.1.1", "fd00:ec2::253",
                "64:ff9b::c000:20a", "100.100.100.201"}) {
            assertThat(Http01Validator.mayBeTarget(InetAddress.getByName(allowed))).as(allowed).isTrue();
        }
        Optional<AcmeProblem> problem = new Http01Validator(PROFILE, 80, Duration.ofSeconds(2)).validate("169.254.169.254", "token", KEY_AUTHORIZATION);
        assertThat(problem).hasValueSatisfying(p -> assertThat(p.error()).isEqualTo(AcmeError.CONNECTION));
    }

    /** A loopback server (TLS when given a context) answering each request with what {@code answer} makes of its head. */
    private static final class Loopback implements AutoCloseable {
        private final ServerSocket listener;
        final List<String> requests = new CopyOnWriteArrayList<>();

        Loopback(SSLContext tls, Function<String, String> answer) throws Exception {
            listener = tls == null ? new ServerSocket(0, 50, InetAddress.getLoopbackAddress())
                    : tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread server = new Thread(() -> {
                while (!listener.isClosed()) {
                    try (Socket socket = listener.accept()) {
                        InputStream in = socket.getInputStream();
                        ByteArrayOutputStream head = new ByteArrayOutputStream();
                        int window = 0;
                        int b;
                        while (window != 0x0D0A0D0A && (b = in.read()) >= 0) {
                            head.write(b);
                            window = window << 8 | b;
                        }
                        String request = head.toString(StandardCharsets.US_ASCII);
                        requests.add(request);
                        socket.getOutputStream().write(answer.apply(request).getBytes(StandardCharsets.ISO_8859_1));
                        socket.getOutputStream().flush();
                    } catch (Exception e) {
                        // closed, or a client that went away: the next one is served
                    }
                }
            });
            server.setDaemon(true);
            server.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            listener.close();
        }
    }

    private static String redirect(int status, String location) {
        return "HTTP/1.1 " + status + " Moved\r\nLocation: " + location + "\r\nContent-Length: 5\r\n\r\nmoved";
    }

    private static final String SERVED = "HTTP/1.1 200 OK\r\nContent-Length: 16\r\n\r\n" + KEY_AUTHORIZATION;

    /** A TLS server context with a self-signed certificate no one trusts, as a name's first https setup has. */
    private static SSLContext untrustedTls() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("EC").generateKeyPair();
        X500Name name = new X500Name("CN=not-the-name-asked-for");
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                new Date(System.currentTimeMillis() - 60_000), new Date(System.currentTimeMillis() + 3_600_000), name, keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", keys.getPrivate(), "x".toCharArray(), new Certificate[] {certificate});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(store, "x".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        return tls;
    }

    @Test
    void aRedirectToHttpsOnAnotherPortIsFollowedWithAnyCertificateAndTheNamesInHost() throws Exception {
        try (Loopback https = new Loopback(untrustedTls(), request -> SERVED)) {
            try (Loopback http = new Loopback(null, request -> redirect(301, "https://central.localhost:" + https.port() + "/.well-known/acme-challenge/token"))) {
                Optional<AcmeProblem> outcome = new Http01Validator(PROFILE, http.port(), https.port(), Duration.ofSeconds(5)).validate("www.localhost", "token", KEY_AUTHORIZATION);
                assertThat(outcome).isEmpty();
                assertThat(http.requests).hasSize(1);
                assertThat(https.requests).singleElement().satisfies(request -> assertThat(request)
                        .startsWith("GET /.well-known/acme-challenge/token HTTP/1.1\r\n").contains("\r\nHost: central.localhost:" + https.port() + "\r\n"));
            }
        }
    }

    @Test
    void aRelativeRedirectOnTheSameServerIsFollowedAndTheLastAnswerReadAsEver() throws Exception {
        try (Loopback http = new Loopback(null, request -> request.startsWith("GET /.well-known/") ? redirect(307, "/central/token?from=www")
                : "HTTP/1.1 200 OK\r\nContent-Length: 18\r\n\r\n " + KEY_AUTHORIZATION + "\n")) {
            Optional<AcmeProblem> outcome = new Http01Validator(PROFILE, http.port(), Duration.ofSeconds(5)).validate("www.localhost", "token", KEY_AUTHORIZATION);
            assertThat(outcome).as("leading white space is still not the key authorization; the client is not told where or what")
                    .hasValueSatisfying(p -> assertThat(p.detail()).isEqualTo("http://www.localhost:" + http.port() + "/.well-known/acme-challenge/token redirects; "
                            + LATER_HOP + " (the CA's log says which, for its operator)"));
            assertThat(http.requests).hasSize(2);
            assertThat(http.requests.get(1)).startsWith("GET /central/token?from=www HTTP/1.1\r\n");
        }
    }

    @Test
    void aRedirectLoopAndTooManyRedirectsAreConnectionProblems() throws Exception {
        try (Loopback loop = new Loopback(null, request -> redirect(302, request.startsWith("GET /a ") ? "/b" : "/a"))) {
            Optional<AcmeProblem> outcome = new Http01Validator(PROFILE, loop.port(), Duration.ofSeconds(5)).validate("www.localhost", "token", KEY_AUTHORIZATION);
            assertThat(outcome).hasValueSatisfying(p -> {
                assertThat(p.error()).isEqualTo(AcmeError.CONNECTION);
                assertThat(p.detail()).contains(LATER_HOP).doesNotContain(":" + loop.port() + "/a").doesNotContain("/b").doesNotContain("loop");
            });
            assertThat(loop.requests).as("the token's path, /a, /b, then /a again is not fetched").hasSize(3);
        }
        AtomicInteger hops = new AtomicInteger();
        try (Loopback onward = new Loopback(null, request -> redirect(308, "/hop" + hops.incrementAndGet()))) {
            Optional<AcmeProblem> outcome = new Http01Validator(PROFILE, onward.port(), Duration.ofSeconds(5)).validate("www.localhost", "token", KEY_AUTHORIZATION);
            assertThat(outcome).hasValueSatisfying(p -> {
                assertThat(p.error()).isEqualTo(AcmeError.CONNECTION);
                assertThat(p.detail()).contains(LATER_HOP).doesNotContain("/hop");
            });
            assertThat(onward.requests).as("the first fetch and 10 redirects").hasSize(1 + Http01Validator.MAX_REDIRECTS);
        }
    }

    @Test
    void aRedirectToAnAddressNeverATargetIsRefusedWithoutConnecting() throws Exception {
        // A profile certifying every address, so that only the address policy can refuse these.
        AcmeProfile anyAddress = new AcmeProfile("test", List.of("localhost"), List.of("0.0.0.0/0", "::/0"));
        for (String address : new String[] {"169.254.169.254", "[fe80::1]", "0.0.0.0", "[fd00:ec2::254]", "168.63.129.16", "100.100.100.200",
            "192.0.0.192", "[::a9fe:a9fe]", "[64:ff9b::a9fe:a9fe]"}) {
            // Checked first, so that a policy that lets one through fails here and never connects there.
            assertThat(Http01Validator.mayBeTarget(InetAddress.getByName(address.replaceAll("[\\[\\]]", "")))).as(address).isFalse();
            AtomicInteger port = new AtomicInteger();
            // On the HTTP-01 port, so that only the address policy can refuse it.
            try (Loopback http = new Loopback(null, request -> redirect(302, "http://" + address + ":" + port.get() + "/latest/meta-data/"))) {
                port.set(http.port());
                long start = System.nanoTime();
                Optional<AcmeProblem> outcome = new Http01Validator(anyAddress, http.port(), Duration.ofSeconds(8)).validate("www.localhost", "token", KEY_AUTHORIZATION);
                assertThat(outcome).as(address).hasValueSatisfying(p -> {
                    assertThat(p.error()).isEqualTo(AcmeError.CONNECTION);
                    assertThat(p.detail()).contains(LATER_HOP).doesNotContain("meta-data");
                });
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no connection tried, none timed out").isLessThan(Duration.ofSeconds(2));
            }
        }
    }

    @Test
    void aRedirectToAnotherSchemeOrPortOrFromHttpsBackToHttpIsRefused() throws Exception {
        for (String location : new String[] {"ftp://www.localhost/token", "file:///etc/passwd", "gopher://www.localhost:70/"}) {
            try (Loopback http = new Loopback(null, request -> redirect(301, location))) {
                Optional<AcmeProblem> outcome = new Http01Validator(PROFILE, http.port(), Duration.ofSeconds(5)).validate("www.localhost", "token", KEY_AUTHORIZATION);
                assertThat(outcome).as(location).hasValueSatisfying(p -> {
                    assertThat(p.error()).isEqualTo(AcmeError.CONNECTION);
                    assertThat(p.detail()).contains("only http and https are followed");
                });
                assertThat(http.requests).hasSize(1);
            }
        }
        try (Loopback other = new Loopback(null, request -> SERVED);
                Loopback http = new Loopback(null, request -> redirect(301, "http://www.localhost:" + other.port() + "/.well-known/acme-challenge/token"))) {
            Optional<AcmeProblem> outcome = new Http01Validator(PROFILE, http.port(), Duration.ofSeconds(5)).validate("www.localhost", "token", KEY_AUTHORIZATION);
            assertThat(outcome).hasValueSatisfying(p -> {
                assertThat(p.error()).isEqualTo(AcmeError.CONNECTION);
                assertThat(p.detail()).contains("only http on port " + http.port() + " is followed");
            });
            assertThat(other.requests).as("a port other than the HTTP-01 port is not connected to").isEmpty();
        }
        AtomicInteger httpPort = new AtomicInteger();
        try (Loopback https = new Loopback(untrustedTls(), request -> redirect(302, "http://www.localhost:" + httpPort.get() + "/back"));
                Loopback http = new Loopback(null, request -> request.startsWith("GET /back ") ? SERVED : redirect(302, "https://www.localhost:" + https.port() + "/"))) {
            httpPort.set(http.port());
            Optional<AcmeProblem> outcome = new Http01Validator(PROFILE, http.port(), https.port(), Duration.ofSeconds(5)).validate("www.localhost", "token", KEY_AUTHORIZATION);
            assertThat(outcome).hasValueSatisfying(p -> {
                assertThat(p.error()).isEqualTo(AcmeError.CONNECTION);
                assertThat(p.detail()).as("the https hop's answer is not echoed").contains(LATER_HOP).doesNotContain("/back");
            });
            assertThat(https.requests).hasSize(1);
            assertThat(http.requests).as("/back is never asked for").hasSize(1);
        }
    }

    @Test
    void aRedirectToANameOrAddressTheProfileDoesNotCertifyIsRefusedWithoutConnecting() throws Exception {
        AcmeProfile wwwOnly = new AcmeProfile("test", List.of("www.localhost"), List.of());
        try (Loopback https = new Loopback(untrustedTls(), request -> SERVED)) {
            // Loopback, but not the profile's: central.localhost (outside its suffix) and 127.0.0.1 (in no IP range).
            for (String location : new String[] {"https://central.localhost:" + https.port() + "/.well-known/acme-challenge/token",
                "https://127.0.0.1:" + https.port() + "/.well-known/acme-challenge/token"}) {
                try (Loopback http = new Loopback(null, request -> redirect(302, location))) {
                    Optional<AcmeProblem> outcome = new Http01Validator(wwwOnly, http.port(), https.port(), Duration.ofSeconds(5))
                            .validate("www.localhost", "token", KEY_AUTHORIZATION);
                    assertThat(outcome).as(location).hasValueSatisfying(p -> {
                        assertThat(p.error()).isEqualTo(AcmeError.CONNECTION);
                        assertThat(p.detail()).contains("to a host this CA does not validate").contains("profile 'test' does not certify");
                    });
                    assertThat(http.requests).hasSize(1);
                }
            }
            assertThat(https.requests).as("neither target connected to").isEmpty();
            // The same redirect is followed where the profile certifies the name.
            try (Loopback http = new Loopback(null, request -> redirect(302, "https://central.localhost:" + https.port() + "/.well-known/acme-challenge/token"))) {
                assertThat(new Http01Validator(PROFILE, http.port(), https.port(), Duration.ofSeconds(5)).validate("www.localhost", "token", KEY_AUTHORIZATION))
                        .isEmpty();
                assertThat(https.requests).hasSize(1);
            }
        }
    }

    @Test
    void aLocationWithCharactersUriRefusesOrAnInternationalizedHostIsFollowedAsABrowserWould() throws Exception {
        try (Loopback http = new Loopback(null, request -> request.startsWith("GET /.well-known/") ? redirect(302, "/central/to ken|{x}^")
                : SERVED)) {
            assertThat(new Http01Validator(PROFILE, http.port(), Duration.ofSeconds(5)).validate("www.localhost", "token", KEY_AUTHORIZATION)).isEmpty();
            assertThat(http.requests.get(1)).startsWith("GET /central/to%20ken%7C%7Bx%7D%5E HTTP/1.1\r\n");
        }
        AtomicInteger port = new AtomicInteger();
        // Sent as servers send it, in UTF-8; the Host header carries the name's ASCII form.
        try (Loopback http = new Loopback(null, request -> request.startsWith("GET /.well-known/")
                ? new String(redirect(302, "http://bücher.localhost:" + port.get() + "/token").getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)
                : SERVED)) {
            port.set(http.port());
            assertThat(new Http01Validator(PROFILE, http.port(), Duration.ofSeconds(5)).validate("www.localhost", "token", KEY_AUTHORIZATION)).isEmpty();
            assertThat(http.requests.get(1)).startsWith("GET /token HTTP/1.1\r\n").contains("\r\nHost: xn--bcher-kva.localhost:" + http.port() + "\r\n");
        }
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
            Http01Validator validator = new Http01Validator(PROFILE, listener.getLocalPort(), Http01Validator.HTTPS_PORT, Duration.ofSeconds(5), Duration.ofSeconds(1));
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
