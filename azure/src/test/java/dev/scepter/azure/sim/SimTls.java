package dev.scepter.azure.sim;

import java.math.BigInteger;
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
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The simulator's TLS identity: a fresh self-signed certificate for 127.0.0.1 (an IP address
 * subject alternative name, which the JDK client's host name check needs), and the two SSL
 * contexts built on it.
 */
public final class SimTls {

    private static final char[] PASSWORD = "simulator".toCharArray();

    private final SSLContext serverContext;
    private final SSLContext clientContext;
    private final X509Certificate certificate;

    private SimTls(SSLContext serverContext, SSLContext clientContext, X509Certificate certificate) {
        this.serverContext = serverContext;
        this.clientContext = clientContext;
        this.certificate = certificate;
    }

    public static SimTls generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            KeyPair keyPair = generator.generateKeyPair();
            X509Certificate certificate = selfSigned(keyPair);

            KeyStore identity = KeyStore.getInstance("PKCS12");
            identity.load(null, null);
            identity.setKeyEntry("simulator", keyPair.getPrivate(), PASSWORD, new Certificate[] {certificate});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(identity, PASSWORD);
            SSLContext server = SSLContext.getInstance("TLS");
            server.init(keyManagers.getKeyManagers(), null, null);

            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("simulator", certificate);
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            SSLContext client = SSLContext.getInstance("TLS");
            client.init(null, trustManagers.getTrustManagers(), null);
            return new SimTls(server, client, certificate);
        } catch (GeneralSecurityException | java.io.IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make the simulator's TLS certificate", e);
        }
    }

    public SSLContext serverContext() {
        return serverContext;
    }

    /** Trusts exactly the simulator's certificate. */
    public SSLContext clientContext() {
        return clientContext;
    }

    /**
     * Writes a PKCS#12 trust store holding only the simulator's certificate, for a process started
     * with {@code -Djavax.net.ssl.trustStore=<file> -Djavax.net.ssl.trustStorePassword=simulator}.
     */
    public void writeTrustStore(java.nio.file.Path file) {
        try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(file)) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("simulator", certificate);
            trust.store(out, PASSWORD);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot write the simulator's trust store", e);
        }
    }

    private static X509Certificate selfSigned(KeyPair keyPair)
            throws CertIOException, OperatorCreationException, GeneralSecurityException {
        X500Name name = new X500Name("CN=Scepter test simulator");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(Duration.ofDays(1))), name, keyPair.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate())));
    }
}
