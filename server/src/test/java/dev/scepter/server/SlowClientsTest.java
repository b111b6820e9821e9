package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Test;

/**
 * Slowloris and its body-dripping cousin against OCSP: more slow connections than Tomcat has
 * worker threads (200 by default), each sending a request body one byte every two seconds (or
 * headers that never end), and OCSP still answers at once, by GET and by POST. Before issue 10 the
 * slow bodies each held a worker thread in a blocking read, and OCSP stopped answering. Bounded:
 * 300 connections, about 20 seconds.
 */
class SlowClientsTest {

    private static final int TOMCAT_WORKER_THREADS = 200;
    private static final int SLOW_BODIES = 260;
    private static final int SLOW_HEADERS = 40;
    private static final Duration PROMPT = Duration.ofSeconds(2);

    @Test
    void moreSlowClientsThanWorkerThreadsDoNotStarveOcsp() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of())) {
            CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                    server.core.ca().certificate(), server.core.ca().certificate().getSerialNumber());
            byte[] ocspRequest = new OCSPReqBuilder().addRequest(id).build().getEncoded();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
            // Warm: the first answer makes the responder's key and certificate.
            for (int i = 0; i < 5; i++) {
                ocsp(http, server, ocspRequest, i % 2 == 0);
            }
            long before = ocsp(http, server, ocspRequest, true);
            System.out.printf("SlowClientsTest: before the slow clients, an OCSP request took %d ms%n", before);

            List<Socket> bodies = new ArrayList<>();
            List<Socket> headers = new ArrayList<>();
            long dripUntil = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            try {
                for (int i = 0; i < SLOW_BODIES; i++) {
                    Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.core.port());
                    String path = i % 2 == 0 ? "/ocsp" : "/scep?operation=PKIOperation";
                    String type = i % 2 == 0 ? "application/ocsp-request" : "application/x-pki-message";
                    socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + type
                            + "\r\nContent-Length: 1000\r\n\r\n0").getBytes(StandardCharsets.US_ASCII));
                    bodies.add(socket);
                }
                for (int i = 0; i < SLOW_HEADERS; i++) {
                    Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.core.port());
                    socket.getOutputStream().write("GET /ocsp/".getBytes(StandardCharsets.US_ASCII));
                    headers.add(socket);
                }
                Thread drip = new Thread(() -> {
                    while (System.nanoTime() < dripUntil && !Thread.currentThread().isInterrupted()) {
                        for (Socket socket : bodies) {
                            write(socket, "0");
                        }
                        for (Socket socket : headers) {
                            write(socket, "A");
                        }
                        try {
                            Thread.sleep(2_000);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "slow-clients");
                drip.setDaemon(true);
                drip.start();
                Thread.sleep(1_500);

                long slowest = 0;
                long total = 0;
                int asked = 0;
                for (int i = 0; i < 20; i++) {
                    long took = ocsp(http, server, ocspRequest, i % 2 == 0);
                    slowest = Math.max(slowest, took);
                    total += took;
                    asked++;
                }
                System.out.printf("SlowClientsTest: %d slow bodies and %d slow headers open (Tomcat has %d worker threads): "
                        + "%d OCSP requests answered, mean %d ms, slowest %d ms%n", SLOW_BODIES, SLOW_HEADERS, TOMCAT_WORKER_THREADS, asked,
                        total / asked, slowest);
                assertThat(slowest).as("the slowest OCSP answer with %d slow clients open, ms", SLOW_BODIES + SLOW_HEADERS)
                        .isLessThan(PROMPT.toMillis());

                // A body that never ends is cut off within the whole-body deadline, in the path's terms:
                // OCSP's malformedRequest, SCEP's 408.
                bodies.get(0).setSoTimeout((int) Duration.ofSeconds(20).toMillis());
                bodies.get(1).setSoTimeout((int) Duration.ofSeconds(20).toMillis());
                long waited = System.nanoTime();
                Answer ocsp = answer(bodies.get(0).getInputStream());
                Answer scep = answer(bodies.get(1).getInputStream());
                System.out.printf("SlowClientsTest: slow bodies were answered \"%s\" (OCSP) and \"%s\" (SCEP) %d ms after the check began%n",
                        ocsp.status(), scep.status(), Duration.ofNanos(System.nanoTime() - waited).toMillis());
                assertThat(ocsp.status()).startsWith("HTTP/1.1 200");
                assertThat(new OCSPResp(ocsp.body()).getStatus()).isEqualTo(OCSPResp.MALFORMED_REQUEST);
                assertThat(scep.status()).startsWith("HTTP/1.1 408");
                drip.interrupt();
            } finally {
                for (Socket socket : bodies) {
                    socket.close();
                }
                for (Socket socket : headers) {
                    socket.close();
                }
            }
        }
    }

    /**
     * A body that stops arriving altogether meets Tomcat's read timeout as well as our deadline:
     * whichever fires, the client gets an answer in its path's terms, never a server error (the
     * read timeout alone left the container to answer 500, and OCSP internalError).
     */
    @Test
    void aBodyThatStopsArrivingIsTheClientsFaultNotAServerError() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of())) {
            List<Socket> stalled = new ArrayList<>();
            try {
                for (String[] target : new String[][] {{"/ocsp", "application/ocsp-request"},
                        {"/scep?operation=PKIOperation", "application/x-pki-message"}}) {
                    Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.core.port());
                    socket.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
                    socket.getOutputStream().write(("POST " + target[0] + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + target[1]
                            + "\r\nContent-Length: 100\r\n\r\n0123456789").getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    stalled.add(socket);
                }
                long start = System.nanoTime();
                Answer ocsp = answer(stalled.get(0).getInputStream());
                Answer scep = answer(stalled.get(1).getInputStream());
                long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
                System.out.printf("SlowClientsTest: stalled bodies answered \"%s\" (OCSP) and \"%s\" (SCEP) after %d ms%n",
                        ocsp.status(), scep.status(), took);
                assertThat(ocsp.status()).startsWith("HTTP/1.1 200");
                assertThat(new OCSPResp(ocsp.body()).getStatus()).isEqualTo(OCSPResp.MALFORMED_REQUEST);
                assertThat(scep.status()).startsWith("HTTP/1.1 408");
                assertThat(took).isLessThan(Duration.ofSeconds(15).toMillis());
            } finally {
                for (Socket socket : stalled) {
                    socket.close();
                }
            }
        }
    }

    /** A response's status line and body, read to the end of the connection. */
    private record Answer(String status, byte[] body) {
    }

    private static Answer answer(InputStream in) throws IOException {
        String raw = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        int end = raw.indexOf("\r\n\r\n");
        String status = raw.lines().findFirst().orElse("");
        byte[] body = end < 0 ? new byte[0] : raw.substring(end + 4).getBytes(StandardCharsets.ISO_8859_1);
        return new Answer(status, body);
    }

    /** One OCSP request (POST, or GET with the request in the path); returns how long it took, in ms. */
    private static long ocsp(HttpClient http, RunningServer server, byte[] request, boolean post) throws Exception {
        HttpRequest.Builder builder = post
                ? HttpRequest.newBuilder(server.url("/ocsp")).header("Content-Type", "application/ocsp-request")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(request))
                : HttpRequest.newBuilder(URI.create(server.url("/ocsp/").toString()
                        + java.net.URLEncoder.encode(Base64.getEncoder().encodeToString(request), StandardCharsets.US_ASCII))).GET();
        long start = System.nanoTime();
        HttpResponse<byte[]> response = http.send(builder.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
        long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new OCSPResp(response.body()).getStatus()).isEqualTo(OCSPResp.SUCCESSFUL);
        return took;
    }

    private static void write(Socket socket, String text) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(text.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException closed) {
            // The server cut it off, as it should in the end.
        }
    }
}
