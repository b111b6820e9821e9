package dev.scepter.server.acme;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import dev.scepter.protocol.acme.AcmeError;
import dev.scepter.protocol.acme.AcmeProblem;

/**
 * HTTP-01 validation (RFC 8555 section 8.3): fetches
 * {@code http://NAME:PORT/.well-known/acme-challenge/TOKEN} (port 80 unless
 * {@code AppConfig:Acme:Http01Port} says otherwise) without following redirects, and compares the
 * body, trimmed of trailing white space, with the key authorization. Bounded: one deadline (10
 * seconds, name resolution to last byte), at most {@value #MAX_HEAD} bytes of status line and headers,
 * and at most {@value #MAX_BODY} bytes of body (chunk framing counted too); a longer answer is
 * refused, not read. Each address of the name is tried in turn, at most 5 seconds each, except
 * addresses that can never be a target ({@link ValidationTargets#mayBeTarget}).
 * {@code localhost} and names under {@code .localhost} are fetched from 127.0.0.1 (RFC 6761), still
 * with the name in the {@code Host} header, as clients that serve several names (lego) match on it:
 * hence a plain HTTP/1.1 exchange on a socket, where Java's HTTP client would not let us say
 * {@code Host} ourselves.
 */
final class Http01Validator {

    static final int MAX_BODY = 512;
    static final int MAX_HEAD = 8192;
    /** Chunk size lines and their CRLFs on top of the body: generous for any honest server. */
    private static final int MAX_FRAMING = 512;
    private static final Pattern CHUNK_SIZE = Pattern.compile("[0-9a-fA-F]{1,8}");
    /** The whole fetch, connection to last byte: a server trickling its answer holds a request thread (and the challenge) no longer. */
    static final Duration DEADLINE = Duration.ofSeconds(10);
    private final int port;
    private final Duration deadline;
    private final Duration connectBound;

    Http01Validator(int port) {
        this(port, DEADLINE);
    }

    Http01Validator(int port, Duration deadline) {
        this(port, deadline, ValidationTargets.CONNECT_BOUND);
    }

    Http01Validator(int port, Duration deadline, Duration connectBound) {
        this.port = port;
        this.deadline = deadline;
        this.connectBound = connectBound;
    }

    /** The answer broke HTTP/1.1 or our bounds: the target answered, but not with the key authorization. */
    static final class BadAnswer extends IOException {
        private static final long serialVersionUID = 1L;

        BadAnswer(String message) {
            super(message);
        }
    }

    /** {@code Host} as RFC 9110 section 7.2 has it: the port only when it is not 80. */
    static String authority(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + (port == 80 ? "" : ":" + port);
    }

    /** Why validation failed, or empty when the name served the key authorization. */
    Optional<AcmeProblem> validate(String host, String token, String keyAuthorization) {
        long end = System.nanoTime() + deadline.toNanos();
        List<InetAddress> addresses;
        try {
            addresses = ValidationTargets.of(host, deadline, "an HTTP-01");
        } catch (AcmeProblem problem) {
            return Optional.of(problem);
        }
        return validate(host, token, keyAuthorization, addresses, end);
    }

    /** The fetch from {@code addresses}, tried in turn (the seam where tests give addresses a name would not resolve to). */
    Optional<AcmeProblem> validate(String host, String token, String keyAuthorization, List<InetAddress> addresses, long end) {
        String authority = authority(host, port);
        String path = "/.well-known/acme-challenge/" + token;
        String uri = "http://" + authority + path;
        try (Socket socket = ValidationTargets.connect(addresses, port, end, connectBound, deadline, uri)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + authority + "\r\nUser-Agent: Scepter-ACME\r\nAccept: */*\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Response response = read(socket, end);
            if (response.status != 200) {
                return Optional.of(new AcmeProblem(AcmeError.INCORRECT_RESPONSE, uri + " answered HTTP " + response.status
                        + (response.status / 100 == 3 ? " (redirects are not followed)" : "")));
            }
            // RFC 8555 section 8.3: trailing white space may be ignored, leading may not.
            if (!new String(response.body, StandardCharsets.US_ASCII).stripTrailing().equals(keyAuthorization)) {
                return Optional.of(new AcmeProblem(AcmeError.INCORRECT_RESPONSE, uri + " did not serve the key authorization"));
            }
            return Optional.empty();
        } catch (AcmeProblem problem) {
            return Optional.of(problem);
        } catch (SocketTimeoutException e) {
            return Optional.of(new AcmeProblem(AcmeError.CONNECTION, "no complete answer from " + uri + " within " + ValidationTargets.seconds(deadline)));
        } catch (BadAnswer e) {
            return Optional.of(new AcmeProblem(AcmeError.INCORRECT_RESPONSE, uri + " answered " + e.getMessage()));
        } catch (IOException e) {
            return Optional.of(new AcmeProblem(AcmeError.CONNECTION, "cannot fetch " + uri + ": " + e.getClass().getSimpleName()));
        }
    }

    /** {@link ValidationTargets#mayBeTarget}, the policy HTTP-01 shares with TLS-ALPN-01. */
    static boolean mayBeTarget(InetAddress address) {
        return ValidationTargets.mayBeTarget(address);
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

    /** Bytes from the socket within the deadline, each counted against a budget. */
    private static final class Bounded {
        private final Socket socket;
        private final InputStream in;
        private final long end;
        private int budget;

        Bounded(Socket socket, long end, int budget) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 1024);
            this.end = end;
            this.budget = budget;
        }

        /** One byte; the end of the stream or a spent budget is an error here. */
        int next(String what) throws IOException {
            if (budget-- <= 0) {
                throw new BadAnswer(what + " beyond the " + (MAX_HEAD + MAX_BODY + MAX_FRAMING) + " bytes read at most");
            }
            socket.setSoTimeout((int) Math.max(1, remaining(end)));
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the connection closed within " + what);
            }
            return b;
        }

        /** One byte, or -1 at the end of the stream. */
        int nextOrEnd() throws IOException {
            socket.setSoTimeout((int) Math.max(1, remaining(end)));
            return in.read();
        }

        void expectCrlf(String what) throws IOException {
            if (next(what) != '\r' || next(what) != '\n') {
                throw new BadAnswer("no CRLF after " + what);
            }
        }
    }

    /** Reads the status, the headers and the body (by Content-Length, chunks or to the end), all within the bounds. */
    private static Response read(Socket socket, long end) throws IOException {
        Bounded in = new Bounded(socket, end, MAX_HEAD + MAX_BODY + MAX_FRAMING);
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int window = 0;
        while (window != 0x0D0A0D0A) {
            if (head.size() >= MAX_HEAD) {
                throw new BadAnswer("headers longer than " + MAX_HEAD + " bytes");
            }
            int b = in.next("the headers");
            head.write(b);
            window = window << 8 | b;
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        int status;
        try {
            status = statusLine.length >= 2 && statusLine[0].startsWith("HTTP/1.") && statusLine[1].length() == 3 ? Integer.parseInt(statusLine[1]) : -1;
        } catch (NumberFormatException e) {
            status = -1;
        }
        if (status < 100) {
            throw new BadAnswer("with no HTTP/1.x status line");
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
                if (!value.matches("[0-9]{1,18}")) {
                    throw new BadAnswer("a Content-Length that is no number");
                }
                length = Long.parseLong(value);
            } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            }
        }
        if (status != 200) {
            return new Response(status, new byte[0]); // the status is the answer; the body is not read
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(128);
        if (chunked) {
            while (true) {
                StringBuilder sizeLine = new StringBuilder();
                int b;
                while ((b = in.next("a chunk size line")) != '\r') {
                    if (sizeLine.length() >= 64) {
                        throw new BadAnswer("a chunk size line longer than 64 bytes");
                    }
                    sizeLine.append((char) b);
                }
                if (in.next("a chunk size line") != '\n') {
                    throw new BadAnswer("a chunk size line without CRLF");
                }
                String size = sizeLine.toString();
                int semicolon = size.indexOf(';');
                size = (semicolon < 0 ? size : size.substring(0, semicolon)).stripTrailing();
                if (!CHUNK_SIZE.matcher(size).matches()) {
                    throw new BadAnswer("a chunk size that is not 1 to 8 hex digits");
                }
                long chunk = Long.parseLong(size, 16);
                if (chunk == 0) {
                    break; // trailers, if any, are not read: the body is complete
                }
                if (body.size() + chunk > MAX_BODY) {
                    throw new BadAnswer("a body longer than " + MAX_BODY + " bytes");
                }
                for (long i = 0; i < chunk; i++) {
                    body.write(in.next("a chunk"));
                }
                in.expectCrlf("a chunk");
            }
        } else if (length >= 0) {
            if (length > MAX_BODY) {
                throw new BadAnswer("a body of " + length + " bytes, more than " + MAX_BODY);
            }
            for (long i = 0; i < length; i++) {
                body.write(in.next("the body"));
            }
        } else {
            int b;
            while ((b = in.nextOrEnd()) >= 0) {
                if (body.size() >= MAX_BODY) {
                    throw new BadAnswer("a body longer than " + MAX_BODY + " bytes");
                }
                body.write(b);
            }
        }
        return new Response(status, body.toByteArray());
    }
}
