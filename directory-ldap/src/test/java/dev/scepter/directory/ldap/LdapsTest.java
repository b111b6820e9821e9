package dev.scepter.directory.ldap;

import static dev.scepter.authority.directory.DirectoryAnswer.ENABLED;
import static dev.scepter.authority.directory.DirectoryObjectType.DEVICE;
import static dev.scepter.directory.ldap.TestDirectoryServer.BASE_DN;
import static dev.scepter.directory.ldap.TestDirectoryServer.BIND_DN;
import static dev.scepter.directory.ldap.TestDirectoryServer.BIND_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.unboundid.ldap.sdk.Entry;
import dev.scepter.authority.directory.DirectoryUnavailableException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ldaps://}: the server's certificate must chain to the trusted CA file and name the host. */
class LdapsTest {

    private static final char[] KEY_PASSWORD = "changeit".toCharArray();

    @TempDir
    Path folder;

    @Test
    void trustsTheCaFile() throws Exception {
        SelfSigned certificate = selfSigned(new GeneralName(GeneralName.dNSName, "localhost"));
        Path caFile = certificate.writePem(folder.resolve("ca.pem"));

        try (TestDirectoryServer server = TestDirectoryServer.startTls(certificate.serverContext());
                LdapDirectory directory = LdapDirectory.open(settings(byName(server), caFile))) {
            UUID id = addComputer(server);

            assertThat(directory.lookup(DEVICE, id)).isEqualTo(ENABLED);
            assertThat(directory.describe()).startsWith("LDAP ldaps://localhost:");
        }
    }

    @Test
    void anUntrustedServerIsUnavailable() throws Exception {
        SelfSigned certificate = selfSigned(new GeneralName(GeneralName.dNSName, "localhost"));

        try (TestDirectoryServer server = TestDirectoryServer.startTls(certificate.serverContext());
                LdapDirectory directory = LdapDirectory.open(settings(byName(server), null))) {
            UUID id = addComputer(server);

            assertThatThrownBy(() -> directory.lookup(DEVICE, id)).isInstanceOf(DirectoryUnavailableException.class)
                    .hasMessageNotContaining(BIND_PASSWORD);
        }
    }

    /**
     * The name in the URL must be in the certificate (RFC 6125), even though the CA is trusted.
     * (UnboundID's verifier accepts any certificate on a loopback IP address, so this test connects
     * by the name localhost.)
     */
    @Test
    void aCertificateForAnotherHostIsUnavailable() throws Exception {
        SelfSigned certificate = selfSigned(new GeneralName(GeneralName.dNSName, "dc1.example.com"));
        Path caFile = certificate.writePem(folder.resolve("ca.pem"));

        try (TestDirectoryServer server = TestDirectoryServer.startTls(certificate.serverContext());
                LdapDirectory directory = LdapDirectory.open(settings(byName(server), caFile))) {
            UUID id = addComputer(server);

            assertThatThrownBy(() -> directory.lookup(DEVICE, id)).isInstanceOf(DirectoryUnavailableException.class)
                    .hasMessageContaining("localhost");
        }
    }

    private static String byName(TestDirectoryServer server) {
        return "ldaps://localhost:" + server.port();
    }

    @Test
    void anUnreadableCaFileIsASettingsError() {
        assertThatThrownBy(() -> LdapDirectory.open(settings("ldaps://127.0.0.1:636", folder.resolve("missing.pem"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.pem");
    }

    private static LdapDirectorySettings settings(String url, Path caFile) {
        return new LdapDirectorySettings(List.of(url), BIND_DN, BIND_PASSWORD, BASE_DN, Duration.ofSeconds(2),
                Duration.ofSeconds(2), 2, caFile, null, null, null, null, null, null);
    }

    private static UUID addComputer(TestDirectoryServer server) throws Exception {
        UUID id = UUID.randomUUID();
        Entry entry = new Entry("CN=PC-1,ou=computers," + BASE_DN);
        entry.addAttribute("objectClass", "top", "user", "computer");
        entry.addAttribute("cn", "PC-1");
        entry.addAttribute(TestDirectoryServer.binary("objectGUID", GuidFormat.dotNetBytes(id)));
        entry.addAttribute("userAccountControl", "4096");
        server.add(entry);
        return id;
    }

    private record SelfSigned(KeyPair keys, X509Certificate certificate) {

        SSLContext serverContext() throws Exception {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", keys.getPrivate(), KEY_PASSWORD, new X509Certificate[] {certificate});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(store, KEY_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), null, null);
            return context;
        }

        Path writePem(Path file) throws Exception {
            String pem = "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
            return Files.writeString(file, pem, StandardCharsets.US_ASCII);
        }
    }

    /** A self-signed CA certificate that also serves as the server's, naming {@code name}. */
    private static SelfSigned selfSigned(GeneralName name) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        X500Name subject = new X500Name("CN=Test LDAP server");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))), subject, keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(name));
        X509Certificate certificate = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        return new SelfSigned(keys, certificate);
    }
}
