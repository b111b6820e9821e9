package dev.scepter.authority.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.authority.Csrs;
import dev.scepter.authority.TestCa;
import dev.scepter.authority.directory.Directory;
import dev.scepter.authority.directory.DirectoryAnswer;
import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.directory.DirectoryUnavailableException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
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

    // --- a device the caller owns -------------------------------------------------------------

    private static final UUID ALICE = UUID.fromString("a11ce000-0000-4000-8000-000000000001");
    private static final UUID BOB = UUID.fromString("b0b00000-0000-4000-8000-000000000002");
    private static final UUID LAPTOP = UUID.fromString("1a970000-0000-4000-8000-000000000003");
    private static final UUID PHONE = UUID.fromString("9a0e0000-0000-4000-8000-000000000004");

    /** A directory of users, devices and owners, as the port describes it; it counts what it was asked. */
    private static final class Owners implements Directory {
        final Map<UUID, DirectoryAnswer> states = new HashMap<>();
        final Map<String, UUID> users = new HashMap<>();
        final Set<String> owned = new HashSet<>();
        boolean down;
        /** Only the ownership question fails: users and devices are found, who owns them cannot be told. */
        boolean ownersDown;
        int questions;
        final List<String> asked = new ArrayList<>();

        @Override
        public DirectoryAnswer lookup(DirectoryObjectType type, UUID objectId) {
            ask();
            return states.getOrDefault(objectId, DirectoryAnswer.NOT_FOUND);
        }

        @Override
        public Optional<UUID> findUserByPrincipalName(String userPrincipalName) {
            ask();
            return Optional.ofNullable(users.get(userPrincipalName.toLowerCase(Locale.ROOT)));
        }

        @Override
        public boolean isRegisteredOwner(DirectoryObjectType deviceType, UUID deviceId, UUID userId) {
            ask();
            asked.add("owner of " + deviceId + " is " + userId + "?");
            if (ownersDown) {
                throw new DirectoryUnavailableException("who owns a device cannot be told now", null);
            }
            return owned.contains(deviceType + "/" + deviceId + "/" + userId);
        }

        @Override
        public Optional<String> securityIdentifier(DirectoryObjectType type, UUID objectId) {
            return Optional.empty();
        }

        @Override
        public String describe() {
            return "owners";
        }

        private void ask() {
            questions++;
            if (down) {
                throw new DirectoryUnavailableException("the directory is down", null);
            }
        }
    }

    private final Owners directory = new Owners();
    private final SelfServiceRules deviceRules = SelfServiceRules.forOwnedDevices(directory);

    /** Alice and Bob are enabled users; Alice owns the laptop (by its Entra id and its Intune id), Bob the phone. */
    private void aliceOwnsTheLaptop() {
        directory.users.put(CALLER, ALICE);
        directory.users.put("bob@contoso.example", BOB);
        directory.states.put(ALICE, DirectoryAnswer.ENABLED);
        directory.states.put(BOB, DirectoryAnswer.ENABLED);
        directory.states.put(LAPTOP, DirectoryAnswer.ENABLED);
        directory.states.put(PHONE, DirectoryAnswer.ENABLED);
        directory.owned.add(DirectoryObjectType.DEVICE + "/" + LAPTOP + "/" + ALICE);
        directory.owned.add(DirectoryObjectType.INTUNE_DEVICE + "/" + LAPTOP + "/" + ALICE);
        directory.owned.add(DirectoryObjectType.DEVICE + "/" + PHONE + "/" + BOB);
    }

    private boolean deviceRulesAccept(PKCS10CertificationRequest csr) {
        return deviceRules.accepts(new EnrollmentContext("est", Optional.empty(), csr, Optional.empty(), "token " + CALLER,
                Optional.of(CALLER), Optional.empty()));
    }

    private static GeneralName intuneDevice(UUID id) {
        return new GeneralName(GeneralName.uniformResourceIdentifier, "IntuneDeviceId://" + id);
    }

    @Test
    void acceptsADeviceTheCallerOwnsByItsCnOrItsIntuneUri() throws Exception {
        aliceOwnsTheLaptop();
        assertThat(deviceRulesAccept(Csrs.forKey(keys).subject("CN=" + LAPTOP).build())).as("CN=<Entra device id>").isTrue();
        assertThat(deviceRulesAccept(Csrs.forKey(keys).subject("").extension(sans(intuneDevice(LAPTOP))).build()))
                .as("SAN URI IntuneDeviceId://<id>").isTrue();
        assertThat(deviceRulesAccept(Csrs.forKey(keys).subject("CN=" + CALLER).extension(sans(intuneDevice(LAPTOP))).build()))
                .as("the URI, and the caller as CN").isTrue();
        assertThat(deviceRulesAccept(Csrs.forKey(keys).subject("CN=" + LAPTOP.toString().toUpperCase(Locale.ROOT))
                .extension(upns(CALLER)).eku(KeyPurposeId.id_kp_clientAuth).build())).as("the CN, the caller's UPN, ClientAuth").isTrue();
        assertThat(SelfServiceRules.namesADevice(Csrs.forKey(keys).subject("CN=" + LAPTOP).build())).isTrue();
        assertThat(SelfServiceRules.namesADevice(Csrs.forKey(keys).subject("").extension(sans(intuneDevice(LAPTOP))).build())).isTrue();
        assertThat(SelfServiceRules.namesADevice(Csrs.forKey(keys).subject("CN=" + CALLER).build())).isFalse();
    }

    @Test
    void refusesADeviceSomeoneElseOwnsOrThatIsDisabledOrUnknown() throws Exception {
        aliceOwnsTheLaptop();
        assertThat(deviceRulesAccept(Csrs.forKey(keys).subject("CN=" + PHONE).build())).as("Bob's phone").isFalse();
        directory.states.put(LAPTOP, DirectoryAnswer.DISABLED);
        assertThat(deviceRulesAccept(Csrs.forKey(keys).subject("CN=" + LAPTOP).build())).as("a disabled device").isFalse();
        directory.states.remove(LAPTOP);
        assertThat(deviceRulesAccept(Csrs.forKey(keys).subject("CN=" + LAPTOP).build())).as("a deleted device").isFalse();
        assertThat(deviceRulesAccept(Csrs.forKey(keys).subject("CN=" + UUID.randomUUID()).build())).as("an unknown device").isFalse();
    }

    @Test
    void refusesACallerTheDirectoryDoesNotKnowOrHasDisabled() throws Exception {
        aliceOwnsTheLaptop();
        directory.states.put(ALICE, DirectoryAnswer.DISABLED);
        assertThat(deviceRulesAccept(Csrs.forKey(keys).subject("CN=" + LAPTOP).build())).as("Alice disabled").isFalse();
        directory.users.remove(CALLER);
        assertThat(deviceRulesAccept(Csrs.forKey(keys).subject("CN=" + LAPTOP).build())).as("no user with the caller's UPN").isFalse();
    }

    @Test
    void aDirectoryOutageIsAnOutageNeitherAnAcceptanceNorARefusal() throws Exception {
        aliceOwnsTheLaptop();
        directory.down = true;
        assertThatThrownBy(() -> deviceRulesAccept(Csrs.forKey(keys).subject("CN=" + LAPTOP).build()))
                .isInstanceOf(DirectoryUnavailableException.class);
    }

    /** Graph's registeredOwners or Intune's primary user failing after the user and the device were found (a 429, a 5xx). */
    @Test
    void anOutageAtTheOwnershipQuestionAloneIsAnOutageToo() throws Exception {
        aliceOwnsTheLaptop();
        directory.ownersDown = true;
        assertThatThrownBy(() -> deviceRulesAccept(Csrs.forKey(keys).subject("CN=" + LAPTOP).build()))
                .isInstanceOf(DirectoryUnavailableException.class);
        assertThat(directory.asked).as("asked after Alice was resolved to her object id").containsExactly("owner of " + LAPTOP + " is " + ALICE + "?");
        assertThatThrownBy(() -> deviceRulesAccept(Csrs.forKey(keys).subject("").extension(sans(intuneDevice(PHONE))).build()))
                .as("not a refusal either, even for a device someone else owns").isInstanceOf(DirectoryUnavailableException.class);
    }

    @Test
    void refusesTwoDevicesOrADeviceWithAForeignNameWithoutAskingTheDirectory() throws Exception {
        aliceOwnsTheLaptop();
        assertThat(deviceRulesAccept(Csrs.forKey(keys).subject("CN=" + LAPTOP).extension(sans(intuneDevice(LAPTOP))).build()))
                .as("the CN and the URI: two device names, even for one device").isFalse();
        assertThat(deviceRulesAccept(Csrs.forKey(keys).subject("").extension(sans(intuneDevice(LAPTOP), intuneDevice(PHONE))).build()))
                .as("two URIs").isFalse();
        assertThat(deviceRulesAccept(Csrs.forKey(keys).subject("CN=" + LAPTOP).extension(upns("bob@contoso.example")).build()))
                .as("the laptop and Bob's UPN").isFalse();
        assertThat(deviceRulesAccept(Csrs.forKey(keys).subject("CN=" + LAPTOP).dnsName("laptop.contoso.example").build()))
                .as("the laptop and a DNS name").isFalse();
        assertThat(deviceRulesAccept(Csrs.forKey(keys).subject("CN=" + LAPTOP + ",O=Contoso").build())).as("the laptop and O=").isFalse();
        assertThat(deviceRulesAccept(Csrs.forKey(keys).subject("").extension(sans(new GeneralName(GeneralName.uniformResourceIdentifier,
                "IntuneDeviceId://laptop-7"))).build())).as("a URI that names no device id").isFalse();
        assertThat(deviceRulesAccept(Csrs.forKey(keys).subject("CN=" + LAPTOP).eku(KeyPurposeId.id_kp_serverAuth).build()))
                .as("another EKU").isFalse();
        assertThat(deviceRulesAccept(Csrs.forKey(keys).subject("CN=" + CALLER).build())).as("no device: not these rules'").isFalse();
        assertThat(directory.questions).as("only a request that passed every other rule makes the directory work").isZero();
    }

    @Test
    void theCallersOwnRulesRefuseEveryDeviceEvenAnOwnedOne() throws Exception {
        aliceOwnsTheLaptop();
        assertThat(accepts(Csrs.forKey(keys).subject("CN=" + LAPTOP).build(), Optional.of(CALLER))).isFalse();
        assertThat(accepts(Csrs.forKey(keys).subject("").extension(sans(intuneDevice(LAPTOP))).build(), Optional.of(CALLER))).isFalse();
    }
}
