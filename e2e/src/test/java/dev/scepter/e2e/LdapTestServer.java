package dev.scepter.e2e;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldap.sdk.OperationType;
import com.unboundid.ldap.sdk.schema.Schema;
import java.net.InetAddress;
import java.util.UUID;

/**
 * A real LDAP server in the test JVM, on 127.0.0.1 and a free port: UnboundID's
 * in-memory directory with the standard schema plus the few Active Directory attributes Scepter
 * reads (as directory-ldap's own tests set it up), holding AD-shaped computer objects: objectGUID
 * as 16 bytes in .NET order, userAccountControl with ACCOUNTDISABLE (0x2) for a disabled one. Like
 * Active Directory it answers searches only after a bind.
 */
final class LdapTestServer implements AutoCloseable {

    static final String BASE_DN = "dc=example,dc=com";
    static final String BIND_DN = "cn=scepter,ou=service,dc=example,dc=com";
    static final String BIND_PASSWORD = "Correct-Horse-Battery-9!";
    /** A workstation account, enabled (WORKSTATION_TRUST_ACCOUNT). */
    static final int ENABLED = 4096;
    /** The same with ACCOUNTDISABLE. */
    static final int DISABLED = 4098;

    /** MS-ADA1/MS-ADSC OIDs, as in directory-ldap's test-schema.ldif. */
    private static final String[] SCHEMA = {
        "dn: cn=schema",
        "objectClass: top",
        "objectClass: ldapSubentry",
        "objectClass: subschema",
        "cn: schema",
        "attributeTypes: ( 1.2.840.113556.1.4.2 NAME 'objectGUID' EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 SINGLE-VALUE )",
        "attributeTypes: ( 1.2.840.113556.1.4.8 NAME 'userAccountControl' EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )",
        "attributeTypes: ( 1.2.840.113556.1.4.656 NAME 'userPrincipalName' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )",
        "attributeTypes: ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName' EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )",
        "objectClasses: ( 1.2.840.113556.1.5.9 NAME 'user' SUP top STRUCTURAL MUST cn MAY ( objectGUID $ userAccountControl $ userPrincipalName $ sAMAccountName ) )",
        "objectClasses: ( 1.2.840.113556.1.3.30 NAME 'computer' SUP user STRUCTURAL )",
    };

    private final InMemoryDirectoryServer server;
    private final int port;

    private LdapTestServer(InMemoryDirectoryServer server, int port) {
        this.server = server;
        this.port = port;
    }

    static LdapTestServer start() throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE_DN);
        config.setSchema(Schema.mergeSchemas(Schema.getDefaultStandardSchema(), new Schema(new Entry(SCHEMA))));
        config.addAdditionalBindCredentials(BIND_DN, BIND_PASSWORD);
        config.setAuthenticationRequiredOperationTypes(OperationType.SEARCH, OperationType.COMPARE);
        // A fixed port (found free first), so that the server can stop and listen again where Scepter expects it.
        int port = freePort();
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("LDAP", InetAddress.getByName("127.0.0.1"), port, null));
        InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
        server.add(new Entry(BASE_DN, new Attribute("objectClass", "top", "domain"), new Attribute("dc", "example")));
        server.add(new Entry("ou=computers," + BASE_DN, new Attribute("objectClass", "organizationalUnit"), new Attribute("ou", "computers")));
        server.startListening();
        return new LdapTestServer(server, port);
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code ldap://127.0.0.1:PORT}. */
    String url() {
        return "ldap://127.0.0.1:" + port;
    }

    /** Adds a computer object with this objectGUID; @return its DN. */
    String addComputer(String name, UUID objectGuid, int userAccountControl) throws LDAPException {
        String dn = "CN=" + name + ",ou=computers," + BASE_DN;
        Entry entry = new Entry(dn);
        entry.addAttribute("objectClass", "top", "user", "computer");
        entry.addAttribute("cn", name);
        entry.addAttribute("sAMAccountName", name + "$");
        entry.addAttribute(new Attribute("objectGUID", OcspFixtures.dotNetBytes(objectGuid)));
        entry.addAttribute("userAccountControl", Integer.toString(userAccountControl));
        server.add(entry);
        return dn;
    }

    void setUserAccountControl(String dn, int value) throws LDAPException {
        server.modify(dn, new Modification(ModificationType.REPLACE, "userAccountControl", Integer.toString(value)));
    }

    void delete(String dn) throws LDAPException {
        server.delete(dn);
    }

    /** Stops listening and drops every connection, as a server that goes down. */
    void stopListening() {
        server.shutDown(true);
    }

    /** Listens again, on the same port, with the same entries. */
    void startListening() throws LDAPException {
        server.startListening();
    }

    @Override
    public void close() {
        server.shutDown(true);
    }
}
