package dev.scepter.server.acme;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import dev.scepter.protocol.acme.AcmeError;
import dev.scepter.protocol.acme.AcmeProblem;

/**
 * HTTP-01 validation (RFC 8555 section 8.3): fetches
 * {@code http://NAME:PORT/.well-known/acme-challenge/TOKEN} (port 80 unless
 * {@code AppConfig:Acme:Http01Port} says otherwise) without following redirects, reads at most a
 * few hundred bytes, all within one deadline (10 seconds, connection to last byte), and compares the body, trimmed of white space, with the key authorization.
 * {@code localhost} and names under {@code .localhost} are fetched from 127.0.0.1 (RFC 6761), still
 * with the name in the {@code Host} header, as clients that serve several names (lego) match on it:
 * hence a plain HTTP/1.1 exchange on a socket, where Java's HTTP client would not let us say
 * {@code Host} ourselves.
 */
final class Http01Validator {

    private static final int MAX_BODY = 512;
    private static final int MAX_HEAD = 8192;
    /** The whole fetch, connection to last byte: a server trickling its answer holds a request thread (and the challenge) no longer. */
    static final Duration DEADLINE = Duration.ofSeconds(10);
    private final int port;
    private final Duration deadline;

    Http01Validator(int port) {
        this(port, DEADLINE);
    }

    Http01Validator(int port, Duration deadline) {
        this.port = port;
        this.deadline = deadline;
    }

    /** Why validation failed, or empty when the name served the key authorization. */
    Optional<AcmeProblem> validate(String host, String token, String keyAuthorization) {
        // RFC 6761 section 6.3: localhost and names under .localhost are the loopback address,
        // whatever the resolver says (glibc knows only "localhost" itself).
        boolean loopback = host.equals("localhost") || host.endsWith(".localhost");
        String authority = (host.contains(":") ? "[" + host + "]" : host) + (port == 80 ? "" : ":" + port);
        String path = "/.well-known/acme-challenge/" + token;
        String uri = "http://" + authority + path;
        long end = System.nanoTime() + deadline.toNanos();
        try (Socket socket = new Socket()) {
            InetAddress address = loopback ? InetAddress.getByName("127.0.0.1") : InetAddress.getByName(host);
            socket.connect(new InetSocketAddress(address, port), (int) Math.max(1, Math.min(remaining(end), 5000)));
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + authority + "\r\nUser-Agent: Scepter-ACME\r\nAccept: */*\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Response response = read(socket, end);
            if (response.status != 200) {
                return Optional.of(new AcmeProblem(AcmeError.INCORRECT_RESPONSE, uri + " answered HTTP " + response.status));
            }
            if (!new String(response.body, StandardCharsets.US_ASCII).strip().equals(keyAuthorization)) {
                return Optional.of(new AcmeProblem(AcmeError.INCORRECT_RESPONSE, uri + " did not serve the key authorization"));
            }
            return Optional.empty();
        } catch (SocketTimeoutException e) {
            return Optional.of(new AcmeProblem(AcmeError.CONNECTION, "no complete answer from " + uri + " within " + deadline.toSeconds() + " s"));
        } catch (IOException e) {
            return Optional.of(new AcmeProblem(AcmeError.CONNECTION, "cannot fetch " + uri + ": " + e.getClass().getSimpleName()));
        }
    }

    private record Response(int status, byte[] body) {
    }

    private static long remaining(long end) throws SocketTimeoutException {
        long millis = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
        if (millis <= 0) {
            throw new SocketTimeoutException("deadline");
        }
        return millis;
    }

    /** Reads the status, the headers and up to {@link #MAX_BODY} bytes of the body (by Content-Length, chunks or to the end). */
    private static Response read(Socket socket, long end) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = next(socket, in, end);
            if (b < 0) {
                throw new EOFException("the connection closed before the headers ended");
            }
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                break;
            }
            if (n > MAX_HEAD) {
                throw new IOException("headers longer than " + MAX_HEAD + " bytes");
            }
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        int status;
        try {
            status = statusLine.length >= 2 && statusLine[0].startsWith("HTTP/1.") ? Integer.parseInt(statusLine[1]) : -1;
        } catch (NumberFormatException e) {
            status = -1;
        }
        if (status < 0) {
            throw new IOException("not an HTTP/1.x answer");
        }
        long length = -1;
        boolean chunked = false;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).strip();
            if (name.equals("content-length")) {
                try {
                    length = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new IOException("a Content-Length that is no number");
                }
            } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            while (body.size() < MAX_BODY) {
                StringBuilder sizeLine = new StringBuilder();
                int b;
                while ((b = next(socket, in, end)) >= 0 && b != '\n') {
                    if (sizeLine.length() > 100) {
                        throw new IOException("a chunk size line longer than 100 bytes");
                    }
                    sizeLine.append((char) b);
                }
                String size = sizeLine.toString().strip();
                int semicolon = size.indexOf(';');
                long chunk;
                try {
                    chunk = Long.parseLong(semicolon < 0 ? size : size.substring(0, semicolon), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("a chunk size that is no number");
                }
                if (chunk == 0) {
                    break;
                }
                for (long i = 0; i < chunk && body.size() < MAX_BODY; i++) {
                    int c = next(socket, in, end);
                    if (c < 0) {
                        throw new EOFException("the connection closed within a chunk");
                    }
                    body.write(c);
                }
                next(socket, in, end);
                next(socket, in, end);
            }
        } else {
            long wanted = length < 0 ? MAX_BODY : Math.min(length, MAX_BODY);
            while (body.size() < wanted) {
                int b = next(socket, in, end);
                if (b < 0) {
                    if (length >= 0) {
                        throw new EOFException("the connection closed before Content-Length bytes came");
                    }
                    break;
                }
                body.write(b);
            }
        }
        return new Response(status, body.toByteArray());
    }

    /** One byte, or -1 at the end, within what is left of the deadline. */
    private static int next(Socket socket, InputStream in, long end) throws IOException {
        socket.setSoTimeout((int) Math.max(1, remaining(end)));
        return in.read();
    }
}
