package dev.scepter.server.acme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.acme.AcmeIdentifier;
import dev.scepter.protocol.acme.AcmeError;
import dev.scepter.protocol.acme.AcmeProblem;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * TLS-ALPN-01's handshake and checks (RFC 8737 section 3) against TLS servers on loopback that
 * this test runs: each serves the validation certificate, or a certificate or an exchange spoiled
 * in one way, and records what the validator's ClientHello asked for (SNI, ALPN). Raw servers
 * stand for peers that never finish a handshake: silence, a trickle, endless bytes.
 */
class TlsAlpn01ValidatorTest {

    private static final String KEY_AUTHORIZATION = "token.thumbprint";
    private static final AcmeIdentifier NAME = new AcmeIdentifier(AcmeIdentifier.DNS, "www.localhost");
    private static final KeyPair KEYS = keys();

    private static KeyPair keys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] digest(String keyAuthorization) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(keyAuthorization.getBytes(StandardCharsets.US_ASCII));
    }

    /** id-pe-acmeIdentifier with its value: the DER of {@code value}, as given. */
    private static Extension acmeIdentifier(boolean critical, byte[] value) {
        return new Extension(TlsAlpn01Validator.ACME_IDENTIFIER, critical, value);
    }

    private static Extension rightExtension() throws Exception {
        return acmeIdentifier(true, new DEROctetString(digest(KEY_AUTHORIZATION)).getEncoded());
    }

    /** A self-signed certificate of {@link #KEYS} with these names (none: no subjectAltName) and extensions. */
    private static X509Certificate certificate(List<GeneralName> names, Extension... extensions) throws Exception {
        X500Name subject = new X500Name("CN=ACME challenge");
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minusSeconds(3600)), Date.from(now.plusSeconds(3600)), subject, KEYS.getPublic());
        if (!names.isEmpty()) {
            builder.addExtension(Extension.subjectAlternativeName, true, new GeneralNames(names.toArray(GeneralName[]::new)));
        }
        for (Extension extension : extensions) {
            builder.addExtension(extension);
        }
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(KEYS.getPrivate())));
    }

    private static List<GeneralName> dns(String... names) {
        List<GeneralName> list = new ArrayList<>();
        for (String name : names) {
            list.add(new GeneralName(GeneralName.dNSName, name));
        }
        return list;
    }

    /** The one key and chain a test server has, whatever the client asks for. */
    private static final class FixedKey extends X509ExtendedKeyManager {
        private final X509Certificate[] chain;
        private final PrivateKey key;

        FixedKey(X509Certificate[] chain, PrivateKey key) {
            this.chain = chain;
            this.key = key;
        }

        private String alias(String keyType) {
            return key.getAlgorithm().equals(keyType) ? "validation" : null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return alias(keyType) == null ? null : new String[] {"validation"};
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return alias(keyType);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return alias(keyType);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return chain;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return key;
        }
    }

    /** What the server saw of the ClientHello. */
    private static final List<String> SERVER_NAMES = new CopyOnWriteArrayList<>();
    private static final List<List<String>> OFFERED = new CopyOnWriteArrayList<>();
    /** The TLS version of each handshake the server completed. */
    private static final List<String> NEGOTIATED = new CopyOnWriteArrayList<>();

    /**
     * One TLS handshake on a loopback port with this chain, choosing {@code protocol} by ALPN ("" for
     * none), then the validator's outcome for {@code identifier}.
     */
    private static Optional<AcmeProblem> validate(AcmeIdentifier identifier, String protocol, X509Certificate... chain) throws Exception {
        return serve(InetAddress.getLoopbackAddress(), null, identifier, protocol, chain);
    }

    /** As {@link #validate}, the server on {@code bind} and, unless null, restricted to the TLS version {@code version}. */
    private static Optional<AcmeProblem> serve(InetAddress bind, String version, AcmeIdentifier identifier, String protocol, X509Certificate... chain)
            throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {new FixedKey(chain, KEYS.getPrivate())}, null, null);
        SERVER_NAMES.clear();
        OFFERED.clear();
        NEGOTIATED.clear();
        try (SSLServerSocket listener = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 1, bind)) {
            if (version != null) {
                listener.setEnabledProtocols(new String[] {version});
            }
            CompletableFuture<Void> served = new CompletableFuture<>();
            Thread server = new Thread(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    SSLParameters parameters = socket.getSSLParameters();
                    parameters.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
                        @Override
                        public boolean matches(SNIServerName name) {
                            SERVER_NAMES.add(((SNIHostName) name).getAsciiName());
                            return true;
                        }
                    }));
                    socket.setSSLParameters(parameters);
                    socket.setHandshakeApplicationProtocolSelector((s, offered) -> {
                        OFFERED.add(List.copyOf(offered));
                        return protocol;
                    });
                    socket.setSoTimeout(10_000);
                    socket.startHandshake();
                    NEGOTIATED.add(socket.getSession().getProtocol());
                    socket.getInputStream().read(); // until the validator hangs up
                } catch (Exception e) {
                    // a handshake the validator (or this server) broke off, as some tests intend
                } finally {
                    served.complete(null);
                }
            });
            server.setDaemon(true);
            server.start();
            Optional<AcmeProblem> outcome = new TlsAlpn01Validator(listener.getLocalPort(), Duration.ofSeconds(5)).validate(identifier, KEY_AUTHORIZATION);
            served.get(10, TimeUnit.SECONDS);
            return outcome;
        }
    }

    private static void assertProblem(Optional<AcmeProblem> outcome, AcmeError error, String detail) {
        assertThat(outcome).hasValueSatisfying(p -> {
            assertThat(p.error()).as(p.detail()).isEqualTo(error);
            assertThat(p.detail()).contains(detail);
        });
    }

    @Test
    void theValidationCertificateValidatesAndTheClientHelloNamesTheIdentifierAndOffersOnlyAcmeTls1() throws Exception {
        assertThat(validate(NAME, "acme-tls/1", certificate(dns("www.localhost"), rightExtension()))).isEmpty();
        assertThat(SERVER_NAMES).containsExactly("www.localhost");
        assertThat(OFFERED).containsExactly(List.of("acme-tls/1"));
        // DNS names are compared without regard to case.
        assertThat(validate(NAME, "acme-tls/1", certificate(dns("WWW.Localhost"), rightExtension()))).isEmpty();
    }

    @Test
    void anAddressIsNamedByItsReverseNameInSniAndByAnIpAddressInTheCertificate() throws Exception {
        AcmeIdentifier address = new AcmeIdentifier(AcmeIdentifier.IP, "127.0.0.1");
        GeneralName ip = new GeneralName(GeneralName.iPAddress, "127.0.0.1");
        assertThat(validate(address, "acme-tls/1", certificate(List.of(ip), rightExtension()))).isEmpty();
        assertThat(SERVER_NAMES).containsExactly("1.0.0.127.in-addr.arpa");
        assertProblem(validate(address, "acme-tls/1", certificate(dns("127.0.0.1"), rightExtension())), AcmeError.INCORRECT_RESPONSE,
                "does not name 127.0.0.1 alone");
        assertProblem(validate(address, "acme-tls/1", certificate(List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.2")), rightExtension())),
                AcmeError.INCORRECT_RESPONSE, "does not name 127.0.0.1 alone in its subjectAltName (1 entries)");
        // RFC 3596 section 2.5's example.
        assertThat(TlsAlpn01Validator.reverseName(InetAddress.getByName("4321:0:1:2:3:4:567:89ab")))
                .isEqualTo("b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa");
    }

    @Test
    void aTls12ServerValidates() throws Exception {
        assertThat(serve(InetAddress.getLoopbackAddress(), "TLSv1.2", NAME, "acme-tls/1", certificate(dns("www.localhost"), rightExtension()))).isEmpty();
        assertThat(NEGOTIATED).containsExactly("TLSv1.2");
        assertThat(OFFERED).containsExactly(List.of("acme-tls/1"));
    }

    @Test
    void noProtocolByAlpnIsATlsProblem() throws Exception {
        X509Certificate good = certificate(dns("www.localhost"), rightExtension());
        assertProblem(validate(NAME, "", good), AcmeError.TLS, "did not negotiate acme-tls/1 by ALPN (no protocol)");
        // (Another protocol than the one offered never reaches the validator's check: the JDK's server
        // refuses to select it, with no_application_protocol, as below.)
        // A server that knows no protocol offered ends the handshake with no_application_protocol.
        assertProblem(validate(NAME, null, good), AcmeError.TLS, "no_application_protocol");
    }

    @Test
    void theAcmeIdentifierExtensionMustBeThereCriticalAndAnOctetStringOfThe32ByteDigest() throws Exception {
        byte[] digest = digest(KEY_AUTHORIZATION);
        assertProblem(validate(NAME, "acme-tls/1", certificate(dns("www.localhost"))), AcmeError.INCORRECT_RESPONSE,
                "has no acmeIdentifier extension (1.3.6.1.5.5.7.1.31)");
        assertProblem(validate(NAME, "acme-tls/1", certificate(dns("www.localhost"), acmeIdentifier(false, new DEROctetString(digest).getEncoded()))),
                AcmeError.INCORRECT_RESPONSE, "not critical");
        // The bare digest, not wrapped in an OCTET STRING (as an early draft had it).
        assertProblem(validate(NAME, "acme-tls/1", certificate(dns("www.localhost"), acmeIdentifier(true, digest))),
                AcmeError.INCORRECT_RESPONSE, "not a DER OCTET STRING of 32 bytes");
        assertProblem(validate(NAME, "acme-tls/1", certificate(dns("www.localhost"),
                acmeIdentifier(true, new DEROctetString(java.util.Arrays.copyOf(digest, 31)).getEncoded()))),
                AcmeError.INCORRECT_RESPONSE, "not a DER OCTET STRING of 32 bytes");
        assertProblem(validate(NAME, "acme-tls/1", certificate(dns("www.localhost"),
                acmeIdentifier(true, new DEROctetString(digest("token.another-thumbprint")).getEncoded()))),
                AcmeError.INCORRECT_RESPONSE, "not the SHA-256 digest of this challenge's key authorization");
    }

    @Test
    void theAcmeIdentifierValueMustBeDer() throws Exception {
        byte[] digest = digest(KEY_AUTHORIZATION);
        byte[] longLength = concat(new byte[] {0x04, (byte) 0x81, 0x20}, digest);
        byte[] trailing = concat(new DEROctetString(digest).getEncoded(), new byte[] {0x00});
        // BER's constructed OCTET STRING: one primitive segment holding the digest, definite and indefinite length.
        byte[] constructed = concat(new byte[] {0x24, 0x22, 0x04, 0x20}, digest);
        byte[] indefinite = concat(concat(new byte[] {0x24, (byte) 0x80, 0x04, 0x20}, digest), new byte[] {0x00, 0x00});
        for (byte[] value : List.of(longLength, trailing, constructed, indefinite)) {
            assertProblem(validate(NAME, "acme-tls/1", certificate(dns("www.localhost"), acmeIdentifier(true, value))),
                    AcmeError.INCORRECT_RESPONSE, "not a DER OCTET STRING of 32 bytes");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @Test
    void theSubjectAltNameIsTheIdentifierAndNothingElse() throws Exception {
        assertProblem(validate(NAME, "acme-tls/1", certificate(dns("www.localhost", "other.localhost"), rightExtension())),
                AcmeError.INCORRECT_RESPONSE, "does not name www.localhost alone in its subjectAltName (2 entries)");
        assertProblem(validate(NAME, "acme-tls/1", certificate(dns("other.localhost"), rightExtension())),
                AcmeError.INCORRECT_RESPONSE, "does not name www.localhost alone");
        assertProblem(validate(NAME, "acme-tls/1", certificate(List.of(), rightExtension())),
                AcmeError.INCORRECT_RESPONSE, "(0 entries)");
    }

    @Test
    void anIpv6AddressIsValidatedOverIpv6() throws Exception {
        InetAddress loopback6 = InetAddress.getByName("::1");
        boolean ipv6;
        try (ServerSocket probe = new ServerSocket(0, 1, loopback6)) {
            ipv6 = true;
        } catch (java.io.IOException e) {
            ipv6 = false;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(ipv6, "no IPv6 loopback on this host");
        AcmeIdentifier address = new AcmeIdentifier(AcmeIdentifier.IP, "::1");
        assertThat(serve(loopback6, null, address, "acme-tls/1", certificate(List.of(new GeneralName(GeneralName.iPAddress, "::1")), rightExtension())))
                .isEmpty();
        assertThat(SERVER_NAMES).containsExactly("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa");
    }

    @Test
    void onlyTheValidationCertificateAloneIsAccepted() throws Exception {
        X509Certificate good = certificate(dns("www.localhost"), rightExtension());
        X509Certificate other = certificate(dns("ca.localhost"));
        assertProblem(validate(NAME, "acme-tls/1", good, other), AcmeError.INCORRECT_RESPONSE,
                "presented 2 certificates; Scepter accepts only the validation certificate alone");
    }

    /** A raw server on loopback that does {@code behaviour} with the accepted connection; the validator's outcome and how long it took. */
    private record Timed(Optional<AcmeProblem> outcome, Duration took) {
    }

    private static Timed raw(Duration deadline, Consumer<Socket> behaviour) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket socket = listener.accept()) {
                    behaviour.accept(socket);
                } catch (Exception e) {
                    // the validator hung up, as it should
                }
            });
            server.setDaemon(true);
            server.start();
            long start = System.nanoTime();
            Optional<AcmeProblem> outcome = new TlsAlpn01Validator(listener.getLocalPort(), deadline).validate(NAME, KEY_AUTHORIZATION);
            return new Timed(outcome, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aSilentServerIsAConnectionProblemAtTheDeadline() throws Exception {
        Timed timed = raw(Duration.ofSeconds(1), socket -> sleep(5000));
        assertProblem(timed.outcome(), AcmeError.CONNECTION, "no complete TLS handshake with www.localhost:");
        assertThat(timed.took()).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void aServerThatHangsUpDuringTheHandshakeIsAConnectionProblem() throws Exception {
        Timed timed = raw(Duration.ofSeconds(5), socket -> {
            try {
                socket.getInputStream().read(new byte[16384]); // the ClientHello, then a FIN (not a reset)
                socket.shutdownOutput();
                socket.getInputStream().readAllBytes();
            } catch (java.io.IOException e) {
                // the validator hung up
            }
        });
        assertProblem(timed.outcome(), AcmeError.CONNECTION, "the connection to www.localhost:");
        assertThat(timed.outcome().get().detail()).contains("closed during the TLS handshake");
    }

    @Test
    void anAddressThatDropsTheConnectionCostsItsConnectBoundAndTheNextAddressIsTried() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {new FixedKey(new X509Certificate[] {certificate(dns("www.localhost"), rightExtension())}, KEYS.getPrivate())},
                null, null);
        try (SSLServerSocket listener = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                BlackHole hole = new BlackHole(listener.getLocalPort())) {
            Thread server = new Thread(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.setHandshakeApplicationProtocolSelector((s, offered) -> "acme-tls/1");
                    socket.startHandshake();
                    socket.getInputStream().read();
                } catch (Exception e) {
                    // the validator hung up
                }
            });
            server.setDaemon(true);
            server.start();
            TlsAlpn01Validator validator = new TlsAlpn01Validator(listener.getLocalPort(), Duration.ofSeconds(5), Duration.ofSeconds(1));
            long start = System.nanoTime();
            assertThat(validator.validate(NAME, KEY_AUTHORIZATION, List.of(BlackHole.ADDRESS, InetAddress.getByName("127.0.0.1")),
                    start + Duration.ofSeconds(5).toNanos())).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));

            // Alone, or both addresses dropping, a connection problem that says the bound each was given.
            assertProblem(validator.validate(NAME, KEY_AUTHORIZATION, List.of(BlackHole.ADDRESS), System.nanoTime() + Duration.ofSeconds(5).toNanos()),
                    AcmeError.CONNECTION, "cannot connect to www.localhost:" + listener.getLocalPort() + ": no answer within 1 s");
            assertProblem(validator.validate(NAME, KEY_AUTHORIZATION, List.of(BlackHole.ADDRESS, BlackHole.ADDRESS),
                    System.nanoTime() + Duration.ofSeconds(5).toNanos()), AcmeError.CONNECTION, "(2 addresses tried): no answer within 1 s");
            // The deadline, not the bound, when it is shorter.
            assertProblem(validator.validate(NAME, KEY_AUTHORIZATION, List.of(BlackHole.ADDRESS), System.nanoTime() + Duration.ofMillis(500).toNanos()),
                    AcmeError.CONNECTION, "no answer within the 5 s deadline");
        }
    }

    @Test
    void aServerTricklingItsHandshakeIsCutOffAtTheOneDeadline() throws Exception {
        Timed timed = raw(Duration.ofSeconds(1), socket -> {
            try {
                OutputStream out = socket.getOutputStream();
                // A handshake record of 100 bytes, sent a byte at a time: each read is quick, the whole is not.
                out.write(new byte[] {0x16, 0x03, 0x03, 0x00, 0x64});
                for (int i = 0; i < 100; i++) {
                    out.write(0);
                    out.flush();
                    sleep(200);
                }
            } catch (java.io.IOException e) {
                // the validator hung up
            }
        });
        assertProblem(timed.outcome(), AcmeError.CONNECTION, "within 1 s");
        assertThat(timed.took()).as("one deadline for the whole handshake").isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void aServerSendingEndlessBytesIsCutOffAtTheBound() throws Exception {
        Timed timed = raw(Duration.ofSeconds(8), socket -> {
            try {
                OutputStream out = socket.getOutputStream();
                // A full-size handshake record starting a 28 KiB ServerHello (under the JDK's own limit on a
                // handshake message), then zeros for ever.
                out.write(new byte[] {0x16, 0x03, 0x03, 0x40, 0x00, 0x02, 0x00, 0x70, 0x00});
                byte[] zeros = new byte[4096];
                while (true) {
                    out.write(zeros);
                }
            } catch (java.io.IOException e) {
                // the validator hung up
            }
        });
        assertProblem(timed.outcome(), AcmeError.TLS, "sent more than 16384 bytes before the handshake was done");
        assertThat(timed.took()).as("not held to the deadline").isLessThan(Duration.ofSeconds(4));

        Timed garbage = raw(Duration.ofSeconds(8), socket -> {
            try {
                byte[] text = "HTTP/1.1 400 Bad Request\r\n".repeat(200).getBytes(StandardCharsets.US_ASCII);
                while (true) {
                    socket.getOutputStream().write(text);
                }
            } catch (java.io.IOException e) {
                // the validator hung up
            }
        });
        assertProblem(garbage.outcome(), AcmeError.TLS, "the TLS handshake with www.localhost:");
        assertThat(garbage.took()).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void aPortWithNoServerIsAConnectionProblemAndRefusedAddressesAreNotContacted() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        assertProblem(new TlsAlpn01Validator(closed, Duration.ofSeconds(2)).validate(NAME, KEY_AUTHORIZATION), AcmeError.CONNECTION,
                "cannot connect to www.localhost:" + closed);
        for (String refused : new String[] {"0.0.0.0", "224.0.0.1", "ff02::1", "fd00:ec2::254", "168.63.129.16", "64:ff9b::a9fe:a9fe"}) {
            assertProblem(new TlsAlpn01Validator(closed, Duration.ofSeconds(2)).validate(new AcmeIdentifier(AcmeIdentifier.IP, refused), KEY_AUTHORIZATION),
                    AcmeError.CONNECTION, "resolves to no address a TLS-ALPN-01 target may have");
        }
    }
}
