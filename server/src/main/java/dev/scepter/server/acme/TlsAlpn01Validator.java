package dev.scepter.server.acme;

import dev.scepter.authority.acme.AcmeIdentifier;
import dev.scepter.protocol.acme.AcmeError;
import dev.scepter.protocol.acme.AcmeProblem;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * TLS-ALPN-01 validation (RFC 8737): a TLS handshake with the identifier on port 443 (unless
 * {@code AppConfig:Acme:TlsAlpn01Port} says otherwise), offering the one protocol
 * {@code acme-tls/1} and naming the identifier in SNI (for an address, its reverse DNS name, RFC
 * 8738 section 6). The certificate is self-signed by design, so it is not verified as a chain;
 * instead section 3's checks: {@code acme-tls/1} negotiated, a subjectAltName of the identifier and nothing else, and the critical acmeIdentifier extension
 * holding the SHA-256 digest of the key authorization; and, stricter than section 3, the
 * validation certificate alone, with no chain after it. TLS 1.2 and 1.3 only. Bounded as HTTP-01 is:
 * the same addresses, tried in turn ({@link ValidationTargets}), one deadline (10 seconds, name resolution to the
 * end of the handshake), and at most {@value #MAX_HANDSHAKE} bytes read from the peer. The
 * handshake is driven through an {@link SSLEngine} on a plain socket, so that every byte read is
 * counted and waited for no longer than the deadline; nothing is sent after it.
 */
final class TlsAlpn01Validator {

    static final String ACME_TLS_1 = "acme-tls/1";
    /** id-pe-acmeIdentifier (RFC 8737 section 6.1). */
    static final ASN1ObjectIdentifier ACME_IDENTIFIER = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.1.31");
    /** The peer's whole handshake: a validation certificate and its key exchange need a few KiB. */
    static final int MAX_HANDSHAKE = 16384;
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final System.Logger LOG = System.getLogger(TlsAlpn01Validator.class.getName());
    private final int port;
    private final Duration deadline;
    private final Duration connectBound;

    TlsAlpn01Validator(int port) {
        this(port, Http01Validator.DEADLINE);
    }

    TlsAlpn01Validator(int port, Duration deadline) {
        this(port, deadline, ValidationTargets.CONNECT_BOUND);
    }

    TlsAlpn01Validator(int port, Duration deadline, Duration connectBound) {
        this.port = port;
        this.deadline = deadline;
        this.connectBound = connectBound;
    }

    /** The handshake broke our bounds or TLS: a TLS failure, however the JDK reports it. */
    private static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** The peer hung up before its handshake was done: a connection failure, as a reset is (RFC 8555's tls is for TLS errors). */
    private static final class Closed extends IOException {
        private static final long serialVersionUID = 1L;

        Closed() {
            super("closed during the handshake");
        }
    }

    /** What a completed handshake gave: the protocol ALPN agreed on ("" for none) and the peer's certificates. */
    private record Handshake(String protocol, Certificate[] certificates) {
    }

    /** Why validation failed, or empty when the identifier answered with the right validation certificate. */
    Optional<AcmeProblem> validate(AcmeIdentifier identifier, String keyAuthorization) {
        long end = System.nanoTime() + deadline.toNanos();
        List<InetAddress> addresses;
        try {
            addresses = ValidationTargets.of(identifier.value(), deadline, "a TLS-ALPN-01");
        } catch (AcmeProblem problem) {
            return Optional.of(problem);
        }
        return validate(identifier, keyAuthorization, addresses, end);
    }

    /** The handshake with {@code addresses}, tried in turn (the seam where tests give addresses a name would not resolve to). */
    Optional<AcmeProblem> validate(AcmeIdentifier identifier, String keyAuthorization, List<InetAddress> addresses, long end) {
        boolean ip = AcmeIdentifier.IP.equals(identifier.type());
        String host = identifier.value();
        String target = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        String serverName;
        try {
            serverName = ip ? reverseName(ValidationTargets.literal(host)) : host;
            new SNIHostName(serverName);
        } catch (IllegalArgumentException e) {
            return Optional.of(new AcmeProblem(AcmeError.CONNECTION, host + " cannot be named in SNI"));
        }
        Handshake handshake;
        try (Socket socket = ValidationTargets.connect(addresses, port, end, connectBound, deadline, target)) {
            try {
                handshake = handshake(socket, serverName, end);
            } catch (RuntimeException e) {
                // The JDK's TLS code, or this loop, on input nobody foresaw: a TLS failure for the client, a
                // stack trace for the admin (it may be a defect here).
                LOG.log(System.Logger.Level.WARNING, "TLS-ALPN-01 handshake with " + target + " ended unexpectedly", e);
                return Optional.of(new AcmeProblem(AcmeError.TLS, "the TLS handshake with " + target + " failed: " + e.getClass().getSimpleName()));
            }
        } catch (AcmeProblem problem) {
            return Optional.of(problem);
        } catch (SocketTimeoutException e) {
            return Optional.of(new AcmeProblem(AcmeError.CONNECTION, "no complete TLS handshake with " + target + " within "
                    + ValidationTargets.seconds(deadline)));
        } catch (Closed e) {
            return Optional.of(new AcmeProblem(AcmeError.CONNECTION, "the connection to " + target + " closed during the TLS handshake"));
        } catch (Refused e) {
            return Optional.of(new AcmeProblem(AcmeError.TLS, "the TLS handshake with " + target + " failed: " + e.getMessage()));
        } catch (SSLException e) {
            return Optional.of(new AcmeProblem(AcmeError.TLS, "the TLS handshake with " + target + " failed: " + printable(e.getMessage())));
        } catch (IOException e) {
            return Optional.of(new AcmeProblem(AcmeError.CONNECTION, "the connection to " + target + " failed during the TLS handshake: "
                    + e.getClass().getSimpleName()));
        }
        return check(identifier, target, handshake, keyAuthorization);
    }

    /** RFC 8737 section 3's checks of what the handshake gave. */
    private static Optional<AcmeProblem> check(AcmeIdentifier identifier, String target, Handshake handshake, String keyAuthorization) {
        if (!ACME_TLS_1.equals(handshake.protocol)) {
            return Optional.of(new AcmeProblem(AcmeError.TLS, target + " did not negotiate " + ACME_TLS_1 + " by ALPN ("
                    + (handshake.protocol == null || handshake.protocol.isEmpty() ? "no protocol" : "'" + printable(handshake.protocol) + "'") + ")"));
        }
        Certificate[] certificates = handshake.certificates;
        if (certificates.length != 1 || !(certificates[0] instanceof X509Certificate)) {
            // Stricter than RFC 8737 section 3, which checks the end-entity certificate: a validation
            // certificate is self-signed, so a chain after it is a misconfigured responder.
            return incorrect(target + " presented " + certificates.length + " certificates; Scepter accepts only the validation certificate alone");
        }
        X509CertificateHolder certificate;
        try {
            certificate = new X509CertificateHolder(certificates[0].getEncoded());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return incorrect(target + " presented a certificate that cannot be read");
        }
        GeneralName[] names;
        try {
            GeneralNames sans = GeneralNames.fromExtensions(certificate.getExtensions(), Extension.subjectAlternativeName);
            names = sans == null ? new GeneralName[0] : sans.getNames();
        } catch (RuntimeException e) {
            return incorrect("the certificate of " + target + " has a subjectAltName that cannot be read");
        }
        if (names.length != 1 || !names(names[0], identifier)) {
            return incorrect("the certificate of " + target + " does not name " + identifier.value() + " alone in its subjectAltName ("
                    + names.length + " entries)");
        }
        Extension extension = certificate.getExtension(ACME_IDENTIFIER);
        if (extension == null) {
            return incorrect("the certificate of " + target + " has no acmeIdentifier extension (" + ACME_IDENTIFIER + ")");
        }
        if (!extension.isCritical()) {
            return incorrect("the certificate of " + target + " has an acmeIdentifier extension that is not critical");
        }
        byte[] value = extension.getExtnValue().getOctets();
        byte[] digest;
        try {
            // Authorization ::= OCTET STRING (SIZE (32)), DER: fromByteArray refuses trailing bytes, the re-encoding anything not DER.
            ASN1Primitive parsed = ASN1Primitive.fromByteArray(value);
            digest = parsed instanceof ASN1OctetString octets && java.util.Arrays.equals(parsed.getEncoded(ASN1Encoding.DER), value)
                    ? octets.getOctets() : null;
        } catch (IOException | RuntimeException e) {
            digest = null;
        }
        if (digest == null || digest.length != 32) {
            return incorrect("the certificate of " + target + " has an acmeIdentifier extension that is not a DER OCTET STRING of 32 bytes");
        }
        if (!MessageDigest.isEqual(digest, sha256(keyAuthorization))) {
            // A well-formed validation certificate for another key authorization: incorrectResponse, as
            // HTTP-01 and DNS-01 report a key authorization that is not this challenge's.
            return incorrect("the acmeIdentifier extension of the certificate of " + target
                    + " is not the SHA-256 digest of this challenge's key authorization");
        }
        return Optional.empty();
    }

    private static Optional<AcmeProblem> incorrect(String detail) {
        return Optional.of(new AcmeProblem(AcmeError.INCORRECT_RESPONSE, detail));
    }

    /** The one entry is the identifier: a dNSName equal to it (DNS names are case-insensitive), or an iPAddress of its octets. */
    private static boolean names(GeneralName name, AcmeIdentifier identifier) {
        if (AcmeIdentifier.IP.equals(identifier.type())) {
            return name.getTagNo() == GeneralName.iPAddress
                    && java.util.Arrays.equals(ASN1OctetString.getInstance(name.getName()).getOctets(), ValidationTargets.literal(identifier.value()).getAddress());
        }
        return name.getTagNo() == GeneralName.dNSName && name.getName().toString().equalsIgnoreCase(identifier.value());
    }

    /** RFC 8738 section 6: the SNI of an address is its reverse mapping name, {@code in-addr.arpa} or {@code ip6.arpa}. */
    static String reverseName(InetAddress address) {
        byte[] octets = address.getAddress();
        StringBuilder name = new StringBuilder();
        for (int i = octets.length - 1; i >= 0; i--) {
            int b = octets[i] & 0xff;
            if (octets.length == 4) {
                name.append(b).append('.');
            } else {
                name.append(Character.forDigit(b & 0xf, 16)).append('.').append(Character.forDigit(b >> 4, 16)).append('.');
            }
        }
        return name.append(octets.length == 4 ? "in-addr.arpa" : "ip6.arpa").toString();
    }

    private static byte[] sha256(String keyAuthorization) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(keyAuthorization.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    /**
     * The client's side of a handshake on the connected socket: TLS 1.2 or 1.3, SNI, ALPN
     * {@code acme-tls/1} alone, any certificate (checked afterwards, not as a chain), a context of its
     * own so no session of an earlier validation is resumed (its certificates would be the old ones).
     */
    private static Handshake handshake(Socket socket, String serverName, long end) throws IOException {
        SSLEngine engine;
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new AnyCertificate()}, null);
            engine = context.createSSLEngine(serverName, socket.getPort());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is part of every Java platform", e);
        }
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(PROTOCOLS);
        parameters.setApplicationProtocols(new String[] {ACME_TLS_1});
        parameters.setServerNames(List.of(new SNIHostName(serverName)));
        parameters.setEndpointIdentificationAlgorithm(null);
        engine.setSSLParameters(parameters);

        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        ByteBuffer empty = ByteBuffer.allocate(0);
        ByteBuffer netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        ByteBuffer netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize()); // kept ready to be filled
        ByteBuffer application = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        int budget = MAX_HANDSHAKE;
        boolean grown = false;
        engine.beginHandshake();
        SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
        while (status != SSLEngineResult.HandshakeStatus.FINISHED && status != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
            switch (status) {
                case NEED_WRAP -> {
                    netOut.clear();
                    SSLEngineResult result = engine.wrap(empty, netOut);
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                        // Nothing written; the same call would overflow again until the deadline. Once the
                        // size the session now asks for, else give up.
                        int size = engine.getSession().getPacketBufferSize();
                        if (grown || size <= netOut.capacity()) {
                            throw new Refused("a handshake message of ours did not fit in " + netOut.capacity() + " bytes");
                        }
                        netOut = ByteBuffer.allocate(size);
                        grown = true;
                        continue;
                    }
                    netOut.flip();
                    out.write(netOut.array(), 0, netOut.limit());
                    out.flush();
                    if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new Refused("the handshake was closed");
                    }
                    status = result.getHandshakeStatus();
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    netIn.flip();
                    SSLEngineResult result = engine.unwrap(netIn, application);
                    netIn.compact();
                    application.clear(); // nothing the peer sends before its Finished is kept
                    switch (result.getStatus()) {
                        case BUFFER_UNDERFLOW -> {
                            if (budget <= 0) {
                                throw new Refused("it sent more than " + MAX_HANDSHAKE + " bytes before the handshake was done");
                            }
                            if (!netIn.hasRemaining()) {
                                throw new Refused("a TLS record larger than any the engine takes");
                            }
                            socket.setSoTimeout((int) Math.max(1, remaining(end)));
                            int read = in.read(netIn.array(), netIn.arrayOffset() + netIn.position(), Math.min(netIn.remaining(), budget));
                            if (read < 0) {
                                throw new Closed();
                            }
                            netIn.position(netIn.position() + read);
                            budget -= read;
                        }
                        case CLOSED -> throw new Refused("the peer closed the handshake");
                        default -> {
                            status = result.getHandshakeStatus();
                            if (result.bytesConsumed() == 0 && result.bytesProduced() == 0 && status == SSLEngineResult.HandshakeStatus.NEED_UNWRAP) {
                                throw new Refused("the handshake made no progress"); // else the same unwrap again, until the deadline
                            }
                        }
                    }
                }
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                    status = engine.getHandshakeStatus();
                }
                default -> throw new Refused("the handshake stalled in " + status);
            }
            remaining(end); // delegated tasks and writes count against the deadline too
        }
        Certificate[] certificates;
        try {
            certificates = engine.getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            certificates = new Certificate[0];
        }
        return new Handshake(engine.getApplicationProtocol(), certificates);
    }

    private static long remaining(long end) throws SocketTimeoutException {
        long millis = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
        if (millis <= 0) {
            throw new SocketTimeoutException("deadline");
        }
        return millis;
    }

    /** Peer text (an alert, a protocol name) fit for a problem document and a log line. */
    private static String printable(String text) {
        String clean = text == null ? "" : text.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 200 ? clean.substring(0, 200) + "..." : clean;
    }

    /**
     * Trusts every certificate: the validation certificate is self-signed by design (RFC 8737
     * section 3) and what matters in it is checked after the handshake. Extended, so that JSSE does
     * not wrap it with checks of its own (host name, chain constraints).
     */
    private static final class AnyCertificate extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
