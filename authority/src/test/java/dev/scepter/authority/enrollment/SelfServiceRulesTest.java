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
        assertThat(accepts(Csrs.forKey(keys).subject("CN=Alice's laptop").extension(upns(CALLER)).build(), Optional.of(CALLER)))
                .as("the UPN SAN names the caller").isTrue();
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
