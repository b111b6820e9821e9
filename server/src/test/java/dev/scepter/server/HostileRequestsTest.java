package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A corpus of hostile requests, sent as raw bytes (so that nothing a client library would refuse
 * to send is left out) to every route with and without a valid token: bad percent-encoding in path
 * and query, odd methods, broken headers and bodies, lengths that lie. The server's answer to each
 * is a client error or a protocol answer, never a 5xx, never Tomcat's HTML error page, never a
 * stack trace; and it stays up.
 */
class HostileRequestsTest {

    private static final String DEVICE = "0b7e0a4e-6a0c-4d6e-9b7c-3a2f1c0d9e8f";
    private static final List<String> PATHS = List.of("/", "/probe", "/metrics", "/ca", "/scep", "/scep/pkiclient.exe",
            "/static", "/static/aad", "/jamf", "/dc", "/certsrv/mscep/mscep.dll", "/ocsp", "/ocsp/MEMwQTA_MD0wOzAJBgUrDgMCGgUA",
            "/crl/the-token", "/crl/pem/the-token", "/api/csr", "/api/challenges", "/api/manage/search", "/api/manage/revoke/0A1B",
            "/api/manage/audit", "/api/directory/devices/" + DEVICE, "/api/directory/users/" + DEVICE, "/api/certificates",
            "/no/such/route");
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "PROPFIND");

    private static RunningServer server;
    private static String adminToken;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(Map.of("AppConfig:CRL:RequestToken", "the-token", "AppConfig:StaticAADValidation:Enabled", "true",
                "AppConfig:StaticAADValidation:RequestPassword", "aad-challenge"));
        adminToken = Files.readString(server.dataDir.resolve("admin-token")).strip();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** One hostile request: a name for the report, and its bytes. */
    private record Hostile(String name, byte[] bytes) {
    }

    @Test
    void noHostileRequestGetsA5xxOrAnHtmlPageAndTheServerStaysUp() throws Exception {
        List<Hostile> corpus = corpus();
        Map<String, String> failures = new TreeMap<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (Hostile request : corpus) {
            String response = send(request.bytes());
            int status = status(response);
            statuses.merge(status, 1, Integer::sum);
            String head = response.length() > 300 ? response.substring(0, 300) : response;
            if (status >= 500) {
                failures.put(request.name(), head);
            } else if (response.contains("HTTP Status") || response.contains("Apache Tomcat") || response.contains("Whitelabel")) {
                failures.put(request.name(), "the container's error page: " + head);
            } else if (response.contains("\tat ") || response.contains("Exception")) {
                failures.put(request.name(), "a stack trace or exception: " + head);
            }
        }
        System.out.printf("Hostile requests: %d sent, answered by status %s%n", corpus.size(), statuses);
        assertThat(corpus.size()).as("the corpus covers every route with every mutation").isGreaterThan(400);
        assertThat(failures).as("requests answered with a server error or an error page").isEmpty();
        assertThat(server.get("/probe").statusCode()).as("the server still serves").isEqualTo(200);
    }

    private static List<Hostile> corpus() {
        List<Hostile> corpus = new ArrayList<>();
        Random random = new Random(20261205);
        for (String path : PATHS) {
            for (String token : new String[] {null, adminToken}) {
                String who = token == null ? "no token" : "admin token";
                Map<String, String> auth = token == null ? Map.of() : Map.of("Authorization", "Bearer " + token);
                for (String method : METHODS) {
                    corpus.add(request(method + " " + path + " " + who, method, path, auth, null));
                }
                corpus.add(request("bad percent in query " + path + " " + who, "GET", path + "?limit=%%%&operation=%zz&message=%", auth, null));
                corpus.add(request("bad percent in path " + path + " " + who, "GET", path + "/%zz%", auth, null));
                corpus.add(request("NUL in path " + path + " " + who, "GET", path + "%00", auth, null));
                corpus.add(request("dot segments " + path + " " + who, "GET", path + "/..;/..%2f..%2fetc%2fpasswd", auth, null));
                corpus.add(request("overlong UTF-8 " + path + " " + who, "GET", path + "/%c0%af%c0%ae", auth, null));
                corpus.add(request("huge query " + path + " " + who, "GET", path + "?q=" + "A".repeat(6000), auth, null));
                corpus.add(request("wrong types " + path + " " + who, "GET", path + "?pageSize=abc&limit=-1&certValidity=%FF", auth, null));
                corpus.add(request("garbage JSON " + path + " " + who, "POST", path, headers(auth, "Content-Type", "application/json"),
                        "{\"enabled\": tru".getBytes(StandardCharsets.UTF_8)));
                corpus.add(request("deep JSON " + path + " " + who, "PUT", path, headers(auth, "Content-Type", "application/json"),
                        ("[".repeat(20_000) + "]".repeat(20_000)).getBytes(StandardCharsets.UTF_8)));
                corpus.add(request("JSON of the wrong shape " + path + " " + who, "PATCH", path,
                        headers(auth, "Content-Type", "application/json"),
                        "{\"revocationReason\": \"9999999999999999999999\", \"enabled\": \"yes\", \"validityMinutes\": 1e309}"
                                .getBytes(StandardCharsets.UTF_8)));
                corpus.add(request("bad content type " + path + " " + who, "POST", path, headers(auth, "Content-Type", ";;;/;"),
                        "x".getBytes(StandardCharsets.UTF_8)));
                corpus.add(request("bad charset " + path + " " + who, "POST", path,
                        headers(auth, "Content-Type", "application/json; charset=no-such-charset"), "{}".getBytes(StandardCharsets.UTF_8)));
                byte[] noise = new byte[2048];
                random.nextBytes(noise);
                corpus.add(request("random body " + path + " " + who, "POST", path,
                        headers(auth, "Content-Type", "application/octet-stream"), noise));
                corpus.add(request("deep DER " + path + " " + who, "POST", path,
                        headers(auth, "Content-Type", "application/pkcs10"), deepDer(4000)));
                corpus.add(request("bad Accept " + path + " " + who, "GET", path, headers(auth, "Accept", "*/*;q=garbage, text/;;"), null));
                corpus.add(request("bad dates " + path + " " + who, "GET", path,
                        headers(auth, "If-Modified-Since", "yesterday", "If-None-Match", "\"\"\"", "Range", "bytes=z-"), null));
                corpus.add(request("forwarded garbage " + path + " " + who, "GET", path,
                        headers(auth, "X-Forwarded-For", "%%%,::::", "Forwarded", "for=\"[bad", "X-Forwarded-Proto", "gopher"), null));
            }
            corpus.add(request("garbage bearer " + path, "GET", path, Map.of("Authorization", "Bearer " + "\u00ff".repeat(10)), null));
            corpus.add(request("long bearer " + path, "GET", path, Map.of("Authorization", "Bearer " + "A".repeat(7000)), null));
            corpus.add(request("basic auth " + path, "GET", path, Map.of("Authorization", "Basic %%%"), null));
            corpus.add(request("empty bearer " + path, "POST", path, Map.of("Authorization", "Bearer "), new byte[0]));
        }
        return corpus;
    }

    private static Map<String, String> headers(Map<String, String> base, String... more) {
        Map<String, String> headers = new LinkedHashMap<>(base);
        for (int i = 0; i < more.length; i += 2) {
            headers.put(more[i], more[i + 1]);
        }
        return headers;
    }

    private static Hostile request(String name, String method, String target, Map<String, String> headers, byte[] body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\nConnection: close\r\n");
        headers.forEach((name1, value) -> head.append(name1).append(": ").append(value).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        bytes.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            bytes.writeBytes(body);
        }
        return new Hostile(name, bytes.toByteArray());
    }

    /** SEQUENCEs nested {@code depth} deep, each with a length of the right size. */
    private static byte[] deepDer(int depth) {
        byte[] inner = {0x05, 0x00};
        for (int i = 0; i < depth; i++) {
            int length = inner.length;
            byte[] header = length < 128 ? new byte[] {0x30, (byte) length}
                    : length < 256 ? new byte[] {0x30, (byte) 0x81, (byte) length}
                    : length < 65536 ? new byte[] {0x30, (byte) 0x82, (byte) (length >> 8), (byte) length}
                    : new byte[] {0x30, (byte) 0x83, (byte) (length >> 16), (byte) (length >> 8), (byte) length};
            byte[] outer = new byte[header.length + length];
            System.arraycopy(header, 0, outer, 0, header.length);
            System.arraycopy(inner, 0, outer, header.length, length);
            inner = outer;
        }
        return inner;
    }

    private static String send(byte[] request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.core.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int read; (read = in.read(buffer)) >= 0 && response.size() < 64 * 1024; ) {
                    response.write(buffer, 0, read);
                }
            } catch (SocketTimeoutException e) {
                return "TIMEOUT after " + response.size() + " bytes";
            } catch (java.net.SocketException reset) {
                // The server may close the connection on a request it will not read to the end.
            }
            return response.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** The status of the response; 0 when the server closed the connection without one, 999 when it never answered. */
    private static int status(String response) {
        if (response.startsWith("TIMEOUT")) {
            return 999;
        }
        if (!response.startsWith("HTTP/1.1 ")) {
            return 0;
        }
        return Integer.parseInt(response.substring(9, 12));
    }
}
