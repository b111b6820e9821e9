package dev.scepter.certmaster;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * An OIDC provider on loopback that hangs: it publishes its discovery document, then accepts the
 * portal's connections for the token exchange or for its signing keys and never answers. The
 * sign-in must end, refused with the portal's "did not succeed" page, once the portal's bound
 * ({@link OidcOptions#timeout()}, 10 s unless set; 5 s here, so that each test waits 5 s, not 10)
 * has passed, not hold the request thread for good.
 */
class OidcProviderTimeoutTest {

    /** The bound, and what a loaded build machine may add to it. */
    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final Duration SLACK = Duration.ofSeconds(20);
    /** Less than twice the bound: a sign-in that waited for it twice (its turn after another's, or two calls) exceeds it. */
    private static final Duration WITHIN_THE_BOUND = BOUND.multipliedBy(2);
    private static final Pattern STATE = Pattern.compile("[?&]state=([^&]+)");

    private static HangingProvider provider;
    private static RunningPortal portal;

    @BeforeAll
    static void start() throws Exception {
        provider = new HangingProvider();
        portal = RunningPortal.start(null, false, Optional.of(new OidcOptions(provider.issuer(), "certmaster-test", "test-secret", BOUND)),
                false);
        // After the start: Spring Boot sets logging up anew when the portal starts.
        log.start();
        audit().addAppender(log);
    }

    private static final ListAppender<ILoggingEvent> log = new ListAppender<>();

    private static Logger audit() {
        return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("dev.scepter.certmaster.audit");
    }

    @AfterAll
    static void stop() throws Exception {
        audit().detachAppender(log);
        portal.close();
        provider.close();
    }

    @Test
    void aTokenEndpointThatNeverAnswersEndsTheSignInWithinTheBound() throws Exception {
        assertSignInRefusedWithinTheBound("hang");
        assertThat(provider.tokenRequests).as("the portal did ask for the tokens").isNotEmpty();
    }

    @Test
    void aJwkSetThatNeverArrivesEndsTheSignInWithinTheBound() throws Exception {
        int connectionsBefore = provider.keyConnections();
        assertSignInRefusedWithinTheBound("answer");
        assertThat(provider.keyConnections()).as("the portal did ask for the provider's keys").isGreaterThan(connectionsBefore);
    }

    /**
     * A provider whose discovery document never arrives (it accepts and is silent): anyone may open
     * the link that starts a sign-in, so several at once must each end within the bound, with one read
     * of the document between them, and the failure then answers at once without asking again.
     */
    @Test
    void aDiscoveryDocumentThatNeverArrivesCostsConcurrentSignInsTheBoundOnceThenNothing() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            RunningPortal hung = RunningPortal.start(null, false,
                    Optional.of(new OidcOptions(URI.create("http://127.0.0.1:" + silent.port()), "certmaster-test", "test-secret", BOUND)),
                    false);
            ExecutorService browsers = Executors.newFixedThreadPool(6);
            try {
                List<java.util.concurrent.Future<Duration>> attempts = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    attempts.add(browsers.submit(() -> {
                        long started = System.nanoTime();
                        HttpResponse<String> answer = startSignIn(new OidcSignInTest.Client(), hung);
                        assertThat(answer.statusCode()).isEqualTo(302);
                        assertThat(answer.headers().firstValue("Location")).hasValueSatisfying(
                                l -> assertThat(l).endsWith("/certmaster/signin?oidcunavailable"));
                        return Duration.ofNanos(System.nanoTime() - started);
                    }));
                }
                for (java.util.concurrent.Future<Duration> attempt : attempts) {
                    assertThat(attempt.get(BOUND.plus(SLACK).toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
                            .as("each waited at most the bound, not its turn after the others").isLessThan(WITHIN_THE_BOUND);
                }
                assertThat(silent.connections()).as("one read of the document for all of them").isEqualTo(1);

                // Remembered: the next attempt is refused at once, without a new connection, and the page says why.
                OidcSignInTest.Client client = new OidcSignInTest.Client();
                long started = System.nanoTime();
                HttpResponse<String> again = startSignIn(client, hung);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
                assertThat(silent.connections()).isEqualTo(1);
                assertThat(client.follow(again).body()).contains("not available at the moment: its provider cannot be reached");
            } finally {
                browsers.shutdownNow();
                hung.close();
            }
        }
    }

    private static HttpResponse<String> startSignIn(OidcSignInTest.Client client, RunningPortal at) throws Exception {
        // A limit of its own, so that a portal that hangs fails this test rather than holding it.
        return client.http.send(java.net.http.HttpRequest.newBuilder(URI.create(at.base() + "/oauth2/authorization/oidc"))
                .timeout(BOUND.plus(SLACK)).header("Accept", "text/html").GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Accepts connections on loopback and never sends a byte. */
    private static final class SilentServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> held = new ArrayList<>();
        private final Thread accepting = new Thread(this::accept, "silent-provider");

        SilentServer() throws IOException {
            accepting.setDaemon(true);
            accepting.start();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket accepted = socket.accept();
                    synchronized (held) {
                        held.add(accepted);
                    }
                } catch (IOException closed) {
                    return;
                }
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        int connections() {
            synchronized (held) {
                return held.size();
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            synchronized (held) {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    private void assertSignInRefusedWithinTheBound(String code) throws Exception {
        OidcSignInTest.Client client = new OidcSignInTest.Client();
        HttpResponse<String> toProvider = client.get(portal.base() + "/oauth2/authorization/oidc");
        String location = toProvider.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(provider.issuer() + "/authorize?");
        Matcher state = STATE.matcher(location);
        assertThat(state.find()).isTrue();

        // The provider's answer, as its redirect brings the browser back with a code.
        long started = System.nanoTime();
        // A limit of its own, so that a portal that hangs fails this test rather than holding it.
        HttpResponse<String> back = client.http.send(java.net.http.HttpRequest.newBuilder(
                URI.create(portal.base() + "/signin-oidc?code=" + code + "&state=" + state.group(1))).timeout(BOUND.plus(SLACK).multipliedBy(2))
                .header("Accept", "text/html").GET().build(), HttpResponse.BodyHandlers.ofString());
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(back.statusCode()).isEqualTo(302);
        assertThat(back.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/certmaster/signin?oidcerror"));
        assertThat(took).as("the portal waited for the bound, then gave up").isGreaterThanOrEqualTo(BOUND.minusSeconds(1))
                .isLessThan(WITHIN_THE_BOUND);
        assertThat(client.follow(back).body()).contains("did not succeed");
        assertThat(client.get(portal.base() + "/").statusCode()).as("not signed in").isEqualTo(302);
        // The log says why, in words (the JDK's timeout has no message of its own).
        assertThat(log.list).map(ILoggingEvent::getFormattedMessage).filteredOn(m -> m.startsWith("sign-in refused"))
                .last().asString().contains("via=OIDC").contains("the OIDC provider did not answer within " + BOUND.toSeconds() + " s");
    }

    /**
     * Discovery on a JDK HTTP server; the token endpoint answers code "answer" with an ID token
     * (whose signature the portal cannot check without the keys) and holds code "hang" unanswered;
     * the JWK set is on a socket that accepts connections and never sends a byte.
     */
    static final class HangingProvider implements AutoCloseable {
        final List<String> tokenRequests = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final HttpServer server;
        private final ServerSocket silent;
        private final List<Socket> held = new ArrayList<>();
        private final CountDownLatch closing = new CountDownLatch(1);
        private final ExecutorService threads = Executors.newCachedThreadPool();

        HangingProvider() throws IOException {
            InetAddress loopback = InetAddress.getLoopbackAddress();
            silent = new ServerSocket(0, 50, loopback);
            threads.execute(() -> {
                while (!silent.isClosed()) {
                    try {
                        Socket socket = silent.accept();
                        synchronized (held) {
                            held.add(socket);
                        }
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            server = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
            server.setExecutor(threads);
            server.createContext("/.well-known/openid-configuration", exchange -> json(exchange, """
                    {"issuer": "%1$s", "authorization_endpoint": "%1$s/authorize", "token_endpoint": "%1$s/token",
                     "jwks_uri": "http://127.0.0.1:%2$d/jwks", "response_types_supported": ["code"],
                     "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"],
                     "grant_types_supported": ["authorization_code"], "scopes_supported": ["openid", "profile", "email"],
                     "token_endpoint_auth_methods_supported": ["client_secret_basic"]}""".formatted(issuer(), silent.getLocalPort())));
            server.createContext("/token", this::token);
            server.start();
        }

        URI issuer() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        int keyConnections() {
            synchronized (held) {
                return held.size();
            }
        }

        private void token(HttpExchange exchange) throws IOException {
            String form;
            try (InputStream in = exchange.getRequestBody()) {
                form = URLDecoder.decode(new String(in.readAllBytes(), StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            }
            tokenRequests.add(form);
            if (form.contains("code=hang")) {
                try {
                    closing.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
            }
            Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
            String idToken = url.encodeToString("{\"alg\":\"RS256\",\"kid\":\"k1\"}".getBytes(StandardCharsets.UTF_8)) + "."
                    + url.encodeToString(("{\"iss\":\"" + issuer() + "\",\"sub\":\"alice\",\"aud\":\"certmaster-test\"}")
                            .getBytes(StandardCharsets.UTF_8)) + "." + url.encodeToString(new byte[256]);
            json(exchange, "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":300,\"scope\":\"openid\",\"id_token\":\""
                    + idToken + "\"}");
        }

        private static void json(HttpExchange exchange, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        }

        @Override
        public void close() throws IOException {
            closing.countDown();
            server.stop(0);
            silent.close();
            synchronized (held) {
                for (Socket socket : held) {
                    socket.close();
                }
            }
            threads.shutdownNow();
        }
    }
}
