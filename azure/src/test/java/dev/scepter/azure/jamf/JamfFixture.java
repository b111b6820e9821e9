package dev.scepter.azure.jamf;

import dev.scepter.azure.http.JsonHttp;
import dev.scepter.azure.sim.JamfSimulator;
import dev.scepter.azure.sim.SimTls;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** A Jamf Pro simulator, a clock the tests move, and clients pointed at it. */
final class JamfFixture implements AutoCloseable {

    static final SimTls TLS = SimTls.generate();
    private static final KeyPair KEY = keyPair();

    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-09-01T10:00:00Z"));
    final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    final JamfSimulator jamf = JamfSimulator.start(TLS, now::get);

    JamfFixture() {
        jamf.addApiClient("scepter", "client-secret-value", Duration.ofMinutes(10), JamfSimulator.ALL_READ);
        jamf.addAccount("scepter-api", "account-password-value", Duration.ofMinutes(30), JamfSimulator.ALL_READ);
    }

    JamfClient client(JamfClient.Credentials credentials, Duration timeout) {
        JsonHttp http = new JsonHttp(JsonHttp.client(TLS.clientContext(), Duration.ofSeconds(2)), timeout, 1, Duration.ZERO, d -> {
        }, clock);
        return new JamfClient(jamf.uri(), credentials, http, timeout, clock);
    }

    JamfClient client() {
        return client(new JamfClient.ApiClient("scepter", "client-secret-value"), Duration.ofSeconds(2));
    }

    /** A request with this subject and, if given, an RFC 822 SAN. */
    static PKCS10CertificationRequest csr(String subject, String email) throws Exception {
        JcaPKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), KEY.getPublic());
        if (email != null) {
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.rfc822Name, email)));
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
        }
        return builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(KEY.getPrivate()));
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        jamf.close();
    }
}
