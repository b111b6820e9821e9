package dev.scepter.directory.ldap;

import static dev.scepter.authority.directory.DirectoryAnswer.DISABLED;
import static dev.scepter.authority.directory.DirectoryAnswer.ENABLED;
import static dev.scepter.authority.directory.DirectoryAnswer.NOT_FOUND;
import static dev.scepter.authority.directory.DirectoryObjectType.DEVICE;
import static dev.scepter.authority.directory.DirectoryObjectType.INTUNE_DEVICE;
import static dev.scepter.authority.directory.DirectoryObjectType.USER;
import static dev.scepter.directory.ldap.TestDirectoryServer.BASE_DN;
import static dev.scepter.directory.ldap.TestDirectoryServer.BIND_DN;
import static dev.scepter.directory.ldap.TestDirectoryServer.BIND_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.unboundid.ldap.sdk.Entry;
import dev.scepter.authority.directory.DirectoryUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LdapDirectory} set up for a server other than Active Directory: GUIDs are the
 * server-assigned {@code entryUUID} (RFC 4530, string form), devices are {@code device} and users
 * {@code inetOrgPerson} entries, the principal name is {@code mail}, and an object is disabled when
 * it matches {@code (nsAccountLock=TRUE)} (389 Directory Server's rule).
 */
class OpenLdapStyleTest {

    private TestDirectoryServer server;
    private LdapDirectory directory;

    @BeforeEach
    void start() throws Exception {
        server = TestDirectoryServer.start();
        directory = LdapDirectory.open(new LdapDirectorySettings(List.of(server.url()), BIND_DN, BIND_PASSWORD, BASE_DN,
                Duration.ofSeconds(2), Duration.ofSeconds(2), 2, null,
                "entryUUID", GuidFormat.RFC4122_STRING, "(objectClass=device)", "(objectClass=inetOrgPerson)", "mail",
                "(nsAccountLock=TRUE)"));
    }

    @AfterEach
    void stop() {
        directory.close();
        server.close();
    }

    /** Adds a device; {@code locked} null leaves nsAccountLock out. */
    private UUID addDevice(String name, Boolean locked) throws Exception {
        String dn = "cn=" + name + ",ou=computers," + BASE_DN;
        Entry entry = new Entry(dn);
        entry.addAttribute("objectClass", "top", "device", "scepterTestAccount");
        entry.addAttribute("cn", name);
        if (locked != null) {
            entry.addAttribute("nsAccountLock", locked ? "TRUE" : "FALSE");
        }
        server.add(entry);
        return UUID.fromString(server.entryUuid(dn));
    }

    private UUID addUser(String uid, String mail, Boolean locked) throws Exception {
        String dn = "uid=" + uid + ",ou=users," + BASE_DN;
        Entry entry = new Entry(dn);
        entry.addAttribute("objectClass", "top", "person", "organizationalPerson", "inetOrgPerson", "scepterTestAccount");
        entry.addAttribute("uid", uid);
        entry.addAttribute("cn", uid);
        entry.addAttribute("sn", uid);
        entry.addAttribute("mail", mail);
        if (locked != null) {
            entry.addAttribute("nsAccountLock", locked ? "TRUE" : "FALSE");
        }
        server.add(entry);
        return UUID.fromString(server.entryUuid(dn));
    }

    @Test
    void theDisabledFilterDecides() throws Exception {
        UUID plain = addDevice("laptop-1", null);
        UUID unlocked = addDevice("laptop-2", false);
        UUID locked = addDevice("laptop-3", true);

        assertThat(directory.lookup(DEVICE, plain)).isEqualTo(ENABLED);
        assertThat(directory.lookup(DEVICE, unlocked)).isEqualTo(ENABLED);
        assertThat(directory.lookup(DEVICE, locked)).isEqualTo(DISABLED);
    }

    @Test
    void usersToo() throws Exception {
        UUID alice = addUser("alice", "alice@example.com", null);
        UUID bob = addUser("bob", "bob@example.com", true);

        assertThat(directory.lookup(USER, alice)).isEqualTo(ENABLED);
        assertThat(directory.lookup(USER, bob)).isEqualTo(DISABLED);
        assertThat(directory.lookup(DEVICE, alice)).isEqualTo(NOT_FOUND);
    }

    @Test
    void anIntuneDeviceIdIsLookedUpAsADeviceAsBefore() throws Exception {
        // LDAP keeps no Intune ids: an Intune-bound (0x41) certificate's id is looked up with the
        // device filter, as it was before the kinds were told apart.
        UUID unlocked = addDevice("laptop-1", false);
        UUID locked = addDevice("laptop-2", true);
        UUID alice = addUser("alice", "alice@example.com", null);

        assertThat(directory.lookup(INTUNE_DEVICE, unlocked)).isEqualTo(ENABLED);
        assertThat(directory.lookup(INTUNE_DEVICE, locked)).isEqualTo(DISABLED);
        assertThat(directory.lookup(INTUNE_DEVICE, alice)).as("not among users").isEqualTo(NOT_FOUND);
    }

    @Test
    void aDeletedObjectIsNotFound() throws Exception {
        UUID id = addDevice("laptop-1", null);
        server.delete("cn=laptop-1,ou=computers," + BASE_DN);

        assertThat(directory.lookup(DEVICE, id)).isEqualTo(NOT_FOUND);
        assertThat(directory.lookup(USER, UUID.randomUUID())).isEqualTo(NOT_FOUND);
    }

    @Test
    void resolvesThePrincipalNameToTheEntryUuid() throws Exception {
        UUID alice = addUser("alice", "alice@example.com", null);

        assertThat(directory.findUserByPrincipalName("alice@example.com")).contains(alice);
        assertThat(directory.findUserByPrincipalName("*")).isEmpty();
        assertThat(directory.findUserByPrincipalName("*)(mail=*")).isEmpty();
        assertThat(directory.findUserByPrincipalName("nobody@example.com")).isEmpty();
    }

    @Test
    void aChangeIsSeenOnTheNextLookup() throws Exception {
        UUID id = addUser("alice", "alice@example.com", null);
        String dn = "uid=alice,ou=users," + BASE_DN;
        assertThat(directory.lookup(USER, id)).isEqualTo(ENABLED);

        server.replace(dn, "nsAccountLock", "TRUE");
        assertThat(directory.lookup(USER, id)).isEqualTo(DISABLED);

        server.replace(dn, "nsAccountLock", "FALSE");
        assertThat(directory.lookup(USER, id)).isEqualTo(ENABLED);

        server.delete(dn);
        assertThat(directory.lookup(USER, id)).isEqualTo(NOT_FOUND);
    }

    @Test
    void aStoppedServerIsUnavailable() throws Exception {
        UUID id = addDevice("laptop-1", true);
        server.stop();

        assertThatThrownBy(() -> directory.lookup(DEVICE, id)).isInstanceOf(DirectoryUnavailableException.class);
    }
}
