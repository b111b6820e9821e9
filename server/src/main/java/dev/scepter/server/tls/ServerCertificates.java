package dev.scepter.server.tls;

import dev.scepter.authority.Secrets;
import dev.scepter.authority.enrollment.Enrollment;
import dev.scepter.authority.enrollment.EnrollmentEndpoint;
import dev.scepter.authority.enrollment.EnrollmentOutcome;
import dev.scepter.authority.enrollment.EnrollmentRequest;
import dev.scepter.authority.issuance.EndpointProfile;
import dev.scepter.keys.Pkcs12CaSigner;
import dev.scepter.server.CoreContext;
import dev.scepter.settings.DataFolder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.springframework.stereotype.Component;

/**
 * The HTTPS listener's certificate: a PKCS#12 file the admin names, or one our own CA issues
 * (and records, like every certificate it issues), renewed at start when it nears its end or
 * no longer names the configured hosts.
 */
@Component
public final class ServerCertificates {

    /** A PKCS#12 file and its password. */
    public record KeyStoreFile(Path path, String password) {
        @Override
        public String toString() {
            return "KeyStoreFile[" + path + ", password=<hidden>]";
        }
    }

    private static final Duration RENEW_BEFORE = Duration.ofDays(30);
    private static final System.Logger LOG = System.getLogger(ServerCertificates.class.getName());

    private final CoreContext core;
    private final Enrollment enrollment;
    private final Clock clock;
    private final SecureRandom random;

    public ServerCertificates(CoreContext core, Enrollment enrollment, Clock clock, SecureRandom random) {
        this.core = core;
        this.enrollment = enrollment;
        this.clock = clock;
        this.random = random;
    }

    public KeyStoreFile keyStore() {
        if (core.settings().web().httpsKeyStore().isPresent()) {
            return new KeyStoreFile(core.settings().web().httpsKeyStore().get(), core.settings().web().httpsKeyStorePassword().orElseThrow());
        }
        Path file = core.dataFolder().httpsKeyStore();
        Path passwordFile = core.dataFolder().httpsPassword();
        try {
            Set<String> hostNames = hostNames();
            if (!isUsable(file, passwordFile, hostNames)) {
                issue(file, passwordFile, hostNames);
            }
            return new KeyStoreFile(file, Files.readString(passwordFile, StandardCharsets.UTF_8).strip());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot prepare the HTTPS listener's certificate in " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code AppConfig:Https:HostNames}, else the BaseUrl's host and localhost. */
    Set<String> hostNames() {
        Set<String> names = new LinkedHashSet<>(core.settings().web().httpsHostNames());
        if (names.isEmpty()) {
            names.add(core.baseUrl().getHost());
            names.add("localhost");
        }
        return names;
    }

    private boolean isUsable(Path file, Path passwordFile, Set<String> hostNames) throws IOException, GeneralSecurityException {
        if (!Files.exists(file) || !Files.exists(passwordFile)) {
            return false;
        }
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            keyStore.load(in, Files.readString(passwordFile, StandardCharsets.UTF_8).strip().toCharArray());
        }
        X509Certificate certificate = (X509Certificate) keyStore.getCertificate(keyStore.aliases().nextElement());
        boolean fresh = certificate.getNotAfter().toInstant().isAfter(clock.instant().plus(RENEW_BEFORE));
        boolean fromOurCa = certificate.getIssuerX500Principal().getEncoded().length > 0
                && java.util.Arrays.equals(certificate.getIssuerX500Principal().getEncoded(), core.ca().certificate().getSubject().getEncoded());
        Set<String> named = new LinkedHashSet<>();
        Optional.ofNullable(certificate.getSubjectAlternativeNames()).ifPresent(sans -> sans.forEach(san -> named.add(String.valueOf(san.get(1)))));
        return fresh && fromOurCa && named.containsAll(hostNames);
    }

    private void issue(Path file, Path passwordFile, Set<String> hostNames) throws IOException, GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, random);
        KeyPair keyPair = generator.generateKeyPair();
        PKCS10CertificationRequest csr = csr(keyPair, hostNames);
        EndpointProfile profile = new EndpointProfile("https-listener", 0x50, Optional.empty(),
                List.of(KeyPurposeId.id_kp_serverAuth), KeyUsage.digitalSignature | KeyUsage.keyEncipherment);
        EnrollmentOutcome outcome = enrollment.enroll(new EnrollmentEndpoint(profile, context -> true),
                new EnrollmentRequest(csr, "serve", Optional.empty(), Optional.empty()));
        if (!(outcome instanceof EnrollmentOutcome.Issued issued)) {
            throw new GeneralSecurityException("our CA refused the listener's certificate: " + ((EnrollmentOutcome.Rejected) outcome).detail());
        }
        char[] password = Secrets.randomText(random, 24).toCharArray();
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        keyStore.setKeyEntry("https", keyPair.getPrivate(), password, new Certificate[] {
            converter.getCertificate(issued.certificate()), converter.getCertificate(core.ca().certificate())});
        Pkcs12CaSigner.writeSecret(passwordFile, new String(password).getBytes(StandardCharsets.UTF_8));
        Path temp = file.resolveSibling(DataFolder.HTTPS_KEY_STORE + ".tmp");
        try (OutputStream out = Files.newOutputStream(temp)) {
            keyStore.store(out, password);
        }
        Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        LOG.log(System.Logger.Level.INFO, "Issued the HTTPS listener''s certificate for {0}", hostNames);
    }

    private static PKCS10CertificationRequest csr(KeyPair keyPair, Set<String> hostNames) throws IOException, GeneralSecurityException {
        List<GeneralName> names = new ArrayList<>();
        for (String host : hostNames) {
            names.add(isIpAddress(host) ? new GeneralName(GeneralName.iPAddress, host) : new GeneralName(GeneralName.dNSName, host));
        }
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
        try {
            return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + hostNames.iterator().next()), keyPair.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(keyPair.getPrivate()));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static boolean isIpAddress(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }
}
