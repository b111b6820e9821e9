package dev.scepter.directory.ldap;

import static dev.scepter.authority.directory.DirectoryAnswer.DISABLED;
import static dev.scepter.authority.directory.DirectoryAnswer.ENABLED;
import static dev.scepter.authority.directory.DirectoryAnswer.NOT_FOUND;
import static dev.scepter.authority.directory.DirectoryObjectType.DEVICE;
import static dev.scepter.authority.directory.DirectoryObjectType.USER;
import static dev.scepter.directory.ldap.TestDirectoryServer.BASE_DN;
import static dev.scepter.directory.ldap.TestDirectoryServer.BIND_DN;
import static dev.scepter.directory.ldap.TestDirectoryServer.BIND_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.unboundid.ldap.sdk.Entry;
import dev.scepter.authority.directory.DirectoryAnswer;
import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.directory.DirectoryUnavailableException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link LdapDirectory} with its Active Directory defaults against a real LDAP server on loopback
 * that holds AD-shaped entries: computer objects are also of class user, objectGUID is 16 binary
 * bytes in .NET order, userAccountControl carries ACCOUNTDISABLE (0x2) among other flags.
 */
class ActiveDirectoryStyleTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private TestDirectoryServer server;
    private LdapDirectory directory;

    @BeforeEach
    void start() throws Exception {
        server = TestDirectoryServer.start();
        directory = LdapDirectory.open(settings(List.of(server.url()), BIND_DN, BIND_PASSWORD, BASE_DN, 4));
    }

    @AfterEach
    void stop() {
        directory.close();
        server.close();
    }

    static LdapDirectorySettings settings(List<String> urls, String bindDn, String password, String baseDn, int poolSize) {
        return new LdapDirectorySettings(urls, bindDn, password, baseDn, TIMEOUT, TIMEOUT, poolSize, null,
                null, null, null, null, null, null);
    }

    private UUID addComputer(String name, long userAccountControl) throws Exception {
        UUID id = UUID.randomUUID();
        addComputer(name, GuidFormat.dotNetBytes(id), userAccountControl);
        return id;
    }

    private String addComputer(String name, byte[] objectGuid, long userAccountControl) throws Exception {
        String dn = "CN=" + name + ",ou=computers," + BASE_DN;
        Entry entry = new Entry(dn);
        entry.addAttribute("objectClass", "top", "user", "computer");
        entry.addAttribute("cn", name);
        entry.addAttribute("sAMAccountName", name + "$");
        entry.addAttribute(TestDirectoryServer.binary("objectGUID", objectGuid));
        entry.addAttribute("userAccountControl", Long.toString(userAccountControl));
        server.add(entry);
        return dn;
    }

    private UUID addUser(String name, String upn, long userAccountControl) throws Exception {
        UUID id = UUID.randomUUID();
        addUser(name, upn, GuidFormat.dotNetBytes(id), userAccountControl);
        return id;
    }

    private String addUser(String name, String upn, byte[] objectGuid, long userAccountControl) throws Exception {
        String dn = "CN=" + name + ",ou=users," + BASE_DN;
        Entry entry = new Entry(dn);
        entry.addAttribute("objectClass", "top", "user");
        entry.addAttribute("cn", name);
        entry.addAttribute("userPrincipalName", upn);
        entry.addAttribute(TestDirectoryServer.binary("objectGUID", objectGuid));
        entry.addAttribute("userAccountControl", Long.toString(userAccountControl));
        server.add(entry);
        return dn;
    }

    /** Self-service's question: a computer's managedBy names its owner's DN (compared as a DN); nothing else owns it. */
    @Test
    void aComputerIsOwnedByTheUserItsManagedByNames() throws Exception {
        UUID alice = addUser("Alice", "alice@example.com", 512);
        UUID bob = addUser("Bob", "bob@example.com", 512);
        UUID laptop = addComputer("LAPTOP-7", 4096);
        String laptopDn = "CN=LAPTOP-7,ou=computers," + BASE_DN;
        assertThat(directory.isRegisteredOwner(DEVICE, laptop, alice)).as("no managedBy: nobody owns it").isFalse();

        server.replace(laptopDn, "managedBy", "cn=alice, OU=Users," + BASE_DN.toUpperCase(java.util.Locale.ROOT));
        assertThat(directory.isRegisteredOwner(DEVICE, laptop, alice)).as("the same DN, written otherwise").isTrue();
        assertThat(directory.isRegisteredOwner(DirectoryObjectType.INTUNE_DEVICE, laptop, alice)).as("an Intune id is the device here")
                .isTrue();
        assertThat(directory.isRegisteredOwner(DEVICE, laptop, bob)).isFalse();
        assertThat(directory.isRegisteredOwner(DEVICE, UUID.randomUUID(), alice)).as("no such computer").isFalse();
        assertThat(directory.isRegisteredOwner(DEVICE, laptop, UUID.randomUUID())).as("no such user").isFalse();
        assertThat(directory.isRegisteredOwner(USER, alice, alice)).as("a user owns no user").isFalse();

        server.stop();
        assertThatThrownBy(() -> directory.isRegisteredOwner(DEVICE, laptop, alice)).as("the directory down: never \"no\"")
                .isInstanceOf(DirectoryUnavailableException.class);
    }

    @ParameterizedTest(name = "{0} with userAccountControl {1} is {2}")
    @CsvSource({
            // WORKSTATION_TRUST_ACCOUNT 0x1000
            "DEVICE, 4096,  ENABLED",
            // WORKSTATION_TRUST_ACCOUNT | ACCOUNTDISABLE
            "DEVICE, 4098,  DISABLED",
            // SERVER_TRUST_ACCOUNT | TRUSTED_FOR_DELEGATION (a domain controller)
            "DEVICE, 532480, ENABLED",
            // NORMAL_ACCOUNT 0x200
            "USER,   512,   ENABLED",
            // NORMAL_ACCOUNT | ACCOUNTDISABLE
            "USER,   514,   DISABLED",
            // NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD
            "USER,   66048, ENABLED",
            // NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD | ACCOUNTDISABLE
            "USER,   66050, DISABLED",
            // LOCKOUT 0x10 is not "disabled"
            "USER,   528,   ENABLED",
    })
    void accountDisableBitDecides(DirectoryObjectType type, long userAccountControl, DirectoryAnswer expected) throws Exception {
        UUID id = type == DEVICE ? addComputer("PC-1", userAccountControl) : addUser("Alice", "alice@example.com", userAccountControl);

        assertThat(directory.lookup(type, id)).isEqualTo(expected);
    }

    @Test
    void anIntuneDeviceIdIsLookedUpAsAComputerAsBefore() throws Exception {
        // LDAP keeps no Intune ids: an Intune-bound (0x41) certificate's id is looked up with the
        // device filter, as it was before the kinds were told apart.
        UUID enabled = addComputer("PC-3", 4096);
        UUID disabled = addComputer("PC-4", 4098);
        UUID alice = addUser("Alice", "alice@example.com", 512);

        assertThat(directory.lookup(DirectoryObjectType.INTUNE_DEVICE, enabled)).isEqualTo(ENABLED);
        assertThat(directory.lookup(DirectoryObjectType.INTUNE_DEVICE, disabled)).isEqualTo(DISABLED);
        assertThat(directory.lookup(DirectoryObjectType.INTUNE_DEVICE, alice)).as("not among users").isEqualTo(NOT_FOUND);
    }

    @Test
    void anObjectWithoutUserAccountControlIsEnabled() throws Exception {
        UUID id = UUID.randomUUID();
        Entry entry = new Entry("CN=PC-2,ou=computers," + BASE_DN);
        entry.addAttribute("objectClass", "top", "user", "computer");
        entry.addAttribute("cn", "PC-2");
        entry.addAttribute(TestDirectoryServer.binary("objectGUID", GuidFormat.dotNetBytes(id)));
        server.add(entry);

        assertThat(directory.lookup(DEVICE, id)).isEqualTo(ENABLED);
    }

    @Test
    void aDeletedOrUnknownObjectIsNotFound() throws Exception {
        UUID id = addComputer("PC-1", 4096);
        server.delete("CN=PC-1,ou=computers," + BASE_DN);

        assertThat(directory.lookup(DEVICE, id)).isEqualTo(NOT_FOUND);
        assertThat(directory.lookup(DEVICE, UUID.randomUUID())).isEqualTo(NOT_FOUND);
        assertThat(directory.lookup(USER, UUID.randomUUID())).isEqualTo(NOT_FOUND);
    }

    @Test
    void theTypeFilterApplies() throws Exception {
        UUID user = addUser("Alice", "alice@example.com", 512);

        assertThat(directory.lookup(DEVICE, user)).isEqualTo(NOT_FOUND);
    }

    @Test
    void theKnownGuidIsFoundByItsActiveDirectoryBytes() throws Exception {
        // Bytes exactly as Active Directory stores d6b58414-60ed-426b-b382-276a3e8d626d.
        addComputer("PC-KNOWN", GuidFormatTest.KNOWN_AD_BYTES, 4096);
        addUser("Known", "known@example.com", GuidFormatTest.KNOWN_AD_BYTES, 512);

        assertThat(directory.lookup(DEVICE, GuidFormatTest.KNOWN)).isEqualTo(ENABLED);
        assertThat(directory.findUserByPrincipalName("known@example.com")).contains(GuidFormatTest.KNOWN);
        // Read in network order, the same bytes name another GUID, which does not exist.
        assertThat(directory.lookup(DEVICE, UUID.fromString("1484b5d6-ed60-6b42-b382-276a3e8d626d"))).isEqualTo(NOT_FOUND);
    }

    @Test
    void resolvesAUserPrincipalName() throws Exception {
        UUID alice = addUser("Alice", "alice@example.com", 512);
        addUser("Bob", "bob@example.com", 514);

        assertThat(directory.findUserByPrincipalName("alice@example.com")).contains(alice);
        assertThat(directory.findUserByPrincipalName("ALICE@Example.COM")).contains(alice);
        assertThat(directory.findUserByPrincipalName("carol@example.com")).isEmpty();
        assertThat(directory.findUserByPrincipalName("")).isEmpty();
    }

    @Test
    void aUserPrincipalNameCannotInjectAFilter() throws Exception {
        addUser("Alice", "alice@example.com", 512);
        UUID odd = addUser("Odd", "we*ird)(name\\@example.com", 512);

        for (String attack : List.of("*", "*)(", "*)(userPrincipalName=*", "alice@example.com)(objectClass=*",
                "*)(|(objectClass=*)", "alice*", "\\2a", "*\u0000")) {
            assertThat(directory.findUserByPrincipalName(attack)).as(attack).isEmpty();
        }
        assertThat(directory.findUserByPrincipalName("we*ird)(name\\@example.com")).contains(odd);
    }

    @Test
    void aChangeIsSeenOnTheNextLookup() throws Exception {
        UUID id = addComputer("PC-1", 4096);
        String dn = "CN=PC-1,ou=computers," + BASE_DN;
        assertThat(directory.lookup(DEVICE, id)).isEqualTo(ENABLED);

        server.replace(dn, "userAccountControl", "4098");
        assertThat(directory.lookup(DEVICE, id)).isEqualTo(DISABLED);

        server.replace(dn, "userAccountControl", "4096");
        assertThat(directory.lookup(DEVICE, id)).isEqualTo(ENABLED);

        server.delete(dn);
        assertThat(directory.lookup(DEVICE, id)).isEqualTo(NOT_FOUND);
    }

    @Test
    void aWrongPasswordIsUnavailableAndNeverShown() throws Exception {
        UUID id = addComputer("PC-1", 4096);
        String wrong = "Wr0ng-Secret-Pa55!";

        try (LdapDirectory wrongPassword = LdapDirectory.open(settings(List.of(server.url()), BIND_DN, wrong, BASE_DN, 2))) {
            DirectoryUnavailableException e = catchThrowableOfType(DirectoryUnavailableException.class,
                    () -> wrongPassword.lookup(DEVICE, id));

            assertThat(e).isNotNull();
            assertThat(e.getMessage()).contains("invalid credentials").contains(BIND_DN).doesNotContain(wrong);
            assertThat(stackTrace(e)).doesNotContain(wrong);
            assertThatThrownBy(() -> wrongPassword.findUserByPrincipalName("alice@example.com"))
                    .isInstanceOf(DirectoryUnavailableException.class);
            assertThatThrownBy(wrongPassword::check).isInstanceOf(DirectoryUnavailableException.class)
                    .hasMessageNotContaining(wrong);
            assertThat(wrongPassword.toString() + wrongPassword.describe()).doesNotContain(wrong);
        }
    }

    @Test
    void anonymousIsUnavailableWhereTheServerRequiresABind() throws Exception {
        UUID id = addComputer("PC-1", 4096);

        try (LdapDirectory anonymous = LdapDirectory.open(settings(List.of(server.url()), null, null, BASE_DN, 2))) {
            assertThatThrownBy(() -> anonymous.lookup(DEVICE, id)).isInstanceOf(DirectoryUnavailableException.class);
        }
    }

    @Test
    void aStoppedServerIsUnavailableNotNotFoundAndComesBack() throws Exception {
        UUID id = addComputer("PC-1", 4096);
        assertThat(directory.lookup(DEVICE, id)).isEqualTo(ENABLED);

        server.stop();
        long started = System.nanoTime();
        assertThatThrownBy(() -> directory.lookup(DEVICE, id)).isInstanceOf(DirectoryUnavailableException.class)
                .hasMessageContaining(server.url()).hasMessageNotContaining(BIND_PASSWORD);
        assertThatThrownBy(() -> directory.findUserByPrincipalName("alice@example.com"))
                .isInstanceOf(DirectoryUnavailableException.class);
        assertThatThrownBy(directory::check).isInstanceOf(DirectoryUnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));

        server.restart();
        assertThat(directory.lookup(DEVICE, id)).isEqualTo(ENABLED);
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        // Accepts connections (the kernel completes the handshake) but never answers the bind.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                LdapDirectory stuck = LdapDirectory.open(new LdapDirectorySettings(
                        List.of("ldap://127.0.0.1:" + silent.getLocalPort()), BIND_DN, BIND_PASSWORD, BASE_DN,
                        Duration.ofSeconds(1), Duration.ofMillis(500), 2, null, null, null, null, null, null, null))) {
            long started = System.nanoTime();

            assertThatThrownBy(() -> stuck.lookup(DEVICE, UUID.randomUUID()))
                    .isInstanceOf(DirectoryUnavailableException.class).hasMessageNotContaining(BIND_PASSWORD);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void failsOverToTheNextUrl() throws Exception {
        UUID id = addComputer("PC-1", 4096);
        String nobody = "ldap://127.0.0.1:" + TestDirectoryServer.freePort();

        try (LdapDirectory failover = LdapDirectory.open(settings(List.of(nobody, server.url()), BIND_DN, BIND_PASSWORD, BASE_DN, 2))) {
            assertThat(failover.lookup(DEVICE, id)).isEqualTo(ENABLED);
            assertThat(failover.describe()).isEqualTo("LDAP " + nobody + ", " + server.url() + " (base " + BASE_DN + ")");
        }
    }

    @Test
    void aMissingBaseDnIsUnavailableNotNotFound() throws Exception {
        UUID id = addComputer("PC-1", 4096);

        try (LdapDirectory nowhere = LdapDirectory.open(settings(List.of(server.url()), BIND_DN, BIND_PASSWORD,
                "ou=nowhere," + BASE_DN, 2))) {
            assertThatThrownBy(() -> nowhere.lookup(DEVICE, id)).isInstanceOf(DirectoryUnavailableException.class);
        }
    }

    @Test
    void twoObjectsWithOneGuidAreAnErrorNotAnAnswer() throws Exception {
        UUID id = UUID.randomUUID();
        addComputer("PC-1", GuidFormat.dotNetBytes(id), 4096);
        addComputer("PC-2", GuidFormat.dotNetBytes(id), 4098);

        assertThatThrownBy(() -> directory.lookup(DEVICE, id))
                .isInstanceOf(DirectoryUnavailableException.class).hasMessageContaining("more than one");
    }

    @Test
    void describesItselfWithoutCredentials() {
        assertThat(directory.describe()).isEqualTo("LDAP ldap://127.0.0.1:" + server.port() + " (base dc=example,dc=com)");
        assertThat(directory.toString()).contains(directory.describe()).doesNotContain(BIND_PASSWORD);
        directory.check();
    }

    @Test
    void servesConcurrentLookupsFromABoundedPool() throws Exception {
        List<UUID> devices = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            devices.add(addComputer("PC-" + i, i % 2 == 0 ? 4096 : 4098));
        }
        ExecutorService threads = Executors.newFixedThreadPool(12);
        try {
            List<Future<DirectoryAnswer>> answers = new ArrayList<>();
            for (int round = 0; round < 20; round++) {
                for (UUID device : devices) {
                    answers.add(threads.submit(() -> directory.lookup(DEVICE, device)));
                }
            }
            for (int i = 0; i < answers.size(); i++) {
                assertThat(answers.get(i).get()).isEqualTo(i % 2 == 0 ? ENABLED : DISABLED);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void theUserLookupResolvesToTheSameObject() throws Exception {
        UUID alice = addUser("Alice", "alice@example.com", 512);

        Optional<UUID> resolved = directory.findUserByPrincipalName("alice@example.com");

        assertThat(resolved).contains(alice);
        assertThat(directory.lookup(USER, resolved.orElseThrow())).isEqualTo(ENABLED);
    }

    @Test
    void aServerMessageThatEchoesThePasswordIsRedacted() {
        assertThat(LdapConnectionPools.redact("bind failed for s3cret: s3cret", "s3cret")).isEqualTo("bind failed for ***: ***");
        assertThat(LdapConnectionPools.redact("anonymous", null)).isEqualTo("anonymous");
    }

    private static String stackTrace(Throwable e) {
        StringWriter out = new StringWriter();
        e.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    @Test
    void aUsersObjectSidIsReadInItsTextForm() throws Exception {
        UUID id = UUID.randomUUID();
        Entry entry = new Entry("CN=sid-user,ou=users," + BASE_DN);
        entry.addAttribute("objectClass", "top", "user");
        entry.addAttribute("cn", "sid-user");
        entry.addAttribute(TestDirectoryServer.binary("objectGUID", GuidFormat.dotNetBytes(id)));
        // S-1-5-21-1004336348-1177238915-682003330-1172 as Active Directory stores it: revision,
        // sub-authority count, 48-bit authority big-endian, sub-authorities little-endian.
        entry.addAttribute(TestDirectoryServer.binary("objectSid",
                java.util.HexFormat.of().parseHex("010500000000000515000000dcf4dc3b833d2b46828ba62894040000")));
        server.add(entry);
        assertThat(directory.securityIdentifier(DirectoryObjectType.USER, id)).contains("S-1-5-21-1004336348-1177238915-682003330-1172");
        assertThat(directory.securityIdentifier(DirectoryObjectType.USER, UUID.randomUUID())).isEmpty();
        UUID noSid = addComputer("no-sid", 4096);
        assertThat(directory.securityIdentifier(DirectoryObjectType.DEVICE, noSid)).isEmpty();
        assertThat(LdapObjectMapping.sidText(new byte[] {1, 2, 0})).isEmpty();
    }
}
