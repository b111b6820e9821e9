package dev.scepter.bench;

import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.store.jdbc.JdbcStorage;
import java.io.InputStream;
import java.io.Writer;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DigestCalculator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Many distinct certificates for OCSP to answer about, and the requests for them, made before any
 * clock starts.
 *
 * <p>For Scepter the certificates are recorded in the embedded store (while {@code serve} is
 * stopped), as static-endpoint certificates (type byte {@code 50}, bound to nothing), so OCSP finds
 * each in its issued-serial index and answers "good" without a directory read. Issuing them
 * through SCEP would take minutes of RSA signing; these records carry a certificate signed by a
 * throwaway bench key (the CA key stays untouched), which OCSP never reads. For {@code openssl ocsp}
 * the same number of serials go into its index file, so both responders look up as many.
 *
 * <p>Writes {@code get.txt} (one percent-encoded base64 request without nonce a line, RFC 6960
 * appendix A.1) and {@code post.txt} (one hex DER request a line, each with a nonce of its own).
 */
final class OcspFixture {

    private static final SecureRandom RANDOM = new SecureRandom();

    private OcspFixture() {
    }

    static void run(Options options) throws Exception {
        X509Certificate ca = caCertificate(options);
        X509CertificateHolder issuer = new X509CertificateHolder(ca.getEncoded());
        int count = options.getInt("count", 10_000);
        Path out = Files.createDirectories(Path.of(options.get("out")));
        List<BigInteger> serials = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] serial = new byte[20];
            RANDOM.nextBytes(serial);
            serial[0] = 0x50;
            serials.add(new BigInteger(1, serial));
        }
        if (options.values().containsKey("record")) {
            record(Path.of(options.get("record")), issuer, serials);
        }
        if (options.values().containsKey("openssl-index")) {
            appendOpensslIndex(Path.of(options.get("openssl-index")), serials);
        }
        writeRequests(issuer, serials, out);
        System.out.println("ocsp-fixture: " + count + " certificates, requests in " + out);
    }

    /** The CA's certificate, from {@code --ca-pem} or {@code --ca-p12} with {@code --ca-p12-password-file}. */
    static X509Certificate caCertificate(Options options) throws Exception {
        return options.values().containsKey("ca-pem") ? fromPem(Path.of(options.get("ca-pem"))) : fromP12(options);
    }

    /** Writes {@code get.txt} and {@code post.txt} in {@code out}: a request for each serial, without and with a nonce. */
    static void writeRequests(X509CertificateHolder issuer, List<BigInteger> serials, Path out) throws Exception {
        DigestCalculator sha1 = new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1);
        try (Writer get = Files.newBufferedWriter(out.resolve("get.txt"));
                Writer post = Files.newBufferedWriter(out.resolve("post.txt"))) {
            for (BigInteger serial : serials) {
                CertificateID id = new CertificateID(sha1, issuer, serial);
                byte[] plain = new OCSPReqBuilder().addRequest(id).build().getEncoded();
                get.write(URLEncoder.encode(Base64.getEncoder().encodeToString(plain), StandardCharsets.US_ASCII));
                get.write('\n');
                byte[] nonce = new byte[16];
                RANDOM.nextBytes(nonce);
                Extension nonceExtension = new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
                        new DEROctetString(new DEROctetString(nonce)).getEncoded());
                byte[] withNonce = new OCSPReqBuilder().addRequest(id)
                        .setRequestExtensions(new Extensions(nonceExtension)).build().getEncoded();
                post.write(HexFormat.of().formatHex(withNonce));
                post.write('\n');
            }
        }
    }

    private static void record(Path dataDir, X509CertificateHolder issuer, List<BigInteger> serials) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair benchKey = generator.generateKeyPair();
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(benchKey.getPrivate());
        String issuerName = BCStyle.INSTANCE.toString(issuer.getSubject());
        Instant notBefore = Instant.now().minus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Instant notAfter = notBefore.plus(Duration.ofDays(365));
        try (JdbcStorage storage = JdbcStorage.embedded(dataDir)) {
            CertificateStore store = storage.certificateStore();
            int i = 0;
            for (BigInteger serial : serials) {
                String subject = "CN=bench-" + i++;
                byte[] der = new JcaX509v3CertificateBuilder(issuer.getSubject(), serial, Date.from(notBefore), Date.from(notAfter),
                        new X500Name(subject), benchKey.getPublic()).build(signer).getEncoded();
                store.record(new IssuedCertificate(serial, issuerName, subject, Collections.emptyList(), notBefore, notAfter, "static",
                        "challenge", Optional.empty(), Optional.empty(), Optional.empty(), der));
            }
        }
    }

    private static void appendOpensslIndex(Path index, List<BigInteger> serials) throws Exception {
        String expiry = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now().plus(Duration.ofDays(365)));
        StringBuilder lines = new StringBuilder();
        int i = 0;
        for (BigInteger serial : serials) {
            lines.append("V\t").append(expiry).append("\t\t").append(serial.toString(16).toUpperCase()).append("\tunknown\t/CN=bench-")
                    .append(i++).append('\n');
        }
        Files.writeString(index, lines, java.nio.file.StandardOpenOption.APPEND);
    }

    private static X509Certificate fromPem(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static X509Certificate fromP12(Options options) throws Exception {
        char[] password = Files.readString(Path.of(options.get("ca-p12-password-file"))).strip().toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(options.get("ca-p12")))) {
            store.load(in, password);
        }
        for (String alias : Collections.list(store.aliases())) {
            if (store.getCertificate(alias) instanceof X509Certificate certificate) {
                return certificate;
            }
        }
        throw new IllegalStateException("no certificate in " + options.get("ca-p12"));
    }
}
