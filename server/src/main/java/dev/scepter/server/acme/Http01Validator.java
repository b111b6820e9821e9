package dev.scepter.server.acme;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import dev.scepter.authority.acme.AcmeIdentifier;
import dev.scepter.authority.acme.AcmeProfile;
import dev.scepter.protocol.acme.AcmeError;
import dev.scepter.protocol.acme.AcmeProblem;

/**
 * HTTP-01 validation (RFC 8555 section 8.3): fetches
 * {@code http://NAME:PORT/.well-known/acme-challenge/TOKEN} (port 80 unless
 * {@code AppConfig:Acme:Http01Port} says otherwise) and compares the body, trimmed of trailing
 * white space, with the key authorization. Redirects (301, 302, 303, 307, 308) are followed, as
 * section 8.3 says a server SHOULD, under Let's Encrypt's rules: at most {@value #MAX_REDIRECTS} of
 * them, each to {@code http} on the HTTP-01 port or to {@code https} on 443 (never from https back
 * to http), each to a name or address the ACME profile certifies (else a validation would reach any
 * host inside the network the CA sits in), each target's addresses checked as the first one's, no
 * target visited twice. The client learns what the identifier's own server answered; of the hops
 * after it only that one failed, the detail going to the log: the problem document would otherwise
 * tell it which internal hosts, ports and paths answer. An https
 * hop speaks TLS 1.2 or 1.3 and does not check the certificate: the key authorization in the body
 * is the proof, not the certificate, which is often the very one being obtained.
 * Bounded: one deadline (10 seconds, every name resolution, connection, handshake and answer of
 * every hop), at most {@value #MAX_HEAD} bytes of status line and headers per answer, and at most
 * {@value #MAX_BODY} bytes of body (chunk framing counted too); a longer answer is refused, not
 * read, and a redirect's body is not read at all. Each address of a name (the identifier's and each
 * redirect target's alike) is tried in turn, at most 5 seconds each, except addresses that can never
 * be a target ({@link ValidationTargets#mayBeTarget}, the policy HTTP-01 shares with TLS-ALPN-01).
 * {@code localhost} and names under {@code .localhost} are fetched from 127.0.0.1 (RFC 6761), still
 * with the name in the {@code Host} header, as clients that serve several names (lego) match on it:
 * hence a plain HTTP/1.1 exchange on a socket, where Java's HTTP client would not let us say
 * {@code Host} ourselves.
 */
final class Http01Validator {

    private static final System.Logger LOG = System.getLogger(Http01Validator.class.getName());

    static final int MAX_BODY = 512;
    static final int MAX_HEAD = 8192;
    /** Redirects followed at most, as Let's Encrypt. */
    static final int MAX_REDIRECTS = 10;
    static final int HTTPS_PORT = 443;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    /** Chunk size lines and their CRLFs on top of the body: generous for any honest server. */
    private static final int MAX_FRAMING = 512;
    private static final Pattern CHUNK_SIZE = Pattern.compile("[0-9a-fA-F]{1,8}");
    /** The whole fetch, connection to last byte: a server trickling its answer holds a request thread (and the challenge) no longer. */
    static final Duration DEADLINE = Duration.ofSeconds(10);
    private final AcmeProfile profile;
    private final int port;
    private final int httpsPort;
    private final Duration deadline;
    private final Duration connectBound;

    /** @param profile whose names and addresses a redirect may lead to, as an order's identifiers may name them */
    Http01Validator(AcmeProfile profile, int port) {
        this(profile, port, DEADLINE);
    }

    Http01Validator(AcmeProfile profile, int port, Duration deadline) {
        this(profile, port, HTTPS_PORT, deadline);
    }

    /** {@code httpsPort} is the one port an https redirect may name: 443, another only for tests on loopback. */
    Http01Validator(AcmeProfile profile, int port, int httpsPort, Duration deadline) {
        this(profile, port, httpsPort, deadline, ValidationTargets.CONNECT_BOUND);
    }

    /** {@code connectBound}: how long one address may take to accept a connection ({@link ValidationTargets#CONNECT_BOUND}). */
    Http01Validator(AcmeProfile profile, int port, int httpsPort, Duration deadline, Duration connectBound) {
        this.profile = java.util.Objects.requireNonNull(profile, "profile");
        this.port = port;
        this.httpsPort = httpsPort;
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

    /** {@code Host} as RFC 9110 section 7.2 has it: the port only when it is the scheme's default. */
    static String authority(String host, int port) {
        return authority(host, port, 80);
    }

    private static String authority(String host, int port, int defaultPort) {
        return (host.contains(":") ? "[" + host + "]" : host) + (port == defaultPort ? "" : ":" + port);
    }

    /** One hop: where to connect and what to ask for. {@code host} is a name or an address literal (IPv6 without brackets). */
    private record Target(boolean tls, String host, int port, String pathAndQuery) {
        String authority() {
            return Http01Validator.authority(host, port, tls ? 443 : 80);
        }

        String uri() {
            return (tls ? "https://" : "http://") + authority() + pathAndQuery;
        }
    }

    /** Why validation failed, or empty when the name served the key authorization. */
    Optional<AcmeProblem> validate(String host, String token, String keyAuthorization) {
        long end = System.nanoTime() + deadline.toNanos();
        List<InetAddress> addresses;
        try {
            addresses = ValidationTargets.of(host, end, deadline, "an HTTP-01");
        } catch (AcmeProblem problem) {
            return Optional.of(problem);
        }
        return validate(host, token, keyAuthorization, addresses, end);
    }

    /**
     * The fetch from the identifier's {@code addresses}, tried in turn, and from each redirect
     * target's, resolved as the identifier's was (the seam where tests give addresses a name would
     * not resolve to).
     */
    Optional<AcmeProblem> validate(String host, String token, String keyAuthorization, List<InetAddress> addresses, long end) {
        Target target = new Target(false, host, port, "/.well-known/acme-challenge/" + token);
        String first = target.uri();
        Set<String> visited = new HashSet<>();
        int redirects = 0;
        try {
            for (;; redirects++) {
                visited.add(target.uri());
                Response response = fetch(target, redirects == 0 ? addresses : ValidationTargets.of(target.host(), end, deadline, "an HTTP-01"), end);
                if (REDIRECTS.contains(response.status)) {
                    if (redirects == MAX_REDIRECTS) {
                        throw new AcmeProblem(AcmeError.CONNECTION, target.uri() + " redirects once more after " + MAX_REDIRECTS
                                + " redirects, the most followed");
                    }
                    Target next = redirect(target, response);
                    if (!visited.add(next.uri())) {
                        throw new AcmeProblem(AcmeError.CONNECTION, target.uri() + " redirects to " + next.uri() + ", visited before: a redirect loop");
                    }
                    target = next;
                    continue;
                }
                if (response.status != 200) {
                    throw new AcmeProblem(AcmeError.INCORRECT_RESPONSE, target.uri() + " answered HTTP " + response.status);
                }
                // RFC 8555 section 8.3: trailing white space may be ignored, leading may not.
                if (!new String(response.body, StandardCharsets.US_ASCII).stripTrailing().equals(keyAuthorization)) {
                    throw new AcmeProblem(AcmeError.INCORRECT_RESPONSE, target.uri() + " did not serve the key authorization");
                }
                return Optional.empty();
            }
        } catch (AcmeProblem problem) {
            if (redirects == 0) {
                return Optional.of(problem); // the identifier's own server, or the Location it gave
            }
            LOG.log(System.Logger.Level.INFO, "HTTP-01 for {0}: {1} (after {2} redirect(s) from {3}; the client is told only that a redirect target failed)",
                    host, problem.detail(), redirects, first);
            return Optional.of(new AcmeProblem(AcmeError.CONNECTION, first + " redirects; a redirect target was refused or did not answer with "
                    + "the key authorization (the CA's log says which, for its operator)"));
        }
    }

    /**
     * The target a redirect names, if the rules allow it: a Location, absolute or relative (RFC 9110
     * section 10.2.2), http on the HTTP-01 port or https on 443, never from https back to http.
     */
    private Target redirect(Target from, Response response) {
        String what = from.uri() + " answered HTTP " + response.status;
        if (response.location == null) {
            throw new AcmeProblem(AcmeError.INCORRECT_RESPONSE, what + " without a Location");
        }
        URI to;
        try {
            to = withAsciiHost(new URI(from.uri()).resolve(new URI(encodeLoose(response.location))));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new AcmeProblem(AcmeError.INCORRECT_RESPONSE, what + " with a Location that is no URI");
        }
        String scheme = to.getScheme() == null ? "" : to.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new AcmeProblem(AcmeError.CONNECTION, what + " to a " + (scheme.isEmpty() ? "URI without scheme" : scheme + " URI")
                    + "; only http and https are followed");
        }
        boolean tls = scheme.equals("https");
        if (from.tls() && !tls) {
            throw new AcmeProblem(AcmeError.CONNECTION, what + " from https back to http, which is not followed");
        }
        String host = to.getHost();
        if (host == null || host.isEmpty()) {
            throw new AcmeProblem(AcmeError.INCORRECT_RESPONSE, what + " with a Location without a host name");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        host = host.toLowerCase(Locale.ROOT);
        // The profile's own rule for identifiers: a redirect leads only where an order could have.
        AcmeIdentifier as = new AcmeIdentifier(AcmeProfile.address(host).isPresent() ? AcmeIdentifier.IP : AcmeIdentifier.DNS, host);
        Optional<String> refusal = profile.refusal(as);
        if (refusal.isPresent()) {
            throw new AcmeProblem(AcmeError.CONNECTION, what + " to a host this CA does not validate: " + refusal.get());
        }
        int allowed = tls ? httpsPort : port;
        int toPort = to.getPort() < 0 ? (tls ? 443 : 80) : to.getPort();
        if (toPort != allowed) {
            throw new AcmeProblem(AcmeError.CONNECTION, what + " to port " + toPort + "; only " + scheme + " on port " + allowed + " is followed");
        }
        // In ASCII, non-ASCII characters percent-encoded: a URI's raw path and query then hold no
        // space, CR, LF or other byte that could not go on the request line as it is.
        URI ascii;
        try {
            ascii = new URI(to.toASCIIString());
        } catch (URISyntaxException e) {
            throw new AcmeProblem(AcmeError.INCORRECT_RESPONSE, what + " with a Location that is no URI");
        }
        String path = ascii.getRawPath() == null || ascii.getRawPath().isEmpty() ? "/" : ascii.getRawPath();
        return new Target(tls, host, toPort, path + (ascii.getRawQuery() == null ? "" : "?" + ascii.getRawQuery()));
    }

    /** Printable ASCII that RFC 3986 allows nowhere in a URI, but which servers put in a Location anyway (and browsers follow). */
    private static final String LOOSE = " \"<>\\^`{|}";

    /** The Location with the characters of {@link #LOOSE} percent-encoded, as a browser would send them. */
    static String encodeLoose(String location) {
        StringBuilder encoded = new StringBuilder(location.length());
        for (char c : location.toCharArray()) {
            if (LOOSE.indexOf(c) >= 0) {
                encoded.append('%').append(String.format("%02X", (int) c));
            } else {
                encoded.append(c);
            }
        }
        return encoded.toString();
    }

    /**
     * The URI with an internationalized host name in its ASCII (xn--) form: {@code java.net.URI}
     * reads a non-ASCII host as no host at all. Userinfo, if any, is dropped (never sent anyway).
     */
    static URI withAsciiHost(URI uri) throws URISyntaxException {
        String authority = uri.getAuthority();
        if (uri.getHost() != null || authority == null) {
            return uri;
        }
        String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);
        int colon = hostAndPort.lastIndexOf(':');
        String host = colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
        if (host.chars().allMatch(c -> c < 0x80)) {
            return uri; // an ASCII name URI would not read (an underscore, say): no host, refused as such
        }
        String port = colon < 0 ? "" : hostAndPort.substring(colon);
        // IDN.toASCII throws IllegalArgumentException for a name it cannot convert: no URI, then.
        return new URI(uri.getScheme() + "://" + java.net.IDN.toASCII(host, java.net.IDN.USE_STD3_ASCII_RULES) + port + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }

    /** One request on one hop, to the first of the hop's {@code addresses} that accepts a connection ({@link ValidationTargets#connect}). */
    private Response fetch(Target target, List<InetAddress> addresses, long end) {
        String uri = target.uri();
        try (Socket socket = ValidationTargets.connect(addresses, target.port(), end, connectBound, deadline, uri)) {
            Socket exchange = target.tls() ? tls(socket, target, end) : socket;
            OutputStream out = exchange.getOutputStream();
            out.write(("GET " + target.pathAndQuery() + " HTTP/1.1\r\nHost: " + target.authority()
                    + "\r\nUser-Agent: Scepter-ACME\r\nAccept: */*\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return read(exchange, end);
        } catch (SocketTimeoutException e) {
            throw new AcmeProblem(AcmeError.CONNECTION, "no complete answer from " + uri + " within " + ValidationTargets.seconds(deadline));
        } catch (BadAnswer e) {
            throw new AcmeProblem(AcmeError.INCORRECT_RESPONSE, uri + " answered " + e.getMessage());
        } catch (SSLException e) {
            throw new AcmeProblem(AcmeError.CONNECTION, "no TLS 1.2 or 1.3 session with " + uri + ": " + e.getClass().getSimpleName());
        } catch (IOException e) {
            throw new AcmeProblem(AcmeError.CONNECTION, "cannot fetch " + uri + ": " + e.getClass().getSimpleName());
        }
    }

    /** TLS 1.2 or 1.3 over the connected socket, the name sent as SNI, the handshake within the deadline; any certificate accepted. */
    private static Socket tls(Socket socket, Target target, long end) throws IOException {
        SSLSocket tls = (SSLSocket) AnyCertificate.CONTEXT.getSocketFactory().createSocket(socket, target.host(), target.port(), true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        if (!target.host().contains(":") && !target.host().matches("[0-9.]+")) {
            try {
                parameters.setServerNames(List.of(new SNIHostName(target.host())));
            } catch (IllegalArgumentException e) {
                parameters.setServerNames(List.of()); // a name SNI cannot carry: the handshake goes without it
            }
        }
        tls.setSSLParameters(parameters);
        tls.setSoTimeout((int) Math.max(1, remaining(end)));
        tls.startHandshake();
        return tls;
    }

    /**
     * Trusts any certificate, as Let's Encrypt does on an https redirect: HTTP-01 is proved by the
     * key authorization in the body, and a name asking for its first certificate has no valid one.
     * An {@link X509ExtendedTrustManager}, so that JSSE adds no host name check of its own.
     */
    private static final class AnyCertificate extends X509ExtendedTrustManager {
        static final SSLContext CONTEXT = context();

        private static SSLContext context() {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {new AnyCertificate()}, null);
                return context;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("TLS is always there", e);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** {@link ValidationTargets#mayBeTarget}, the policy HTTP-01 shares with TLS-ALPN-01, for every hop. */
    static boolean mayBeTarget(InetAddress address) {
        return ValidationTargets.mayBeTarget(address);
    }

    /** The status, the body of a 200, and the Location of a redirect. */
    private record Response(int status, byte[] body, String location) {
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

    /** A header value read as ISO-8859-1, as UTF-8 where its bytes are UTF-8 (servers send a Location's non-ASCII characters so). */
    private static String utf8(String latin1) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(latin1.getBytes(StandardCharsets.ISO_8859_1))).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return latin1;
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
        String location = null;
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
            } else if (name.equals("location")) {
                location = utf8(value);
            } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            }
        }
        if (status != 200) {
            return new Response(status, new byte[0], location); // the status (and a redirect's Location) is the answer; the body is not read
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
        return new Response(status, body.toByteArray(), null);
    }
}
