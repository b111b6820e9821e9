package dev.scepter.authority.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.TestCa;
import dev.scepter.authority.directory.Directory;
import dev.scepter.authority.directory.DirectoryAnswer;
import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.store.DirectoryBinding;
import java.security.KeyPair;
import java.util.Optional;
import java.util.UUID;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.OtherName;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BinderTest {

    private static final UUID ALICE = UUID.fromString("0b7e0a4e-6a0c-4d6e-9b7c-3a2f1c0d9e8f");
    private static KeyPair keys;

    private final Binder binder = new Binder(new Directory() {
        @Override
        public DirectoryAnswer lookup(DirectoryObjectType type, UUID objectId) {
            throw new AssertionError("binding reads no object state");
        }

        @Override
        public Optional<UUID> findUserByPrincipalName(String userPrincipalName) {
            return "alice@example.com".equalsIgnoreCase(userPrincipalName) ? Optional.of(ALICE) : Optional.empty();
        }

        @Override
        public Optional<String> securityIdentifier(DirectoryObjectType type, UUID objectId) {
            if (type == DirectoryObjectType.USER && ALICE.equals(objectId)) {
                return Optional.of("S-1-5-21-1-2-3-1001");
            }
            // A directory's garbage must not reach a certificate.
            return type == DirectoryObjectType.DEVICE ? Optional.of("not a sid") : Optional.empty();
        }

        @Override
        public String describe() {
            return "test";
        }
    });

    @Test
    void theBoundObjectsSidComesFromTheDirectoryWhenItIsOne() {
        assertThat(binder.securityIdentifier(new dev.scepter.authority.store.DirectoryBinding(
                DirectoryObjectType.USER, ALICE))).contains("S-1-5-21-1-2-3-1001");
        assertThat(binder.securityIdentifier(new dev.scepter.authority.store.DirectoryBinding(
                DirectoryObjectType.DEVICE, ALICE))).isEmpty();
    }

    @Test
    void anIntuneDeviceIdEarnsNoSidEvenFromADirectoryThatWouldAnswerForIt() {
        // The embedded and LDAP directories read an Intune device id as a device id; a SID is a
        // Windows logon, so it is written only for the Entra id the directory is keyed by.
        Binder answeringAll = new Binder(new Directory() {
            @Override
            public DirectoryAnswer lookup(DirectoryObjectType type, UUID objectId) {
                throw new AssertionError("binding reads no object state");
            }

            @Override
            public Optional<UUID> findUserByPrincipalName(String userPrincipalName) {
                return Optional.empty();
            }

            @Override
            public Optional<String> securityIdentifier(DirectoryObjectType type, UUID objectId) {
                return Optional.of("S-1-5-21-1-2-3-1002");
            }

            @Override
            public String describe() {
                return "answers every kind";
            }
        });
        assertThat(answeringAll.securityIdentifier(new DirectoryBinding(DirectoryObjectType.DEVICE, ALICE))).contains("S-1-5-21-1-2-3-1002");
        assertThat(answeringAll.securityIdentifier(new DirectoryBinding(DirectoryObjectType.INTUNE_DEVICE, ALICE))).isEmpty();
        assertThat(answeringAll.securityIdentifier(new DirectoryBinding(DirectoryObjectType.DOMAIN_CONTROLLER, ALICE))).isEmpty();
    }

    @BeforeAll
    static void key() throws Exception {
        keys = TestCa.rsa();
    }

    private static PKCS10CertificationRequest csr(String subject, GeneralName san) throws Exception {
        JcaPKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic());
        if (san != null) {
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san));
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
        }
        return builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate()));
    }

    @Test
    void anIntuneDeviceIdUriBindsToTheIntuneDeviceWithAnOddTypeByte() throws Exception {
        UUID device = UUID.randomUUID();
        var bound = binder.bind(csr("CN=laptop", new GeneralName(GeneralName.uniformResourceIdentifier, "IntuneDeviceId://" + device)));
        assertThat(bound).contains(new Binder.Bound(new DirectoryBinding(DirectoryObjectType.INTUNE_DEVICE, device), 0x41));
    }

    @Test
    void aCommonNameHoldingAGuidBindsToThatDevice() throws Exception {
        UUID device = UUID.randomUUID();
        assertThat(binder.bind(csr("CN=" + device, null)))
                .contains(new Binder.Bound(new DirectoryBinding(DirectoryObjectType.DEVICE, device), 0x40));
    }

    @Test
    void aUpnSanBindsToTheUserTheDirectoryResolvesItTo() throws Exception {
        GeneralName upn = new GeneralName(GeneralName.otherName,
                new OtherName(new ASN1ObjectIdentifier("1.3.6.1.4.1.311.20.2.3"), new DERUTF8String("Alice@Example.com")));
        assertThat(binder.bind(csr("CN=Alice", upn))).contains(new Binder.Bound(new DirectoryBinding(DirectoryObjectType.USER, ALICE), 0x60));
        GeneralName stranger = new GeneralName(GeneralName.otherName,
                new OtherName(new ASN1ObjectIdentifier("1.3.6.1.4.1.311.20.2.3"), new DERUTF8String("mallory@example.com")));
        assertThat(binder.bind(csr("CN=Mallory", stranger))).isEmpty();
    }

    @Test
    void aPlainNameBindsToNothing() throws Exception {
        assertThat(binder.bind(csr("CN=printer-7", new GeneralName(GeneralName.dNSName, "printer-7.example")))).isEmpty();
    }
}
