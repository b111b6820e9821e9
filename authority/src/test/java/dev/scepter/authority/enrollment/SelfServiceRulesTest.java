package dev.scepter.authority.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.Csrs;
import dev.scepter.authority.TestCa;
import java.security.KeyPair;
import java.util.Optional;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SCEPman's self-service rules (scepman_features.md section 1.2), one field changed at a time. */
class SelfServiceRulesTest {

    private static final String CALLER = "alice@contoso.example";
    private static KeyPair keys;
    private final SelfServiceRules rules = new SelfServiceRules();

    @BeforeAll
    static void key() throws Exception {
        keys = TestCa.rsa();
    }

    private boolean accepts(PKCS10CertificationRequest csr, Optional<String> actor) {
        return rules.accepts(new EnrollmentContext("est", Optional.empty(), csr, Optional.empty(), "token " + CALLER, actor,
                Optional.empty()));
    }

    private static Extension upns(String... upns) throws Exception {
        GeneralName[] names = new GeneralName[upns.length];
        for (int i = 0; i < upns.length; i++) {
            names[i] = new GeneralName(GeneralName.otherName, new DERSequence(new ASN1Encodable[] {SelfServiceRules.UPN,
                    new DERTaggedObject(true, 0, new DERUTF8String(upns[i]))}));
        }
        return new Extension(Extension.subjectAlternativeName, false, new GeneralNames(names).getEncoded());
    }

    @Test
    void acceptsARequestForTheCallerByCnOrByUpn() throws Exception {
        assertThat(accepts(Csrs.forKey(keys).subject("CN=" + CALLER).build(), Optional.of(CALLER))).isTrue();
        assertThat(accepts(Csrs.forKey(keys).subject("CN=Alice@Contoso.Example").eku(KeyPurposeId.id_kp_clientAuth).build(),
                Optional.of(CALLER))).as("case-insensitive, ClientAuth asked for").isTrue();
        assertThat(accepts(Csrs.forKey(keys).subject("").extension(upns(CALLER)).build(), Optional.of(CALLER)))
                .as("the UPN SAN names the caller, the subject is empty").isTrue();
        assertThat(accepts(Csrs.forKey(keys).subject("CN=" + CALLER).extension(sans(new GeneralName(GeneralName.rfc822Name, CALLER)))
                .build(), Optional.of(CALLER))).as("the caller's email address too").isTrue();
    }

    private static Extension sans(GeneralName... names) throws Exception {
        return new Extension(Extension.subjectAlternativeName, false, new GeneralNames(names).getEncoded());
    }

    /** An allow-list: every name in the request is the caller's; one more name, of any kind, and it is refused. */
    @Test
    void refusesAnyOtherNameBesideTheCallers() throws Exception {
        String cn = "CN=" + CALLER;
        assertThat(accepts(Csrs.forKey(keys).subject("CN=Alice's laptop").extension(upns(CALLER)).build(), Optional.of(CALLER)))
                .as("a CN that is not the caller, beside the caller's UPN").isFalse();
        assertThat(accepts(Csrs.forKey(keys).subject("CN=bob@contoso.example," + cn).build(), Optional.of(CALLER)))
                .as("a second CN").isFalse();
        assertThat(accepts(Csrs.forKey(keys).subject(cn + ",E=bob@contoso.example").build(), Optional.of(CALLER))).as("E=").isFalse();
        assertThat(accepts(Csrs.forKey(keys).subject(cn + ",OU=Domain Admins").build(), Optional.of(CALLER))).as("OU=").isFalse();
        assertThat(accepts(Csrs.forKey(keys).subject(cn).dnsName("www.contoso.example").build(), Optional.of(CALLER))).as("dNSName").isFalse();
        assertThat(accepts(Csrs.forKey(keys).subject(cn).uri("IntuneDeviceId://0f2b3c4d-0000-4000-8000-000000000001").build(),
                Optional.of(CALLER))).as("a URI naming a device").isFalse();
        assertThat(accepts(Csrs.forKey(keys).subject(cn).extension(sans(new GeneralName(GeneralName.iPAddress, "10.0.0.1"))).build(),
                Optional.of(CALLER))).as("an IP address").isFalse();
        assertThat(accepts(Csrs.forKey(keys).subject(cn).extension(sans(new GeneralName(GeneralName.rfc822Name, "bob@contoso.example")))
                .build(), Optional.of(CALLER))).as("someone else's email address").isFalse();
        assertThat(accepts(Csrs.forKey(keys).subject(cn).extension(sans(new GeneralName(GeneralName.otherName,
                new org.bouncycastle.asn1.x509.OtherName(new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.3.6.1.4.1.311.25.1"),
                        new org.bouncycastle.asn1.DEROctetString(new byte[16]))))).build(), Optional.of(CALLER)))
                .as("another otherName (a GUID)").isFalse();
        assertThat(accepts(Csrs.forKey(keys).subject("").build(), Optional.of(CALLER))).as("no name at all").isFalse();
    }

    @Test
    void aUpnWithoutItsValueIsRefusedNotACrash() throws Exception {
        Extension broken = new Extension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.otherName,
                new DERSequence(SelfServiceRules.UPN))).getEncoded());
        assertThat(accepts(Csrs.forKey(keys).subject("CN=" + CALLER).extension(broken).build(), Optional.of(CALLER))).isFalse();
    }

    @Test
    void refusesARequestForSomeoneElse() throws Exception {
        assertThat(accepts(Csrs.forKey(keys).subject("CN=bob@contoso.example").build(), Optional.of(CALLER))).isFalse();
        assertThat(accepts(Csrs.forKey(keys).subject("CN=" + CALLER).extension(upns("bob@contoso.example")).build(), Optional.of(CALLER)))
                .as("a UPN SAN naming another user").isFalse();
        assertThat(accepts(Csrs.forKey(keys).subject("CN=" + CALLER).extension(upns(CALLER, "bob@contoso.example")).build(),
                Optional.of(CALLER))).as("one of two UPN SANs naming another user").isFalse();
        assertThat(accepts(Csrs.forKey(keys).subject("CN=" + CALLER).build(), Optional.empty())).as("no caller").isFalse();
    }

    @Test
    void refusesAnyExtendedKeyUsageButClientAuthentication() throws Exception {
        assertThat(accepts(Csrs.forKey(keys).subject("CN=" + CALLER).eku(KeyPurposeId.id_kp_serverAuth).build(), Optional.of(CALLER)))
                .isFalse();
        assertThat(accepts(Csrs.forKey(keys).subject("CN=" + CALLER).eku(KeyPurposeId.id_kp_codeSigning).build(), Optional.of(CALLER)))
                .isFalse();
    }
}
