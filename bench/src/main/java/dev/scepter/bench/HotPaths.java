package dev.scepter.bench;

import dev.scepter.authority.directory.Directory;
import dev.scepter.authority.directory.DirectoryAnswer;
import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.ca.CaSigner;
import dev.scepter.authority.issuance.CertificateIssuer;
import dev.scepter.authority.issuance.EndpointProfile;
import dev.scepter.authority.issuance.IssuancePolicy;
import dev.scepter.authority.issuance.SerialNumbers;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.validity.CertificateStatus;
import dev.scepter.authority.validity.IssuedSerialIndex;
import dev.scepter.authority.validity.RevocationIndex;
import dev.scepter.authority.validity.Validity;
import dev.scepter.protocol.ocsp.CertStatus;
import dev.scepter.protocol.ocsp.CertificateId;
import dev.scepter.protocol.ocsp.IssuerMatcher;
import dev.scepter.protocol.ocsp.MalformedOcspRequestException;
import dev.scepter.protocol.ocsp.OcspRequest;
import dev.scepter.protocol.ocsp.OcspRequestDecoder;
import dev.scepter.protocol.ocsp.OcspResponseEncoder;
import dev.scepter.protocol.ocsp.SingleAnswer;
import dev.scepter.protocol.crypto.CryptoProviders;
import dev.scepter.protocol.csr.CertificationRequests;
import dev.scepter.protocol.scep.CmsSigner;
import dev.scepter.protocol.scep.CertRepEncoder;
import dev.scepter.protocol.scep.KeyTransportDecryptor;
import dev.scepter.protocol.scep.PkiMessage;
import dev.scepter.protocol.scep.PkiMessageDecoder;
import dev.scepter.protocol.scep.ResponseEncryption;
import java.math.BigInteger;
import java.net.URI;
import java.lang.reflect.Proxy;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH benchmarks of the hot paths (issue 15 item 6), with the production classes and real keys,
 * so that a change's effect on one path shows without a whole {@code bin/scepter-bench} run. Run
 * by {@code bin/scepter-jmh} (docs/performance.md), never by a build.
 *
 * <ul>
 * <li>OCSP, over 10,000 certificates (static-endpoint serials, bound to nothing, loaded into the
 *     issued-serial index at start as the server loads them; no store read afterwards): decode a request
 *     ({@link #ocspDecode}), decode and decide each CertID ({@link #ocspDecodeDecide}), and the
 *     whole answer signed by a P-256 delegated responder, without and with a nonce
 *     ({@link #ocspDecodeDecideSignEncode}, {@link #ocspWithNonce}); and a request decoded and
 *     found by its CertIDs among 10,000, keyed as the response cache keys them
 *     ({@link #ocspDecodeLookup}). The response cache's own bookkeeping (Caffeine's), the GET
 *     path's base64 and the HTTP layer are not in it (the harness measures those).
 * <li>SCEP with a CA key of {@code caKeySize} bits: a PKCSReq decoded (signature checked) and its
 *     envelope decrypted with the CA key ({@link #scepDecode}), a certificate issued for its CSR
 *     ({@link #issue}), the CSR's self-signature checked ({@link #csrSelfSignature}), and the CertRep
 *     SUCCESS encoded, encrypted for the client and signed ({@link #encode}).
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HotPaths {

    private static final int CERTIFICATES = 10_000;
    private static final int SCEP_REQUESTS = 32;

    /**
     * Whether the native provider (ACCP) signs and unwraps, as {@code AppConfig:Crypto:NativeProvider}
     * has it: each benchmark runs with and without it, back to back (docs/performance.md).
     */
    @State(Scope.Benchmark)
    public static class Providers {
        @Param({"true", "false"})
        public boolean nativeProvider;

        @Setup(Level.Trial)
        public void setUp() {
            CryptoProviders chosen = CryptoProviders.select(nativeProvider);
            if (nativeProvider && !chosen.nativeLoaded()) {
                throw new IllegalStateException("the native provider does not load here: " + chosen.describe());
            }
            CryptoProviders.use(chosen);
        }
    }

    /** What the OCSP benchmarks share: a CA, a store with its certificates, the responder's key. */
    @State(Scope.Benchmark)
    public static class Ocsp {
        IssuerMatcher issuer;
        Validity validity;
        OcspResponseEncoder encoder;
        final List<byte[]> plain = new ArrayList<>();
        final List<byte[]> withNonce = new ArrayList<>();
        /**
         * Keyed as OcspResponder's response cache is (its cacheKey is the request's certificateIds(), in order), by keys
         * decoded once at set-up, so that each lookup compares a freshly decoded key with a stored one as the server's
         * does. The values are the requests themselves: what is found does not matter, only that it is.
         */
        final Map<List<CertificateId>, byte[]> cached = new ConcurrentHashMap<>();

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            KeyPair caKeys = rsa(2048);
            X509CertificateHolder ca = caCertificate(caKeys);
            issuer = new IssuerMatcher(ca);
            String issuerName = BCStyle.INSTANCE.toString(ca.getSubject());
            SerialNumbers serials = new SerialNumbers(new SecureRandom());
            List<BigInteger> recorded = new ArrayList<>(CERTIFICATES);
            var sha1 = new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1);
            SecureRandom random = new SecureRandom();
            for (int i = 0; i < CERTIFICATES; i++) {
                BigInteger serial = serials.unbound(0x50);
                recorded.add(serial);
                CertificateID id = new CertificateID(sha1, ca, serial);
                plain.add(new OCSPReqBuilder().addRequest(id).build().getEncoded());
                byte[] nonce = new byte[16];
                random.nextBytes(nonce);
                withNonce.add(new OCSPReqBuilder().addRequest(id).setRequestExtensions(new Extensions(new Extension(
                        OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false, new DEROctetString(new DEROctetString(nonce)).getEncoded())))
                        .build().getEncoded());
            }
            CertificateStore store = serialsOnly(recorded);
            Instant notBefore = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
            Instant notAfter = notBefore.plus(Duration.ofDays(365));
            Clock clock = Clock.systemUTC();
            RevocationIndex revocations = new RevocationIndex(store, issuerName);
            revocations.refresh();
            IssuedSerialIndex issued = new IssuedSerialIndex(store, issuerName, clock, Duration.ofSeconds(5));
            issued.refresh();
            validity = new Validity(ca.getSerialNumber(), revocations, issued, new NoDirectory(), clock);
            // The delegated responder: a P-256 key with a certificate from the CA, as AppConfig:OCSP:UseAuthorizedResponder has it.
            KeyPair responderKeys = ec();
            X509CertificateHolder responder = new JcaX509v3CertificateBuilder(ca.getSubject(), BigInteger.TWO, Date.from(notBefore),
                    Date.from(notAfter), new X500Name("CN=jmh OCSP responder"), responderKeys.getPublic())
                    .addExtension(Extension.extendedKeyUsage, false, new org.bouncycastle.asn1.x509.ExtendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning))
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(caKeys.getPrivate()));
            encoder = new OcspResponseEncoder(CmsSigner.of(responder, responderKeys.getPrivate()), List.of(responder));
            for (byte[] request : plain) {
                cached.put(OcspRequestDecoder.decode(request).certificateIds(), request);
            }
        }

    }

    /** Each thread's turn through the requests: a different certificate each call. */
    @State(Scope.Thread)
    public static class Turn {
        int next;

        int next(int size) {
            next = next + 1 == size ? 0 : next + 1;
            return next;
        }
    }

    @Benchmark
    public OcspRequest ocspDecode(Ocsp ocsp, Turn turn) throws MalformedOcspRequestException {
        return OcspRequestDecoder.decode(ocsp.plain.get(turn.next(CERTIFICATES)));
    }

    @Benchmark
    public List<SingleAnswer> ocspDecodeDecide(Ocsp ocsp, Turn turn) throws MalformedOcspRequestException {
        return decide(ocsp, OcspRequestDecoder.decode(ocsp.plain.get(turn.next(CERTIFICATES))), Instant.now());
    }

    @Benchmark
    public byte[] ocspDecodeLookup(Ocsp ocsp, Turn turn) throws MalformedOcspRequestException {
        byte[] found = ocsp.cached.get(OcspRequestDecoder.decode(ocsp.plain.get(turn.next(CERTIFICATES))).certificateIds());
        if (found == null) {
            throw new IllegalStateException("every request of the benchmark is cached");
        }
        return found;
    }

    @Benchmark
    public byte[] ocspDecodeDecideSignEncode(Providers providers, Ocsp ocsp, Turn turn) throws MalformedOcspRequestException {
        return answer(ocsp, ocsp.plain.get(turn.next(CERTIFICATES)));
    }

    @Benchmark
    public byte[] ocspWithNonce(Providers providers, Ocsp ocsp, Turn turn) throws MalformedOcspRequestException {
        return answer(ocsp, ocsp.withNonce.get(turn.next(CERTIFICATES)));
    }

    private static byte[] answer(Ocsp ocsp, byte[] der) throws MalformedOcspRequestException {
        OcspRequest request = OcspRequestDecoder.decode(der);
        Instant thisUpdate = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return ocsp.encoder.successful(decide(ocsp, request, thisUpdate), request.nonce(), thisUpdate);
    }

    /** As OcspResponder decides (server module): the issuer filter, then Validity for each CertID. */
    private static List<SingleAnswer> decide(Ocsp ocsp, OcspRequest request, Instant thisUpdate) {
        List<SingleAnswer> answers = new ArrayList<>(request.certificateIds().size());
        for (CertificateId id : request.certificateIds()) {
            CertStatus status = ocsp.issuer.matches(id) && ocsp.validity.statusOf(id.serialNumber()) instanceof CertificateStatus.Good
                    ? new CertStatus.Good() : new CertStatus.Unknown();
            if (status instanceof CertStatus.Unknown) {
                throw new IllegalStateException("every certificate of the benchmark is good: " + id);
            }
            answers.add(new SingleAnswer(id, status, thisUpdate, Optional.of(thisUpdate.plus(Duration.ofMinutes(10)))));
        }
        return answers;
    }

    /** What the SCEP benchmarks share: a CA of {@code caKeySize} bits and PKCSReqs for it, built before any clock starts. */
    @State(Scope.Benchmark)
    public static class Scep {
        @Param({"2048", "4096"})
        public int caKeySize;

        PrivateKey caKey;
        X509CertificateHolder ca;
        final List<byte[]> requests = new ArrayList<>();
        final List<PkiMessage> decoded = new ArrayList<>();
        final List<PKCS10CertificationRequest> csrs = new ArrayList<>();
        final List<X509CertificateHolder> issued = new ArrayList<>();
        CertificateIssuer issuer;
        EndpointProfile endpoint;
        SerialNumbers serials;
        CertRepEncoder encoder;
        /** As Pkcs12CaSigner holds it: one per key, which keeps the key in the chosen provider's form. */
        KeyTransportDecryptor decryptor;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            KeyPair caKeys = rsa(caKeySize);
            caKey = caKeys.getPrivate();
            ca = caCertificate(caKeys);
            X509Certificate recipient = new JcaX509CertificateConverter().getCertificate(ca);
            List<KeyPair> clientKeys = List.of(rsa(2048), rsa(2048));
            CmsSigner caSigner = CmsSigner.of(ca, caKey);
            issuer = new CertificateIssuer(new CaSigner() {
                @Override
                public X509CertificateHolder certificate() {
                    return ca;
                }

                @Override
                public ContentSigner contentSigner(AlgorithmIdentifier digestAlgorithm) throws OperatorCreationException {
                    return caSigner.contentSigner(digestAlgorithm);
                }

                @Override
                public String describe() {
                    return "an RSA-" + caKeySize + " key in memory";
                }
            }, new IssuancePolicy(365, Duration.ofMinutes(10), false, URI.create("http://scepter.test")), Clock.systemUTC());
            endpoint = new EndpointProfile("static", 0x50, Optional.empty(), List.of(KeyPurposeId.id_kp_clientAuth),
                    KeyUsage.digitalSignature | KeyUsage.keyEncipherment);
            serials = new SerialNumbers(new SecureRandom());
            encoder = new CertRepEncoder(caSigner);
            decryptor = KeyTransportDecryptor.of(caKey);
            for (ScepLoad.Prepared prepared : ScepLoad.prepare(SCEP_REQUESTS, clientKeys, recipient, "jmh", CMSAlgorithm.AES256_CBC, "jmh")) {
                requests.add(prepared.body());
                PkiMessage message = PkiMessageDecoder.decode(prepared.body());
                decoded.add(message);
                PKCS10CertificationRequest csr = message.decryptCertificationRequest(decryptor);
                csrs.add(csr);
                issued.add(issuer.issue(csr, endpoint, Optional.empty(), serials.unbound(0x50)));
            }
        }
    }

    @Benchmark
    public PKCS10CertificationRequest scepDecode(Providers providers, Scep scep, Turn turn) throws Exception {
        PkiMessage message = PkiMessageDecoder.decode(scep.requests.get(turn.next(SCEP_REQUESTS)));
        if (!message.signatureValid()) {
            throw new IllegalStateException("the benchmark's requests are signed right");
        }
        return message.decryptCertificationRequest(scep.decryptor);
    }

    /** The proof of possession every enrollment checks: the CSR's self-signature, with the client's RSA-2048 key. */
    @Benchmark
    public boolean csrSelfSignature(Providers providers, Scep scep, Turn turn) {
        if (!CertificationRequests.isSelfSignatureValid(scep.csrs.get(turn.next(SCEP_REQUESTS)))) {
            throw new IllegalStateException("the benchmark's requests are signed right");
        }
        return true;
    }

    @Benchmark
    public X509CertificateHolder issue(Providers providers, Scep scep, Turn turn) throws Exception {
        return scep.issuer.issue(scep.csrs.get(turn.next(SCEP_REQUESTS)), scep.endpoint, Optional.empty(), scep.serials.unbound(0x50));
    }

    @Benchmark
    public byte[] encode(Providers providers, Scep scep, Turn turn) throws Exception {
        int i = turn.next(SCEP_REQUESTS);
        return scep.encoder.success(scep.decoded.get(i), List.of(scep.issued.get(i), scep.ca), ResponseEncryption.AES_256_CBC);
    }

    private static KeyPair rsa(int bits) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        return generator.generateKeyPair();
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509CertificateHolder caCertificate(KeyPair keys) throws Exception {
        X500Name name = new X500Name("CN=Scepter JMH Root CA,O=Scepter");
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(3650))), name, keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate()));
    }

    /**
     * A store that knows the serials and no revocation: all the issued-serial and revocation
     * indexes read from it at start (the steady state reads no store; a database's cost is the
     * harness's to show).
     */
    private static CertificateStore serialsOnly(List<BigInteger> serials) {
        return (CertificateStore) Proxy.newProxyInstance(CertificateStore.class.getClassLoader(), new Class<?>[] {CertificateStore.class},
                (proxy, method, arguments) -> switch (method.getName()) {
                    case "forEachSerialRecordedSince" -> {
                        @SuppressWarnings("unchecked")
                        java.util.function.Consumer<BigInteger> visitor = (java.util.function.Consumer<BigInteger>) arguments[2];
                        serials.forEach(visitor);
                        yield null;
                    }
                    case "revocations" -> List.of();
                    case "toString" -> "serials only";
                    default -> throw new UnsupportedOperationException(method.getName() + " is not read by the OCSP benchmarks");
                });
    }

    /** Static-endpoint certificates are bound to nothing: a directory read would be a bug in the benchmark. */
    private static final class NoDirectory implements Directory {
        @Override
        public DirectoryAnswer lookup(DirectoryObjectType type, UUID objectId) {
            throw new IllegalStateException("no directory in this benchmark");
        }

        @Override
        public Optional<UUID> findUserByPrincipalName(String userPrincipalName) {
            return Optional.empty();
        }

        @Override
        public Optional<String> securityIdentifier(DirectoryObjectType type, UUID objectId) {
            return Optional.empty();
        }

        @Override
        public String describe() {
            return "none";
        }
    }
}
