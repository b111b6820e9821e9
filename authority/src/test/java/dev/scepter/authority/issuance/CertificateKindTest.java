package dev.scepter.authority.issuance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.authority.Csrs;
import dev.scepter.authority.token.ApiRole;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.OtherName;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The kinds' rules that the API's test does not reach: roles, caps, names, the names' syntax, usages. */
class CertificateKindTest {

    private static final ASN1ObjectIdentifier UPN = new ASN1ObjectIdentifier("1.3.6.1.4.1.311.20.2.3");

    private static KeyPair rsa;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        rsa = generator.generateKeyPair();
    }

    private static PKCS10CertificationRequest csr(GeneralName... names) throws Exception {
        return Csrs.forKey(rsa).subject("CN=someone").extension(new Extension(Extension.subjectAlternativeName, false,
                new DEROctetString(new GeneralNames(names).getEncoded()))).build();
    }

    private static GeneralName dns(String name) {
        return new GeneralName(GeneralName.dNSName, new DERIA5String(name));
    }

    private static GeneralName ip(String address) {
        return new GeneralName(GeneralName.iPAddress, address);
    }

    private static GeneralName email(String address) {
        return new GeneralName(GeneralName.rfc822Name, new DERIA5String(address));
    }

    private static GeneralName upn(String principal) {
        return new GeneralName(GeneralName.otherName, new OtherName(UPN, new DERUTF8String(principal)));
    }

    private static String refusal(CertificateKind kind, GeneralName... names) throws Exception {
        PKCS10CertificationRequest request = csr(names);
        try {
            kind.check(request);
        } catch (InvalidRequestException e) {
            return e.getMessage();
        }
        throw new AssertionError(kind.wireName() + " accepted " + new GeneralNames(names));
    }

    private static void accepted(CertificateKind kind, GeneralName... names) throws Exception {
        kind.check(csr(names));
    }

    @Test
    void aClientCertificateCannotNameAUserItsHolderIsNot() throws Exception {
        // The ESC1 pattern: a clientAuth certificate whose UPN SAN Entra CBA, NPS or PKINIT maps to another account.
        assertThat(refusal(CertificateKind.CLIENT, upn("administrator@corp.example"))).isEqualTo(
                "a Client certificate cannot have a user principal name among its subject alternative names (it may have DNS names)");
        assertThat(refusal(CertificateKind.CLIENT, dns("laptop.corp.example"), email("administrator@corp.example")))
                .startsWith("a Client certificate cannot have the e-mail address \"administrator@corp.example\"");
        assertThat(refusal(CertificateKind.CLIENT, dns("*.corp.example"))).contains("cannot have the wildcard \"*.corp.example\"");
        assertThat(refusal(CertificateKind.CLIENT, new GeneralName(GeneralName.uniformResourceIdentifier, "IntuneDeviceId://1234")))
                .contains("cannot have a URI");
        assertThat(refusal(CertificateKind.CLIENT, new GeneralName(GeneralName.directoryName, "CN=Administrator")))
                .contains("cannot have a directory name");
        accepted(CertificateKind.CLIENT);
        accepted(CertificateKind.CLIENT, dns("laptop.corp.example"));
    }

    @Test
    void eachKindAllowsItsOwnTypesOfNameOnly() throws Exception {
        accepted(CertificateKind.SERVER, dns("www.example.test"), dns("*.example.test"), ip("192.0.2.7"), ip("2001:db8::1"));
        assertThat(refusal(CertificateKind.SERVER, dns("www.example.test"), upn("administrator@corp.example")))
                .isEqualTo("a Server certificate cannot have a user principal name among its subject alternative names"
                        + " (it may have DNS names, wildcards, IP addresses)");
        assertThat(refusal(CertificateKind.SERVER, dns("www.example.test"), email("web@example.test"))).contains("cannot have the e-mail address");

        accepted(CertificateKind.USER, upn("alice@corp.example"), email("alice@example.test"), email("a.l+ice@example.test"));
        accepted(CertificateKind.USER);
        assertThat(refusal(CertificateKind.USER, upn("alice@corp.example"), upn("administrator@corp.example")))
                .isEqualTo("a User certificate names one user principal name, not several");
        assertThat(refusal(CertificateKind.USER, upn("alice@corp.example"), dns("dc1.corp.example"))).contains("cannot have the DNS name");
        // Kerberos' principal name (RFC 4556 PKINIT) maps to an account as surely as a UPN.
        assertThat(refusal(CertificateKind.USER, new GeneralName(GeneralName.otherName,
                new OtherName(new ASN1ObjectIdentifier("1.3.6.1.5.2.2"), new DERSequence()))))
                .contains("cannot have an otherName of type 1.3.6.1.5.2.2");

        accepted(CertificateKind.SMIME, email("alice@example.test"));
        assertThat(refusal(CertificateKind.SMIME, email("alice@example.test"), upn("alice@corp.example"))).contains("(it may have e-mail addresses)");
        assertThat(refusal(CertificateKind.SMIME, upn("alice@corp.example"))).contains("cannot have a user principal name");

        accepted(CertificateKind.CODE_SIGNING);
        assertThat(refusal(CertificateKind.CODE_SIGNING, email("build@example.test")))
                .isEqualTo("a CodeSigning certificate cannot have the e-mail address \"build@example.test\" among its subject alternative"
                        + " names (it may have none)");
    }

    @Test
    void aSidUriIsLeftToAllowRequestedSidExtensionAsForEveryRequest() throws Exception {
        GeneralName sid = new GeneralName(GeneralName.uniformResourceIdentifier, "tag:microsoft.com,2022-09-14:sid:S-1-5-21-1-2-3-1001");
        accepted(CertificateKind.CLIENT, sid);
        accepted(CertificateKind.USER, upn("alice@corp.example"), sid);
        // It names nothing the kind needs.
        assertThat(refusal(CertificateKind.SERVER, sid)).contains("needs a DNS name or IP address");
    }

    @Test
    void dnsNamesAreFullyQualifiedAndWildcardsOnlyTheWholeLeftmostLabelOverTwoMore() throws Exception {
        accepted(CertificateKind.SERVER, dns("xn--bcher-kva.example"), dns("a-1.b2.example.test"), dns("WWW.Example.Test"));
        assertThat(refusal(CertificateKind.SERVER, dns("*"))).isEqualTo("\"*\" is not a fully qualified DNS name (like www.example.com)");
        assertThat(refusal(CertificateKind.SERVER, dns("*.com"))).isEqualTo(
                "\"*.com\" is a wildcard over a top-level domain; it must stand over at least two labels (*.example.com)");
        assertThat(refusal(CertificateKind.SERVER, dns("www.example.test\0.evil.test")))
                .startsWith("\"www.example.test\\u0000.evil.test\" is not a DNS name");
        for (String bad : new String[] {"intranet", "www.*.example.test", "w*.example.test", "*.*.example.test", "bad_name.example.test",
                "-www.example.test", "www-.example.test", "www..example.test", "www.example.test.", ".example.test", "b\u00fccher.example",
                "192.0.2.7", "x".repeat(64) + ".example.test", "a." + "b.".repeat(126) + "test", "www.example.test "}) {
            assertThat(refusal(CertificateKind.SERVER, dns(bad))).as(bad).contains("DNS name");
        }
    }

    @Test
    void ipAddressesAreAHostsAddressOfFourOrSixteenOctets() throws Exception {
        for (String bad : new String[] {"0.0.0.0", "::", "255.255.255.255", "224.0.0.1", "ff02::1"}) {
            assertThat(refusal(CertificateKind.SERVER, ip(bad))).as(bad).startsWith("the IP address").contains("no host's");
        }
        byte[] mappedUnspecified = new byte[16];
        mappedUnspecified[10] = (byte) 0xFF;
        mappedUnspecified[11] = (byte) 0xFF;
        assertThat(refusal(CertificateKind.SERVER, new GeneralName(GeneralName.iPAddress, new DEROctetString(mappedUnspecified))))
                .isEqualTo("the IP address 0.0.0.0 is unspecified, no host's");
        assertThat(refusal(CertificateKind.SERVER, new GeneralName(GeneralName.iPAddress, new DEROctetString(new byte[] {10, 0, 0, 0, -1, 0, 0, 0}))))
                .isEqualTo("an IP address of 8 octets is neither IPv4 (4) nor IPv6 (16)");
        accepted(CertificateKind.SERVER, ip("127.0.0.1"), ip("10.255.255.255"), ip("::1"));
    }

    @Test
    void mailboxesAndUserPrincipalNamesAreWellFormed() throws Exception {
        for (String bad : new String[] {"alice", "@example.test", "alice@", "alice@intranet", "a lice@example.test", ".alice@example.test",
                "al..ice@example.test", "alice@*.example.test", "alice\0@example.test", "\"alice\"@example.test"}) {
            assertThat(refusal(CertificateKind.SMIME, email(bad))).as(bad).endsWith("is not an e-mail address (name@example.com)");
        }
        for (String bad : new String[] {"administrator", "admin istrator@corp.example", "administrator@", "admin\u0085@corp.example",
                "administrator@corp_example.test"}) {
            assertThat(refusal(CertificateKind.USER, upn(bad))).as(bad).endsWith("is not a user principal name (name@example.com)");
        }
        // Microsoft's UPN is a UTF8String; another string type or an implicit tag is not read as one.
        assertThat(refusal(CertificateKind.USER, new GeneralName(GeneralName.otherName, new OtherName(UPN, new DERIA5String("alice@corp.example")))))
                .startsWith("the user principal name must be a UTF8String");
        GeneralName implicit = new GeneralName(GeneralName.otherName, new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {UPN,
                new org.bouncycastle.asn1.DERTaggedObject(false, 0, new DERUTF8String("alice@corp.example"))}));
        assertThat(refusal(CertificateKind.USER, implicit)).startsWith("the user principal name must be a UTF8String");
        accepted(CertificateKind.USER, upn("j\u00fcrgen.m\u00fcller@corp.example"));
    }

    @Test
    void anExtendedKeyUsageThatIsNoListOfOidsIsRefusedInWords() throws Exception {
        PKCS10CertificationRequest request = Csrs.forKey(rsa).dnsName("www.example.test").extension(new Extension(Extension.extendedKeyUsage,
                false, new DEROctetString(new DERSequence(new ASN1Integer(1)).getEncoded()))).build();
        for (CertificateKind kind : CertificateKind.values()) {
            assertThatThrownBy(() -> kind.check(request)).as(kind.name()).isInstanceOf(InvalidRequestException.class)
                    .hasMessage("the request's Extended Key Usage cannot be read: it must be a SEQUENCE of OBJECT IDENTIFIERs (RFC 5280 section 4.2.1.12)");
        }
        PKCS10CertificationRequest notASequence = Csrs.forKey(rsa).dnsName("www.example.test").extension(new Extension(Extension.extendedKeyUsage,
                false, new DEROctetString(new ASN1Integer(1).getEncoded()))).build();
        assertThatThrownBy(() -> CertificateKind.SERVER.check(notASequence)).isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("the request's Extended Key Usage cannot be read");
    }

    @Test
    void anEcKeyGetsKeyAgreementWhereTheCertificateProtectsMail() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        SubjectPublicKeyInfo ec = SubjectPublicKeyInfo.getInstance(generator.generateKeyPair().getPublic().getEncoded());
        SubjectPublicKeyInfo rsaKey = SubjectPublicKeyInfo.getInstance(rsa.getPublic().getEncoded());
        ExtendedKeyUsage userWithMail = new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_emailProtection});
        ExtendedKeyUsage userOnly = new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth);

        assertThat(CertificateKind.USER.keyUsage(ec, userWithMail)).isEqualTo(KeyUsage.digitalSignature | KeyUsage.keyAgreement);
        assertThat(CertificateKind.USER.keyUsage(ec, userOnly)).isEqualTo(KeyUsage.digitalSignature);
        assertThat(CertificateKind.USER.keyUsage(rsaKey, userWithMail)).isEqualTo(KeyUsage.digitalSignature | KeyUsage.keyEncipherment);
        assertThat(CertificateKind.SMIME.keyUsage(ec, new ExtendedKeyUsage(KeyPurposeId.id_kp_emailProtection)))
                .isEqualTo(KeyUsage.digitalSignature | KeyUsage.keyAgreement);
        assertThat(CertificateKind.SERVER.keyUsage(ec, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))).isEqualTo(KeyUsage.digitalSignature);
        assertThat(CertificateKind.CODE_SIGNING.keyUsage(rsaKey, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning)))
                .isEqualTo(KeyUsage.digitalSignature);
    }

    @Test
    void theCsrRolesMayAskForEveryKindAndSelfServiceForClientAndUserOnly() {
        for (CertificateKind kind : CertificateKind.values()) {
            assertThat(kind.mayBeRequestedBy(Set.of(ApiRole.CSR_REQUEST_DB))).as(kind.name()).isTrue();
            assertThat(kind.mayBeRequestedBy(Set.of(ApiRole.MANAGE_ALL))).as(kind.name()).isFalse();
        }
        assertThat(CertificateKind.CLIENT.mayBeRequestedBy(Set.of(ApiRole.CSR_SELF_SERVICE))).isTrue();
        assertThat(CertificateKind.USER.mayBeRequestedBy(Set.of(ApiRole.CSR_SELF_SERVICE))).isTrue();
        assertThat(CertificateKind.SERVER.mayBeRequestedBy(Set.of(ApiRole.CSR_SELF_SERVICE))).isFalse();
        assertThat(CertificateKind.CODE_SIGNING.mayBeRequestedBy(Set.of(ApiRole.CSR_SELF_SERVICE))).isFalse();
    }

    @Test
    void theLifetimeIsHeldToTheSmallerOfTheKindsAndTheInstallationsCap() throws Exception {
        assertThat(CertificateKind.CODE_SIGNING.validity(Optional.empty(), 730)).isEqualTo(Duration.ofDays(730));
        assertThat(CertificateKind.SERVER.validity(Optional.empty(), 730)).isEqualTo(Duration.ofDays(397));
        assertThat(CertificateKind.SERVER.validity(Optional.of(1), 730)).isEqualTo(Duration.ofDays(1));
        assertThatThrownBy(() -> CertificateKind.CODE_SIGNING.validity(Optional.of(731), 730)).hasMessage(
                "a CodeSigning certificate lives from 1 to 730 days here, not 731");
        assertThatThrownBy(() -> CertificateKind.CLIENT.validity(Optional.of(-5), 730)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void kindsAreReadByTheirApiNamesCaseInsensitively() {
        assertThat(CertificateKind.byName("smime")).contains(CertificateKind.SMIME);
        assertThat(CertificateKind.byName(" CodeSigning ")).contains(CertificateKind.CODE_SIGNING);
        assertThat(CertificateKind.byName("SubCa")).isEmpty();
    }
}
