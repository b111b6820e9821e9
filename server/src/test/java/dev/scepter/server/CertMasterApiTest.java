package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.token.ApiRole;
import dev.scepter.authority.token.ApiTokens;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What Certificate Master asks of the core beyond SCEPman's API: {@code POST /api/csr?kind=&validityDays=}
 * (the kind, not the request, decides KU, EKU and the longest lifetime; what the kind does not
 * allow is a 400) and {@code GET /api/manage/crl}.
 */
class CertMasterApiTest {

    private static RunningServer server;
    private static String token;
    private static String manageToken;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(Map.of());
        ApiTokens tokens = new ApiTokens(server.core.storage().apiTokenStore(), server.core.storage().auditLog(), Clock.systemUTC(),
                new SecureRandom());
        token = tokens.create("test", "portal", Set.of(ApiRole.CSR_REQUEST), Optional.empty()).value();
        manageToken = tokens.create("test", "manager", Set.of(ApiRole.MANAGE_ALL), Optional.empty()).value();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private HttpResponse<byte[]> post(String query, byte[] csr) throws Exception {
        return http.send(HttpRequest.newBuilder(server.url("/api/csr" + query)).header("Content-Type", "application/pkcs10")
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofByteArray(csr)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] csr(KeyPair keys, String subject, List<GeneralName> names, KeyPurposeId... ekus) throws Exception {
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        if (!names.isEmpty()) {
            extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
        }
        if (ekus.length > 0) {
            extensions.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(ekus));
        }
        JcaPKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic());
        if (!extensions.isEmpty()) {
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
        }
        String algorithm = keys.getPublic().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        return builder.build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate())).getEncoded();
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static List<?> issued() {
        return server.core.storage().certificateStore().search(server.core.ca().certificate().getSubject().toString(), new dev.scepter.authority.store.SearchQuery(Optional.empty(),
                dev.scepter.authority.store.SearchQuery.Validity.ANY, java.time.Instant.now(), 100, Optional.empty())).items();
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Test
    void aServerKindGetsServerAuthAndTheRequestedClientAuthAndTheLifetimeAskedFor() throws Exception {
        byte[] request = csr(rsa(), "CN=www.example.test", List.of(new GeneralName(GeneralName.dNSName, "www.example.test"),
                new GeneralName(GeneralName.iPAddress, "192.0.2.7")), KeyPurposeId.id_kp_clientAuth);

        HttpResponse<byte[]> response = post("?kind=Server&validityDays=90", request);

        assertThat(response.statusCode()).as(text(response)).isEqualTo(200);
        X509CertificateHolder certificate = new X509CertificateHolder(response.body());
        assertThat(ExtendedKeyUsage.fromExtensions(certificate.getExtensions()).getUsages())
                .containsExactly(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
        assertThat(KeyUsage.fromExtensions(certificate.getExtensions()).hasUsages(KeyUsage.digitalSignature | KeyUsage.keyEncipherment)).isTrue();
        // notBefore lies back by AppConfig:ValidityClockSkewMinutes: the lifetime counts from now.
        Duration lifetime = Duration.between(java.time.Instant.now(), certificate.getNotAfter().toInstant());
        assertThat(lifetime).isBetween(Duration.ofDays(90).minusMinutes(5), Duration.ofDays(90));
    }

    @Test
    void withoutValidityDaysTheKindsMaximumWithinTheInstallationsCap() throws Exception {
        byte[] request = csr(rsa(), "CN=www.example.test", List.of(new GeneralName(GeneralName.dNSName, "www.example.test")));
        X509CertificateHolder certificate = new X509CertificateHolder(post("?kind=server", request).body());
        Duration lifetime = Duration.between(java.time.Instant.now(), certificate.getNotAfter().toInstant());
        assertThat(lifetime).isBetween(Duration.ofDays(397).minusMinutes(5), Duration.ofDays(397));
    }

    @Test
    void codeSigningAndSmimeOnEcKeysGetTheirOwnUsages() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        X509CertificateHolder signing = new X509CertificateHolder(post("?kind=CodeSigning", csr(generator.generateKeyPair(), "CN=Build", List.of())).body());
        assertThat(ExtendedKeyUsage.fromExtensions(signing.getExtensions()).getUsages()).containsExactly(KeyPurposeId.id_kp_codeSigning);
        assertThat(KeyUsage.fromExtensions(signing.getExtensions()).getBytes()[0] & 0xFF).isEqualTo(KeyUsage.digitalSignature);

        X509CertificateHolder mail = new X509CertificateHolder(post("?kind=SMime", csr(generator.generateKeyPair(), "CN=Alice",
                List.of(new GeneralName(GeneralName.rfc822Name, "alice@example.test")))).body());
        assertThat(ExtendedKeyUsage.fromExtensions(mail.getExtensions()).getUsages()).containsExactly(KeyPurposeId.id_kp_emailProtection);
        assertThat(KeyUsage.fromExtensions(mail.getExtensions()).hasUsages(KeyUsage.digitalSignature | KeyUsage.keyAgreement)).isTrue();
    }

    @Test
    void whatTheKindDoesNotAllowIsA400SayingWhyAndNothingIsIssued() throws Exception {
        int before = issued().size();
        KeyPair keys = rsa();
        byte[] server1 = csr(keys, "CN=www.example.test", List.of(new GeneralName(GeneralName.dNSName, "www.example.test")));
        Map<String, String> refusals = Map.of(
                "?kind=Server&validityDays=398", "lives from 1 to 397 days here, not 398",
                "?kind=Server&validityDays=0", "not 0",
                "?kind=Printer", "\\\"kind\\\" must be one of Server, Client, User, CodeSigning, SMime",
                "?validityDays=30", "needs \\\"kind\\\"");
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            HttpResponse<byte[]> response = post(refusal.getKey(), server1);
            assertThat(response.statusCode()).as(refusal.getKey()).isEqualTo(400);
            assertThat(text(response)).as(refusal.getKey()).contains(refusal.getValue());
        }
        HttpResponse<byte[]> signing = post("?kind=Server", csr(keys, "CN=www.example.test",
                List.of(new GeneralName(GeneralName.dNSName, "www.example.test")), KeyPurposeId.id_kp_codeSigning));
        assertThat(signing.statusCode()).isEqualTo(400);
        assertThat(text(signing)).contains("a Server certificate cannot have the Extended Key Usage 1.3.6.1.5.5.7.3.3");
        HttpResponse<byte[]> noName = post("?kind=Server", csr(keys, "CN=www.example.test", List.of()));
        assertThat(noName.statusCode()).isEqualTo(400);
        assertThat(text(noName)).contains("needs a DNS name or IP address");
        HttpResponse<byte[]> noMail = post("?kind=SMime", csr(keys, "CN=Alice", List.of()));
        assertThat(text(noMail)).contains("needs an e-mail address");
        HttpResponse<byte[]> badNumber = post("?kind=Server&validityDays=many", server1);
        assertThat(badNumber.statusCode()).isEqualTo(400);
        assertThat(issued()).hasSize(before);
    }

    @Test
    void theCrlIsServedToManageAllWithoutTheCrlTokenAndToNobodyElse() throws Exception {
        HttpResponse<byte[]> crl = http.send(HttpRequest.newBuilder(server.url("/api/manage/crl")).header("Authorization", "Bearer " + manageToken)
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(crl.statusCode()).isEqualTo(200);
        assertThat(crl.headers().firstValue("Content-Type")).hasValue("application/pkix-crl");
        assertThat(new org.bouncycastle.cert.X509CRLHolder(crl.body()).getIssuer()).isEqualTo(server.core.ca().certificate().getSubject());
        HttpResponse<byte[]> csrRole = http.send(HttpRequest.newBuilder(server.url("/api/manage/crl")).header("Authorization", "Bearer " + token)
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(csrRole.statusCode()).isEqualTo(403);
    }
}
