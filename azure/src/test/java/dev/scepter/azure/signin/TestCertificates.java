package dev.scepter.azure.signin;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** An app registration's certificate, as openssl would make it: self-signed, with its key, in PEM or PKCS#12. */
public record TestCertificates(KeyPair keyPair, X509Certificate certificate) {

    public static TestCertificates rsa() {
        return generate("RSA", 2048, "SHA256withRSA");
    }

    public static TestCertificates ec() {
        return generate("EC", 256, "SHA256withECDSA");
    }

    private static TestCertificates generate(String algorithm, int size, String signature) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            generator.initialize(size);
            KeyPair pair = generator.generateKeyPair();
            X500Name name = new X500Name("CN=scepter-signin-test");
            Instant now = Instant.now();
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(365))),
                    name, pair.getPublic()).build(new JcaContentSignerBuilder(signature).build(pair.getPrivate())));
            return new TestCertificates(pair, certificate);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The certificate, then the key in PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), as {@code openssl req -x509 -noenc} writes them. */
    public Path writePem(Path file, boolean withKey) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(certificate);
            if (withKey) {
                writer.writeObject(new JcaPKCS8Generator(keyPair.getPrivate(), null));
            }
        }
        return Files.writeString(file, out.toString(), StandardCharsets.US_ASCII);
    }

    public Path writePkcs12(Path file, String password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("signin", keyPair.getPrivate(), password.toCharArray(), new Certificate[] {certificate});
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
        return file;
    }
}
