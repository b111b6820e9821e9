package dev.scepter.authority.issuance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.authority.Csrs;
import dev.scepter.authority.TestCa;
import java.math.BigInteger;
import java.net.URI;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CertificateIssuerTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final BigInteger SERIAL = new BigInteger("50" + "11".repeat(19), 16);
    private static TestCa ca;
    private static KeyPair device;

    private final EndpointProfile staticEndpoint = new EndpointProfile("static", 0x50, Optional.empty(),
            List.of(KeyPurposeId.id_kp_clientAuth), KeyUsage.digitalSignature | KeyUsage.keyEncipherment);

    @BeforeAll
    static void keys() throws Exception {
        ca = new TestCa(NOW.plus(Duration.ofDays(3650)));
        device = TestCa.rsa();
    }

    private static CertificateIssuer issuer(int validityDays, boolean useRequestedKeyUsages) {
        return new CertificateIssuer(ca, new IssuancePolicy(validityDays, Duration.ofMinutes(1440), useRequestedKeyUsages,
                URI.create("https://scepter.example")), CLOCK);
    }

    @Test
    void backdatesNotBeforeByTheClockSkewAndCapsValidityAtTheGlobalSetting() throws Exception {
        X509CertificateHolder cert = issuer(730, true).issue(Csrs.forKey(device).build(), staticEndpoint, Optional.empty(), SERIAL);
        assertThat(cert.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofMinutes(1440)));
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(730)));
        assertThat(cert.getSerialNumber()).isEqualTo(SERIAL);
        assertThat(cert.getSubject().toString()).isEqualTo("CN=device-1");
    }

    @Test
    void validityIsTheSmallestOfRequestedEndpointAndGlobal() throws Exception {
        EndpointProfile capped = new EndpointProfile("static", 0x50, Optional.of(90), staticEndpoint.defaultEkus(), staticEndpoint.defaultKeyUsage());
        CertificateIssuer issuer = issuer(730, true);
        assertThat(issuer.validity(capped, Optional.empty())).isEqualTo(Duration.ofDays(90));
        assertThat(issuer.validity(capped, Optional.of(Duration.ofDays(30)))).isEqualTo(Duration.ofDays(30));
        assertThat(issuer.validity(capped, Optional.of(Duration.ofDays(400)))).isEqualTo(Duration.ofDays(90));
        assertThat(issuer(60, true).validity(capped, Optional.empty())).isEqualTo(Duration.ofDays(60));
    }

    @Test
    void neverOutlivesTheCa() throws Exception {
        TestCa shortCa = new TestCa(NOW.plus(Duration.ofDays(100)));
        CertificateIssuer issuer = new CertificateIssuer(shortCa, new IssuancePolicy(730, Duration.ZERO, true,
                URI.create("http://x")), CLOCK);
        X509CertificateHolder cert = issuer.issue(Csrs.forKey(device).build(), staticEndpoint, Optional.empty(), SERIAL);
        assertThat(cert.getNotAfter()).isEqualTo(shortCa.certificate().getNotAfter());
    }

    @Test
    void carriesEndEntityConstraintsKeyIdsAndAiaFromTheBaseUrl() throws Exception {
        X509CertificateHolder cert = issuer(730, true).issue(Csrs.forKey(device).build(), staticEndpoint, Optional.empty(), SERIAL);
        Extension basic = cert.getExtension(Extension.basicConstraints);
        assertThat(basic.isCritical()).isTrue();
        assertThat(BasicConstraints.getInstance(basic.getParsedValue()).isCA()).isFalse();
        assertThat(SubjectKeyIdentifier.fromExtensions(cert.getExtensions())).isNotNull();
        assertThat(AuthorityKeyIdentifier.fromExtensions(cert.getExtensions()).getKeyIdentifier())
                .isEqualTo(SubjectKeyIdentifier.fromExtensions(ca.certificate().getExtensions()).getKeyIdentifier());
        AccessDescription[] aia = AuthorityInformationAccess.fromExtensions(cert.getExtensions()).getAccessDescriptions();
        assertThat(aia).extracting(d -> d.getAccessMethod().getId() + " " + d.getAccessLocation().getName().toString())
                .containsExactly(AccessDescription.id_ad_caIssuers.getId() + " https://scepter.example/ca",
                        AccessDescription.id_ad_ocsp.getId() + " https://scepter.example/ocsp");
        assertThat(cert.isSignatureValid(new JcaContentVerifierProviderBuilder().build(ca.certificate()))).isTrue();
    }

    @Test
    void requestedKeyUsagesAreUsedWhenAllowedAndEndpointDefaultsOtherwise() throws Exception {
        var csr = Csrs.forKey(device).keyUsage(KeyUsage.digitalSignature).eku(KeyPurposeId.id_kp_serverAuth).build();

        X509CertificateHolder requested = issuer(730, true).issue(csr, staticEndpoint, Optional.empty(), SERIAL);
        assertThat(KeyUsage.fromExtensions(requested.getExtensions()).hasUsages(KeyUsage.keyEncipherment)).isFalse();
        assertThat(ExtendedKeyUsage.fromExtensions(requested.getExtensions()).getUsages()).containsExactly(KeyPurposeId.id_kp_serverAuth);

        X509CertificateHolder defaults = issuer(730, false).issue(csr, staticEndpoint, Optional.empty(), SERIAL);
        assertThat(KeyUsage.fromExtensions(defaults.getExtensions()).hasUsages(KeyUsage.digitalSignature | KeyUsage.keyEncipherment)).isTrue();
        assertThat(ExtendedKeyUsage.fromExtensions(defaults.getExtensions()).getUsages()).containsExactly(KeyPurposeId.id_kp_clientAuth);

        X509CertificateHolder none = issuer(730, true).issue(Csrs.forKey(device).build(), staticEndpoint, Optional.empty(), SERIAL);
        assertThat(ExtendedKeyUsage.fromExtensions(none.getExtensions()).getUsages()).containsExactly(KeyPurposeId.id_kp_clientAuth);
        assertThat(none.getExtension(Extension.keyUsage).isCritical()).isTrue();
    }

    @Test
    void subjectAltNamesAreCopiedAndCriticalWhenTheSubjectIsEmpty() throws Exception {
        X509CertificateHolder withSubject = issuer(730, true).issue(Csrs.forKey(device).dnsName("host.example").build(),
                staticEndpoint, Optional.empty(), SERIAL);
        assertThat(withSubject.getExtension(Extension.subjectAlternativeName).isCritical()).isFalse();

        X509CertificateHolder noSubject = issuer(730, true).issue(Csrs.forKey(device).subject("").dnsName("host.example").build(),
                staticEndpoint, Optional.empty(), SERIAL);
        assertThat(noSubject.getExtension(Extension.subjectAlternativeName).isCritical()).isTrue();
    }

    @Test
    void aCrlDistributionPointIsWrittenOnlyWhenTheCrlIsToBeNamed() throws Exception {
        assertThat(issuer(730, true).issue(Csrs.forKey(device).build(), staticEndpoint, Optional.empty(), SERIAL)
                .getExtension(Extension.cRLDistributionPoints)).isNull();
        URI base = URI.create("http://scepter.example");
        CertificateIssuer withCdp = new CertificateIssuer(ca, new IssuancePolicy(730, Duration.ZERO, true, base,
                Optional.of(new IssuancePolicy(730, Duration.ZERO, true, base).crlUrl("t0ken"))), CLOCK);
        X509CertificateHolder cert = withCdp.issue(Csrs.forKey(device).build(), staticEndpoint, Optional.empty(), SERIAL);
        org.bouncycastle.asn1.x509.CRLDistPoint cdp = org.bouncycastle.asn1.x509.CRLDistPoint.fromExtensions(cert.getExtensions());
        assertThat(cdp.getDistributionPoints()[0].getDistributionPoint().toString()).contains("http://scepter.example/crl/t0ken");
    }

    @Test
    void refusesAnRsaKeyUnder2048Bits() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        KeyPair weak = generator.generateKeyPair();
        assertThatThrownBy(() -> issuer(730, true).issue(Csrs.forKey(weak).build(), staticEndpoint, Optional.empty(), SERIAL))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("1024 bits");
    }

    @Test
    void refusesARequestWithNeitherSubjectNorSan() {
        assertThatThrownBy(() -> issuer(730, true).issue(Csrs.forKey(device).subject("").build(), staticEndpoint, Optional.empty(), SERIAL))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("no subject");
    }

    // --- Microsoft's extensions and requested SIDs -------------------------------------------------

    private static final java.util.UUID TENANT = java.util.UUID.fromString("8c3a4f33-1f0b-4c5e-9d1a-0a2b3c4d5e6f");
    private static final java.util.UUID DEVICE = java.util.UUID.fromString("d6b58414-60ed-426b-b382-276a3e8d626d");
    private static final String SID = "S-1-5-21-1004336348-1177238915-682003330-512";
    private static final String SID_URI = "tag:microsoft.com,2022-09-14:sid:" + SID;

    private static CertificateIssuer issuer(MicrosoftExtensions microsoft) {
        return new CertificateIssuer(ca, new IssuancePolicy(730, Duration.ZERO, true, URI.create("https://scepter.example")), CLOCK,
                microsoft);
    }

    private static EndpointProfile allowingRequestedSid(boolean allowed) {
        return new EndpointProfile("static", 0x50, Optional.empty(), List.of(KeyPurposeId.id_kp_clientAuth),
                KeyUsage.digitalSignature, EndpointProfile.Binding.NONE, allowed);
    }

    private static String octetsHex(X509CertificateHolder cert, org.bouncycastle.asn1.ASN1ObjectIdentifier oid) {
        Extension extension = cert.getExtension(oid);
        return extension == null ? null : org.bouncycastle.util.encoders.Hex.toHexString(
                org.bouncycastle.asn1.ASN1OctetString.getInstance(extension.getParsedValue()).getOctets());
    }

    private static List<String> sanUris(X509CertificateHolder cert) {
        org.bouncycastle.asn1.x509.GeneralNames names = org.bouncycastle.asn1.x509.GeneralNames.fromExtensions(cert.getExtensions(),
                Extension.subjectAlternativeName);
        return names == null ? List.of() : java.util.Arrays.stream(names.getNames())
                .filter(n -> n.getTagNo() == org.bouncycastle.asn1.x509.GeneralName.uniformResourceIdentifier)
                .map(n -> n.getName().toString()).toList();
    }

    /** The SID in a SID extension: GeneralNames { otherName { 1.3.6.1.4.1.311.25.2.1, OCTET STRING } }. */
    private static String sid(X509CertificateHolder cert) {
        Extension extension = cert.getExtension(MicrosoftExtensions.SID);
        if (extension == null) {
            return null;
        }
        org.bouncycastle.asn1.x509.GeneralName name = org.bouncycastle.asn1.x509.GeneralNames.getInstance(extension.getParsedValue())
                .getNames()[0];
        org.bouncycastle.asn1.x509.OtherName other = org.bouncycastle.asn1.x509.OtherName.getInstance(name.getName());
        assertThat(other.getTypeID().getId()).isEqualTo("1.3.6.1.4.1.311.25.2.1");
        return new String(org.bouncycastle.asn1.ASN1OctetString.getInstance(other.getValue()).getOctets(),
                java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Test
    void aadExtensionsCarryTheTenantAndTheEntraDeviceIdInDotNetByteOrder() throws Exception {
        X509CertificateHolder cert = issuer(new MicrosoftExtensions(true, Optional.of(TENANT), false)).issue(
                Csrs.forKey(device).subject("CN=" + DEVICE).build(), staticEndpoint, Optional.empty(), SERIAL,
                new IssuedFor(Optional.of(DEVICE), Optional.empty()));
        // .NET Guid.ToByteArray(): the first three fields little-endian, as in REFERENCE.md's serial example.
        assertThat(octetsHex(cert, MicrosoftExtensions.DEVICE_ID)).isEqualTo("1484b5d6ed606b42b382276a3e8d626d");
        assertThat(octetsHex(cert, MicrosoftExtensions.TENANT_ID)).isEqualTo("334f3a8c0b1f5e4c9d1a0a2b3c4d5e6f");
        assertThat(cert.getExtension(MicrosoftExtensions.DEVICE_ID).isCritical()).isFalse();
    }

    @Test
    void noAadExtensionsWhenTheSettingIsOffOrNothingIsKnown() throws Exception {
        X509CertificateHolder off = issuer(new MicrosoftExtensions(false, Optional.of(TENANT), false)).issue(
                Csrs.forKey(device).build(), staticEndpoint, Optional.empty(), SERIAL, new IssuedFor(Optional.of(DEVICE), Optional.empty()));
        assertThat(off.getExtension(MicrosoftExtensions.DEVICE_ID)).isNull();
        assertThat(off.getExtension(MicrosoftExtensions.TENANT_ID)).isNull();

        X509CertificateHolder unbound = issuer(new MicrosoftExtensions(true, Optional.empty(), false)).issue(
                Csrs.forKey(device).build(), staticEndpoint, Optional.empty(), SERIAL, IssuedFor.NOTHING);
        assertThat(unbound.getExtension(MicrosoftExtensions.DEVICE_ID)).isNull();
        assertThat(unbound.getExtension(MicrosoftExtensions.TENANT_ID)).isNull();
    }

    @Test
    void addSidExtensionWritesTheDirectorysSidInMicrosoftsForm() throws Exception {
        X509CertificateHolder cert = issuer(new MicrosoftExtensions(false, Optional.empty(), true)).issue(
                Csrs.forKey(device).build(), staticEndpoint, Optional.empty(), SERIAL, new IssuedFor(Optional.empty(), Optional.of(SID)));
        assertThat(sid(cert)).isEqualTo(SID);
        // The DER Microsoft documents for szOID_NTDS_CA_SECURITY_EXT (KB5014754): 30 .. a0 .. 06 0a 2b0601040182371902 01 a0 .. 04 ..
        String der = org.bouncycastle.util.encoders.Hex.toHexString(cert.getExtension(MicrosoftExtensions.SID).getExtnValue().getOctets());
        assertThat(der).startsWith("30").contains("060a2b060104018237190201a0").contains(
                org.bouncycastle.util.encoders.Hex.toHexString(SID.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));

        X509CertificateHolder off = issuer(new MicrosoftExtensions(false, Optional.empty(), false)).issue(
                Csrs.forKey(device).build(), staticEndpoint, Optional.empty(), SERIAL, new IssuedFor(Optional.empty(), Optional.of(SID)));
        assertThat(off.getExtension(MicrosoftExtensions.SID)).isNull();
    }

    @Test
    void aRequestedSidIsDroppedUnlessTheEndpointAllowsIt() throws Exception {
        Extension requestedSid = new Extension(MicrosoftExtensions.SID, false,
                new org.bouncycastle.asn1.DEROctetString(CertificateIssuer.sidExtension("S-1-5-21-1-2-3-500")));
        org.bouncycastle.pkcs.PKCS10CertificationRequest csr = Csrs.forKey(device).dnsName("host.example").uri(SID_URI)
                .extension(requestedSid).build();

        X509CertificateHolder dropped = issuer(MicrosoftExtensions.NONE).issue(csr, allowingRequestedSid(false), Optional.empty(), SERIAL);
        assertThat(sanUris(dropped)).isEmpty();
        assertThat(dropped.getExtension(MicrosoftExtensions.SID)).isNull();
        assertThat(org.bouncycastle.asn1.x509.GeneralNames.fromExtensions(dropped.getExtensions(), Extension.subjectAlternativeName)
                .getNames()).hasSize(1);

        X509CertificateHolder kept = issuer(MicrosoftExtensions.NONE).issue(csr, allowingRequestedSid(true), Optional.empty(), SERIAL);
        assertThat(sanUris(kept)).containsExactly(SID_URI);
        assertThat(sid(kept)).isEqualTo("S-1-5-21-1-2-3-500");
    }

    @Test
    void onIntunesEndpointTheSidUriIntuneValidatedIsKeptButARequestedSidExtensionIsNot() throws Exception {
        Extension requestedSid = new Extension(MicrosoftExtensions.SID, false,
                new org.bouncycastle.asn1.DEROctetString(CertificateIssuer.sidExtension("S-1-5-21-1-2-3-500")));
        org.bouncycastle.pkcs.PKCS10CertificationRequest csr = Csrs.forKey(device).uri(SID_URI).extension(requestedSid).build();
        EndpointProfile intune = new EndpointProfile("intune", 0x41, Optional.empty(), List.of(KeyPurposeId.id_kp_clientAuth),
                KeyUsage.digitalSignature, EndpointProfile.Binding.VOUCHED, false);

        X509CertificateHolder cert = issuer(MicrosoftExtensions.NONE).issue(csr, intune, Optional.empty(), SERIAL);

        assertThat(sanUris(cert)).containsExactly(SID_URI);
        assertThat(cert.getExtension(MicrosoftExtensions.SID)).isNull();
    }

    @Test
    void theDirectorysSidWinsOverARequestedOne() throws Exception {
        Extension requestedSid = new Extension(MicrosoftExtensions.SID, false,
                new org.bouncycastle.asn1.DEROctetString(CertificateIssuer.sidExtension("S-1-5-21-1-2-3-500")));
        X509CertificateHolder cert = issuer(new MicrosoftExtensions(false, Optional.empty(), true)).issue(
                Csrs.forKey(device).extension(requestedSid).build(), allowingRequestedSid(true), Optional.empty(), SERIAL,
                new IssuedFor(Optional.empty(), Optional.of(SID)));
        assertThat(sid(cert)).isEqualTo(SID);
    }

    @Test
    void aRequestWhoseOnlyNameIsADroppedSidIsRefusedAlreadyByThePreflight() throws Exception {
        org.bouncycastle.pkcs.PKCS10CertificationRequest csr = Csrs.forKey(device).subject("").uri(SID_URI).build();
        // The preflight runs before a one-time challenge is spent: it must refuse what issuing would.
        assertThatThrownBy(() -> issuer(MicrosoftExtensions.NONE).preflight(csr, allowingRequestedSid(false)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("no subject");
        assertThatThrownBy(() -> issuer(MicrosoftExtensions.NONE).issue(csr, allowingRequestedSid(false), Optional.empty(), SERIAL))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("no subject");
    }

    @Test
    void aSubjectAlternativeNameThatIsNoSequenceIsAnInvalidRequestNotACrash() throws Exception {
        // An INTEGER where GeneralNames belongs: BouncyCastle throws IllegalArgumentException on reading it.
        Extension broken = new Extension(Extension.subjectAlternativeName, false,
                new org.bouncycastle.asn1.DEROctetString(new org.bouncycastle.asn1.ASN1Integer(7).getEncoded()));
        org.bouncycastle.pkcs.PKCS10CertificationRequest csr = Csrs.forKey(device).extension(broken).build();
        assertThatThrownBy(() -> issuer(MicrosoftExtensions.NONE).preflight(csr, allowingRequestedSid(false)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("subject alternative name cannot be read");
        assertThatThrownBy(() -> issuer(MicrosoftExtensions.NONE).issue(csr, allowingRequestedSid(false), Optional.empty(), SERIAL))
                .isInstanceOf(InvalidRequestException.class);
    }

    /** A SAN otherName of the UPN type with no value: it decodes as GeneralNames, but OtherName cannot read it. */
    static Extension upnWithoutValue() throws Exception {
        org.bouncycastle.asn1.x509.GeneralName broken = new org.bouncycastle.asn1.x509.GeneralName(
                org.bouncycastle.asn1.x509.GeneralName.otherName,
                new org.bouncycastle.asn1.DERSequence(new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.3.6.1.4.1.311.20.2.3")));
        return new Extension(Extension.subjectAlternativeName, false,
                new org.bouncycastle.asn1.x509.GeneralNames(broken).getEncoded());
    }

    @Test
    void anOtherNameWithoutItsValueIsRefusedByThePreflightBeforeAnythingIsSigned() throws Exception {
        org.bouncycastle.pkcs.PKCS10CertificationRequest csr = Csrs.forKey(device).extension(upnWithoutValue()).build();
        assertThatThrownBy(() -> issuer(MicrosoftExtensions.NONE).preflight(csr, staticEndpoint))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("otherName");
    }

    /** A certificate for client authentication alone, with digitalSignature, as a renewal's predecessor. */
    private X509CertificateHolder clientAuthOnly() throws Exception {
        return issuer(730, true).issue(Csrs.forKey(device).eku(KeyPurposeId.id_kp_clientAuth).keyUsage(KeyUsage.digitalSignature).build(),
                staticEndpoint, Optional.empty(), SERIAL);
    }

    private X509CertificateHolder renewal(org.bouncycastle.pkcs.PKCS10CertificationRequest csr, X509CertificateHolder previous,
            boolean useRequestedKeyUsages) throws Exception {
        EndpointProfile serverDefaults = new EndpointProfile("est", 0x50, Optional.empty(),
                List.of(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_codeSigning), KeyUsage.digitalSignature | KeyUsage.keyEncipherment);
        return issuer(730, useRequestedKeyUsages).issue(csr, serverDefaults, Optional.empty(), SERIAL, IssuedFor.NOTHING,
                Optional.of(previous));
    }

    @Test
    void aRenewalAsksForNoUsageTheRenewedCertificateLacks() throws Exception {
        X509CertificateHolder previous = clientAuthOnly();
        assertThatThrownBy(() -> renewal(Csrs.forKey(device).eku(KeyPurposeId.id_kp_serverAuth).build(), previous, true))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("extended key usage");
        assertThatThrownBy(() -> renewal(Csrs.forKey(device).eku(KeyPurposeId.id_kp_codeSigning).build(), previous, true))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> renewal(Csrs.forKey(device).keyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign).build(), previous,
                true)).as("a key usage bit it did not have").isInstanceOf(InvalidRequestException.class).hasMessageContaining("key usage");
    }

    @Test
    void aRenewalKeepsTheRenewedCertificatesUsagesNotTheEndpointsDefaults() throws Exception {
        X509CertificateHolder previous = clientAuthOnly();
        for (boolean useRequested : new boolean[] {true, false}) {
            X509CertificateHolder renewed = renewal(Csrs.forKey(device).build(), previous, useRequested);
            assertThat(ExtendedKeyUsage.fromExtensions(renewed.getExtensions()).getUsages()).containsExactly(KeyPurposeId.id_kp_clientAuth);
            assertThat(KeyUsage.fromExtensions(renewed.getExtensions())).isEqualTo(new KeyUsage(KeyUsage.digitalSignature));
        }
        X509CertificateHolder asked = renewal(Csrs.forKey(device).eku(KeyPurposeId.id_kp_clientAuth).keyUsage(KeyUsage.digitalSignature)
                .build(), previous, true);
        assertThat(ExtendedKeyUsage.fromExtensions(asked.getExtensions()).getUsages()).containsExactly(KeyPurposeId.id_kp_clientAuth);
    }
}
