package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.issuance.MicrosoftExtensions;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.protocol.scep.FailInfo;
import dev.scepter.protocol.scep.KeyTransportDecryptor;
import dev.scepter.protocol.scep.PkiMessage;
import dev.scepter.protocol.scep.PkiMessageDecoder;
import dev.scepter.protocol.scep.PkiStatus;
import dev.scepter.protocol.scep.ScepRequestBuilder;
import dev.scepter.protocol.scep.TestPki;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every SCEP endpoint on, each with its own challenge and profile: {@code /jamf} and {@code /dc}
 * beside the static ones, Microsoft's Entra extensions, and the rule on SIDs a request asks for.
 */
class ScepEndpointsTest {

    private static final String STATIC = "static-challenge";
    private static final String AAD = "aad-challenge";
    private static final String JAMF = "jamf-challenge-of-32-characters!";
    private static final String DC = "dc-challenge";
    private static final UUID TENANT = UUID.fromString("8c3a4f33-1f0b-4c5e-9d1a-0a2b3c4d5e6f");
    private static final String SID_URI = "tag:microsoft.com,2022-09-14:sid:S-1-5-21-1004336348-1177238915-682003330-500";
    private static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "AppConfig:StaticValidation:RequestPassword", STATIC,
                "AppConfig:StaticAADValidation:Enabled", "true",
                "AppConfig:StaticAADValidation:RequestPassword", AAD,
                "AppConfig:JamfValidation:Enabled", "true",
                "AppConfig:JamfValidation:RequestPassword", JAMF,
                "AppConfig:JamfValidation:ValidityPeriodDays", "30",
                "AppConfig:JamfValidation:AllowRequestedSidExtension", "true",
                "AppConfig:DCValidation:Enabled", "true",
                "AppConfig:DCValidation:RequestPassword", DC,
                "AppConfig:AuthConfig:TenantId", TENANT.toString()));
        settings.put("AppConfig:AddSidExtension", "true");
        server = RunningServer.start(settings);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A CSR for {@code subject}, with SANs (DNS names, and URIs when they contain ":"). */
    private static byte[] pkcsReq(KeyPair keys, String subject, String challenge, String... sans) throws Exception {
        PKCS10CertificationRequestBuilder csr = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(challenge));
        if (sans.length > 0) {
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(Arrays.stream(sans)
                    .map(san -> new GeneralName(san.contains(":") ? GeneralName.uniformResourceIdentifier : GeneralName.dNSName, san))
                    .toArray(GeneralName[]::new)));
            csr.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
        }
        byte[] der = csr.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())).getEncoded();
        return ScepRequestBuilder.pkcsReq().signer(keys, TestPki.selfSigned(subject.isEmpty() ? "CN=requester" : subject, keys, false))
                .recipient(server.core.ca().certificate()).messageData(der).transactionId("tx-" + System.nanoTime()).build();
    }

    private static PkiMessage send(String path, byte[] request) throws Exception {
        return PkiMessageDecoder.decode(server.post(path + "?operation=PKIOperation", "application/x-pki-message", request).body());
    }

    private static X509CertificateHolder issued(PkiMessage certRep, KeyPair keys) throws Exception {
        assertThat(certRep.pkiStatus()).as("failInfo %s", certRep.failInfo()).contains(PkiStatus.SUCCESS);
        return new CMSSignedData(certRep.decryptEnvelope(KeyTransportDecryptor.of(keys.getPrivate())))
                .getCertificates().getMatches(null).iterator().next();
    }

    private static IssuedCertificate record(X509CertificateHolder certificate) {
        return server.core.storage().certificateStore()
                .find(server.core.ca().certificate().getSubject().toString(), certificate.getSerialNumber()).orElseThrow();
    }

    private static int typeByte(X509CertificateHolder certificate) {
        return certificate.getSerialNumber().shiftRight(19 * 8).intValue();
    }

    private static List<String> sanUris(X509CertificateHolder certificate) {
        GeneralNames names = GeneralNames.fromExtensions(certificate.getExtensions(), Extension.subjectAlternativeName);
        return names == null ? List.of() : Arrays.stream(names.getNames())
                .filter(n -> n.getTagNo() == GeneralName.uniformResourceIdentifier).map(n -> n.getName().toString()).toList();
    }

    @Test
    void jamfEnrollsWithItsOwnChallengeAndValidityCapAsAStaticCertificate() throws Exception {
        KeyPair keys = TestPki.rsa();
        X509CertificateHolder certificate = issued(send("/jamf", pkcsReq(keys, "CN=mac-1", JAMF)), keys);
        assertThat(record(certificate).endpoint()).isEqualTo("jamf");
        assertThat(typeByte(certificate)).isEqualTo(0x50);
        long days = java.time.Duration.between(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant()).toDays();
        assertThat(days).as("30 days plus the one-day clock skew").isEqualTo(31);

        PkiMessage wrong = send("/jamf/pkiclient.exe", pkcsReq(TestPki.rsa(), "CN=mac-2", STATIC));
        assertThat(wrong.pkiStatus()).contains(PkiStatus.FAILURE);
        assertThat(wrong.failInfo()).contains(FailInfo.BAD_REQUEST);
    }

    @Test
    void aDomainControllerGetsTypeByte70AndKerberosEkusWhenItAsksForNone() throws Exception {
        KeyPair keys = TestPki.rsa();
        X509CertificateHolder certificate = issued(send("/dc", pkcsReq(keys, "CN=dc1.corp.example", DC, "dc1.corp.example",
                "corp.example")), keys);
        assertThat(typeByte(certificate)).isEqualTo(0x70);
        assertThat(record(certificate).endpoint()).isEqualTo("dc");
        assertThat(record(certificate).binding()).isEmpty();
        ExtendedKeyUsage ekus = ExtendedKeyUsage.fromExtensions(certificate.getExtensions());
        assertThat(ekus.getUsages()).extracting(KeyPurposeId::getId).containsExactly(
                "1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1", "1.3.6.1.4.1.311.20.2.2", "1.3.6.1.5.2.3.5");

        assertThat(send("/dc", pkcsReq(TestPki.rsa(), "CN=dc2", JAMF)).pkiStatus()).contains(PkiStatus.FAILURE);
    }

    @Test
    void aDeviceBoundByItsEntraIdCarriesTheTenantAndDeviceIdExtensions() throws Exception {
        UUID device = UUID.randomUUID();
        KeyPair keys = TestPki.rsa();
        X509CertificateHolder certificate = issued(send("/static/aad", pkcsReq(keys, "CN=" + device, AAD)), keys);
        assertThat(uuid(certificate, MicrosoftExtensions.DEVICE_ID)).isEqualTo(device);
        assertThat(uuid(certificate, MicrosoftExtensions.TENANT_ID)).isEqualTo(TENANT);

        KeyPair other = TestPki.rsa();
        X509CertificateHolder unbound = issued(send("/static", pkcsReq(other, "CN=" + device, STATIC)), other);
        assertThat(unbound.getExtension(MicrosoftExtensions.DEVICE_ID)).as("/static binds to nothing").isNull();
        assertThat(uuid(unbound, MicrosoftExtensions.TENANT_ID)).isEqualTo(TENANT);
    }

    @Test
    void aRequestedSidIsDroppedWhereNotAllowedAndKeptWhereItIs() throws Exception {
        KeyPair keys = TestPki.rsa();
        X509CertificateHolder dropped = issued(send("/static", pkcsReq(keys, "CN=laptop-1", STATIC, "laptop-1.example", SID_URI)), keys);
        assertThat(sanUris(dropped)).isEmpty();
        assertThat(GeneralNames.fromExtensions(dropped.getExtensions(), Extension.subjectAlternativeName).getNames()).hasSize(1);
        assertThat(record(dropped).subjectAltNames()).containsExactly("dns:laptop-1.example");

        KeyPair jamfKeys = TestPki.rsa();
        X509CertificateHolder kept = issued(send("/jamf", pkcsReq(jamfKeys, "CN=mac-3", JAMF, SID_URI)), jamfKeys);
        assertThat(sanUris(kept)).containsExactly(SID_URI);
    }

    @Test
    void aRequestWhoseOnlyNameIsARefusedSidGetsACertRepFailure() throws Exception {
        PkiMessage refused = send("/static", pkcsReq(TestPki.rsa(), "", STATIC, SID_URI));
        assertThat(refused.pkiStatus()).contains(PkiStatus.FAILURE);
        assertThat(refused.failInfo()).contains(FailInfo.BAD_REQUEST);
    }

    /**
     * Issue 10: a PKCSReq issued on /scep and sent again, byte for byte, to another endpoint was
     * answered SUCCESS with /scep's certificate. Elsewhere it is a new request, judged by that
     * endpoint's own challenge: Intune's endpoint refuses it as it refuses every request today,
     * /static/aad (whose challenge this request does not carry) refuses it too.
     */
    @Test
    void aRetransmissionIsAnsweredOnlyOnTheEndpointThatIssuedTheCertificate() throws Exception {
        KeyPair keys = TestPki.rsa();
        byte[] request = pkcsReq(keys, "CN=replayed", STATIC);
        X509CertificateHolder first = issued(send("/scep", request), keys);
        assertThat(issued(send("/static", request), keys)).as("/static is the same endpoint as /scep").isEqualTo(first);

        PkiMessage intune = send("/certsrv/mscep/mscep.dll", request);
        assertThat(intune.pkiStatus()).as("Intune's endpoint").contains(PkiStatus.FAILURE);
        PkiMessage aad = send("/static/aad", request);
        assertThat(aad.pkiStatus()).as("/static/aad, whose challenge the request does not carry").contains(PkiStatus.FAILURE);
        assertThat(send("/scep", request).pkiStatus()).as("still answered where it was issued").contains(PkiStatus.SUCCESS);
    }

    /** docs/api.md: every change is audited; an issuance names who, the serial and the subject. */
    @Test
    void everyIssuanceIsInTheAuditTrail() throws Exception {
        KeyPair keys = TestPki.rsa();
        X509CertificateHolder certificate = issued(send("/scep", pkcsReq(keys, "CN=audit-me", STATIC)), keys);
        String serial = certificate.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
        String admin = java.nio.file.Files.readString(server.dataDir.resolve("admin-token")).strip();
        java.net.http.HttpResponse<String> trail = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                server.url("/api/manage/audit?limit=20")).header("Authorization", "Bearer " + admin).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(trail.statusCode()).as(trail.body()).isEqualTo(200);
        assertThat(trail.body()).contains("certificate.issue", serial, "CN=audit-me", "endpoint static");
    }

    @Test
    void aStaticChallengeNeverEarnsTheDirectorysSidEvenWithAddSidExtension() throws Exception {
        UUID device = UUID.randomUUID();
        String sid = "S-1-5-21-1004336348-1177238915-682003330-2001";
        String admin = java.nio.file.Files.readString(server.dataDir.resolve("admin-token")).strip();
        java.net.http.HttpResponse<String> put = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                server.url("/api/directory/devices/" + device)).header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"enabled\": true, \"onPremisesSecurityIdentifier\": \"" + sid + "\"}"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(put.body()).contains(sid);

        // The directory holds the device's SID, but anyone with the static challenge can name any
        // device or user on /static/aad: a SID there would be a Windows logon for whoever asks.
        KeyPair keys = TestPki.rsa();
        X509CertificateHolder certificate = issued(send("/static/aad", pkcsReq(keys, "CN=" + device, AAD)), keys);
        assertThat(certificate.getExtension(MicrosoftExtensions.SID)).isNull();
        assertThat(certificate.getSerialNumber().toByteArray()[0]).as("still bound to the device").isEqualTo((byte) 0x40);

        java.net.http.HttpResponse<String> bad = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                server.url("/api/directory/devices/" + UUID.randomUUID())).header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"enabled\": true, \"onPremisesSecurityIdentifier\": \"not-a-sid\"}"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
    }

    /** A GUID extension: an OCTET STRING of the GUID in .NET Guid.ToByteArray() order. */
    private static UUID uuid(X509CertificateHolder certificate, org.bouncycastle.asn1.ASN1ObjectIdentifier oid) {
        byte[] b = ASN1OctetString.getInstance(certificate.getExtension(oid).getParsedValue()).getOctets();
        assertThat(b).hasSize(16);
        java.nio.ByteBuffer le = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long high = (Integer.toUnsignedLong(le.getInt()) << 32) | (Short.toUnsignedLong(le.getShort()) << 16) | Short.toUnsignedLong(le.getShort());
        long low = java.nio.ByteBuffer.wrap(b, 8, 8).getLong();
        return new UUID(high, low);
    }
}
