package dev.scepter.directory.ldap;

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
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import javax.net.ssl.SSLContext;

/**
 * A real LDAP server on loopback: UnboundID's in-memory directory server, with the standard
 * schema plus the Active Directory and 389 attributes in {@code test-schema.ldif}. Like Active
 * Directory, it answers searches only after a bind. Entries are written straight into the store.
 */
final class TestDirectoryServer implements AutoCloseable {

    static final String BASE_DN = "dc=example,dc=com";
    static final String BIND_DN = "cn=scepter,ou=service,dc=example,dc=com";
    static final String BIND_PASSWORD = "Correct-Horse-Battery-9!";

    private final InMemoryDirectoryServer server;
    private final String scheme;
    private final int port;

    private TestDirectoryServer(InMemoryDirectoryServer server, String scheme, int port) {
        this.server = server;
        this.scheme = scheme;
        this.port = port;
    }

    /** A plain LDAP server. */
    static TestDirectoryServer start() throws LDAPException {
        int port = freePort();
        return start("ldap", port, InMemoryListenerConfig.createLDAPConfig("LDAP", InetAddress.getLoopbackAddress(), port, null));
    }

    /** An LDAPS server presenting the key and certificate in {@code tls}. */
    static TestDirectoryServer startTls(SSLContext tls) throws LDAPException {
        int port = freePort();
        return start("ldaps", port, InMemoryListenerConfig.createLDAPSConfig("LDAPS", InetAddress.getLoopbackAddress(), port,
                tls.getServerSocketFactory(), null));
    }

    private static TestDirectoryServer start(String scheme, int port, InMemoryListenerConfig listener) throws LDAPException {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE_DN);
        config.setSchema(Schema.mergeSchemas(Schema.getDefaultStandardSchema(), testSchema()));
        config.addAdditionalBindCredentials(BIND_DN, BIND_PASSWORD);
        config.setAuthenticationRequiredOperationTypes(OperationType.SEARCH, OperationType.COMPARE);
        config.setListenerConfigs(listener);
        InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
        server.add(new Entry(BASE_DN, new Attribute("objectClass", "top", "domain"), new Attribute("dc", "example")));
        server.add(new Entry("ou=computers," + BASE_DN, new Attribute("objectClass", "organizationalUnit"),
                new Attribute("ou", "computers")));
        server.add(new Entry("ou=users," + BASE_DN, new Attribute("objectClass", "organizationalUnit"),
                new Attribute("ou", "users")));
        server.startListening();
        return new TestDirectoryServer(server, scheme, port);
    }

    String url() {
        return scheme + "://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    void add(Entry entry) throws LDAPException {
        server.add(entry);
    }

    void replace(String dn, String attribute, String value) throws LDAPException {
        server.modify(dn, new Modification(ModificationType.REPLACE, attribute, value));
    }

    void delete(String dn) throws LDAPException {
        server.delete(dn);
    }

    /** The entryUUID the server generated for an entry (RFC 4530). */
    String entryUuid(String dn) throws LDAPException {
        return server.getEntry(dn, "entryUUID").getAttributeValue("entryUUID");
    }

    /** Stops listening and drops every connection, as a server that goes down. */
    void stop() {
        server.shutDown(true);
    }

    /** Listens again on the same port, with the same entries. */
    void restart() throws LDAPException {
        server.startListening();
    }

    @Override
    public void close() {
        server.shutDown(true);
    }

    /** A loopback port nothing listens on (as long as nobody takes it meanwhile). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Attribute binary(String name, byte[] value) {
        return new Attribute(name, value);
    }

    private static Schema testSchema() {
        try (InputStream in = TestDirectoryServer.class.getResourceAsStream("/test-schema.ldif")) {
            return Schema.getSchema(in);
        } catch (IOException | com.unboundid.ldif.LDIFException e) {
            throw new IllegalStateException("cannot read test-schema.ldif", e);
        }
    }
}
