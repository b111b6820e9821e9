package dev.scepter.directory.ldap;

import com.unboundid.ldap.sdk.BindRequest;
import com.unboundid.ldap.sdk.DereferencePolicy;
import com.unboundid.ldap.sdk.FailoverServerSet;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.GetEntryLDAPConnectionPoolHealthCheck;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.OperationType;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.ServerSet;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.SingleServerSet;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;
import dev.scepter.authority.directory.Directory;
import dev.scepter.authority.directory.DirectoryAnswer;
import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.directory.DirectoryUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Directory} on an LDAP server: Active Directory by default, or OpenLDAP, 389
 * Directory Server and others through {@link LdapDirectorySettings}. Every call asks the server
 * afresh; the caller caches.
 *
 * <p>An object is found by its GUID under the base DN (subtree) and the device or user filter.
 * Found and matching the disabled rule: {@link DirectoryAnswer#DISABLED} (its certificates go on
 * hold); found otherwise: {@link DirectoryAnswer#ENABLED}; not found: {@link DirectoryAnswer#NOT_FOUND}
 * (revoked for good). Because not found is permanent, anything short of a clean search answer
 * (no connection, a timeout, a failed bind, a missing base DN, two objects with one GUID) is a
 * {@link DirectoryUnavailableException}, never not found.
 *
 * <p>Connections come from a pool with a health check that reads the base DN entry after each
 * bind and in the background; URLs after the first are failover servers. For {@code ldaps://} the
 * server's certificate must chain to a trusted CA and name the host in the URL.
 */
public final class LdapDirectory implements Directory, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LdapDirectory.class);

    private static final String OBJECT_SID = "objectSid";
    private static final Duration HEALTH_CHECK_INTERVAL = Duration.ofSeconds(30);
    /** Connections to a failover server are renewed after this, so the pool returns to the first server. */
    private static final Duration FAILOVER_CONNECTION_AGE = Duration.ofMinutes(15);
    private static final String NO_ATTRIBUTES = "1.1";

    private final LdapDirectorySettings settings;
    private final LDAPConnectionPool pool;
    private final String description;
    private final Filter deviceFilter;
    private final Filter userFilter;
    private final Filter disabledFilter;

    private LdapDirectory(LdapDirectorySettings settings, LDAPConnectionPool pool, String description) {
        this.settings = settings;
        this.pool = pool;
        this.description = description;
        this.deviceFilter = parse(settings.deviceFilter());
        this.userFilter = parse(settings.userFilter());
        this.disabledFilter = settings.usesAccountControl() ? null : parse(settings.disabledFilter());
    }

    /**
     * Sets up the connection pool. An unreachable server does not stop this (the directory may
     * come back; until then lookups throw {@link DirectoryUnavailableException}); it is logged.
     * Call {@link #check()} to fail at start-up instead.
     *
     * @throws IllegalArgumentException when the CA file cannot be read
     */
    public static LdapDirectory open(LdapDirectorySettings settings) {
        Objects.requireNonNull(settings, "settings");
        String description = "LDAP " + String.join(", ", settings.urls()) + " (base " + settings.baseDn() + ")";

        LDAPConnectionOptions options = new LDAPConnectionOptions();
        options.setConnectTimeoutMillis((int) settings.connectTimeout().toMillis());
        options.setResponseTimeoutMillis(settings.responseTimeout().toMillis());
        options.setAbandonOnTimeout(true);
        options.setFollowReferrals(false);
        SocketFactory socketFactory = null;
        if (settings.tls()) {
            socketFactory = tlsSocketFactory(settings.caFile());
            // JSSE checks the chain, not the name, on a plain SSLSocket: the name is checked here
            // (RFC 6125; the subject CN only when the certificate has no subject alternative name).
            options.setSSLSocketVerifier(new HostNameSSLSocketVerifier(true, false));
        }
        List<ServerSet> servers = new ArrayList<>();
        for (String url : settings.urls()) {
            LDAPURL parsed = LdapDirectorySettings.parseUrl(url);
            servers.add(new SingleServerSet(parsed.getHost(), parsed.getPort(), socketFactory, options));
        }
        FailoverServerSet serverSet = new FailoverServerSet(servers);
        serverSet.setMaxFailoverConnectionAgeMillis(FAILOVER_CONNECTION_AGE.toMillis());

        BindRequest bind = settings.bindDn() == null ? null : new SimpleBindRequest(settings.bindDn(), settings.bindPassword());
        GetEntryLDAPConnectionPoolHealthCheck healthCheck = new GetEntryLDAPConnectionPoolHealthCheck(
                settings.baseDn(), settings.responseTimeout().toMillis(),
                bind == null, // on create: only when no bind follows
                bind != null, // after the bind
                false, false, // not on each checkout or release
                true, // in the background
                true); // after an operation failed
        LDAPConnectionPool pool;
        try {
            pool = new LDAPConnectionPool(serverSet, bind, 1, settings.poolSize(), 1, null, false, healthCheck);
        } catch (LDAPException e) {
            // Only reachable with throwOnConnectFailure; kept so that nothing leaks unwrapped.
            throw new DirectoryUnavailableException(failure(settings, description, "cannot open the connection pool", e), e);
        }
        pool.setConnectionPoolName("scepter-directory");
        pool.setHealthCheckIntervalMillis(HEALTH_CHECK_INTERVAL.toMillis());
        pool.setRetryFailedOperationsDueToInvalidConnections(EnumSet.of(OperationType.SEARCH));
        // Bounded: when every connection is busy, wait up to the response timeout, then give up
        // rather than open connections without end.
        pool.setCreateIfNecessary(false);
        pool.setMaxWaitTimeMillis(settings.responseTimeout().toMillis());

        LdapDirectory directory = new LdapDirectory(settings, pool, description);
        log.info("Directory: {}; disabled when {}", description, settings.usesAccountControl()
                ? "userAccountControl has ACCOUNTDISABLE (0x2)" : "it matches " + settings.disabledFilter());
        if (settings.usesAccountControl() && settings.guidFormat() != GuidFormat.DOTNET_BINARY) {
            log.warn("Directory: userAccountControl decides \"disabled\", which only Active Directory has; "
                    + "set a disabled filter for other servers");
        }
        if (!settings.tls() && settings.bindDn() != null) {
            log.warn("Directory: the bind password goes to {} in cleartext; prefer ldaps://", settings.urls());
        }
        try {
            directory.check();
        } catch (DirectoryUnavailableException e) {
            log.warn("Directory: not available yet: {}", e.getMessage());
        }
        return directory;
    }

    @Override
    public DirectoryAnswer lookup(DirectoryObjectType type, UUID objectId) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(objectId, "objectId");
        DirectoryObjectType kept = keptAs(type);
        Filter filter = Filter.createANDFilter(
                kept == DirectoryObjectType.DEVICE ? deviceFilter : userFilter,
                settings.guidFormat().equalityFilter(settings.guidAttribute(), objectId));
        String what = kept.name().toLowerCase(Locale.ROOT) + " " + objectId;
        String[] attributes = settings.usesAccountControl()
                ? new String[] {LdapDirectorySettings.ACCOUNT_CONTROL_ATTRIBUTE}
                : new String[] {NO_ATTRIBUTES};
        Optional<SearchResultEntry> found = searchOne(settings.baseDn(), SearchScope.SUB, filter, what, attributes);
        if (found.isEmpty()) {
            return DirectoryAnswer.NOT_FOUND;
        }
        SearchResultEntry entry = found.get();
        boolean disabled = settings.usesAccountControl() ? accountDisabled(entry, what) : matchesDisabled(entry, what);
        return disabled ? DirectoryAnswer.DISABLED : DirectoryAnswer.ENABLED;
    }

    /**
     * Active Directory's {@code objectSid} (binary, MS-DTYP section 2.4.2.2) in its text form, for
     * the SID extension; empty when the object or the attribute is not there (other servers).
     */
    @Override
    public Optional<String> securityIdentifier(DirectoryObjectType type, UUID objectId) {
        DirectoryObjectType kept = keptAs(type);
        Filter filter = Filter.createANDFilter(
                kept == DirectoryObjectType.DEVICE ? deviceFilter : userFilter,
                settings.guidFormat().equalityFilter(settings.guidAttribute(), objectId));
        String what = kept.name().toLowerCase(Locale.ROOT) + " " + objectId;
        Optional<SearchResultEntry> found = searchOne(settings.baseDn(), SearchScope.SUB, filter, what, OBJECT_SID);
        return found.map(entry -> entry.getAttributeValueBytes(OBJECT_SID)).flatMap(LdapDirectory::sidText);
    }

    /**
     * The entries this directory keeps for a kind of id: devices or users. It holds no Intune ids,
     * so an Intune device id is looked up as a device (as before the kinds were told apart); a
     * domain controller is a computer object.
     */
    private static DirectoryObjectType keptAs(DirectoryObjectType type) {
        return switch (type) {
            case DEVICE, INTUNE_DEVICE, DOMAIN_CONTROLLER -> DirectoryObjectType.DEVICE;
            case USER -> DirectoryObjectType.USER;
        };
    }

    /** S-{revision}-{48-bit authority, big-endian}-{each 32-bit sub-authority, little-endian}; empty when malformed. */
    static Optional<String> sidText(byte[] sid) {
        if (sid == null || sid.length < 8 || sid.length != 8 + 4 * (sid[1] & 0xFF)) {
            return Optional.empty();
        }
        long authority = 0;
        for (int i = 2; i < 8; i++) {
            authority = (authority << 8) | (sid[i] & 0xFF);
        }
        StringBuilder text = new StringBuilder("S-").append(sid[0] & 0xFF).append('-').append(authority);
        java.nio.ByteBuffer subAuthorities = java.nio.ByteBuffer.wrap(sid, 8, sid.length - 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        while (subAuthorities.hasRemaining()) {
            text.append('-').append(Integer.toUnsignedLong(subAuthorities.getInt()));
        }
        return Optional.of(text.toString());
    }

    @Override
    public Optional<UUID> findUserByPrincipalName(String userPrincipalName) {
        Objects.requireNonNull(userPrincipalName, "userPrincipalName");
        if (userPrincipalName.isBlank()) {
            return Optional.empty();
        }
        // The value travels as an assertion value, never spliced into filter text (RFC 4515 section 3).
        Filter filter = Filter.createANDFilter(userFilter,
                Filter.createEqualityFilter(settings.upnAttribute(), userPrincipalName));
        String what = "user " + userPrincipalName;
        Optional<SearchResultEntry> found = searchOne(settings.baseDn(), SearchScope.SUB, filter, what,
                settings.guidAttribute());
        if (found.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(settings.guidFormat().read(found.get(), settings.guidAttribute()));
        } catch (IllegalArgumentException e) {
            throw new DirectoryUnavailableException(description + ": cannot read the GUID of " + what + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return description;
    }

    /**
     * Binds (on a pooled connection) and reads the base DN entry: what a health indicator asks.
     *
     * @throws DirectoryUnavailableException when that fails, saying why
     */
    public void check() {
        SearchResultEntry base;
        try {
            base = pool.getEntry(settings.baseDn(), NO_ATTRIBUTES);
        } catch (LDAPException e) {
            throw unavailable("cannot read the base DN", e);
        }
        if (base == null) {
            throw new DirectoryUnavailableException(description + ": the base DN does not exist or cannot be read", null);
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "LdapDirectory[" + description + "]";
    }

    /** The only entry that matches, if any; more than one is an error in the directory, not an answer. */
    private Optional<SearchResultEntry> searchOne(String base, SearchScope scope, Filter filter, String what,
            String... attributes) {
        SearchRequest request = new SearchRequest(base, scope, DereferencePolicy.NEVER, 2,
                timeLimitSeconds(), false, filter, attributes);
        SearchResult result;
        try {
            result = pool.search(request);
        } catch (LDAPSearchException e) {
            if (scope == SearchScope.BASE && e.getResultCode() == ResultCode.NO_SUCH_OBJECT) {
                return Optional.empty();
            }
            if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
                throw new DirectoryUnavailableException(description + ": more than one object matches " + what
                        + " (" + filter + "); the directory must hold it once", e);
            }
            throw unavailable("cannot search for " + what, e);
        }
        List<SearchResultEntry> entries = result.getSearchEntries();
        if (entries.size() > 1) {
            throw new DirectoryUnavailableException(description + ": more than one object matches " + what
                    + " (" + filter + "); the directory must hold it once", null);
        }
        return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(0));
    }

    /** Active Directory: ACCOUNTDISABLE in userAccountControl; no such attribute means not disabled. */
    private boolean accountDisabled(SearchResultEntry entry, String what) {
        String attribute = LdapDirectorySettings.ACCOUNT_CONTROL_ATTRIBUTE;
        if (!entry.hasAttribute(attribute)) {
            return false;
        }
        String value = entry.getAttributeValue(attribute).strip();
        long flags;
        try {
            flags = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new DirectoryUnavailableException(description + ": " + what + " (" + entry.getDN() + ") has "
                    + attribute + " '" + value + "', not a number", e);
        }
        return (flags & LdapDirectorySettings.ACCOUNT_DISABLE) != 0;
    }

    /** Other servers: the server evaluates the disabled filter on the object found (its own matching rules apply). */
    private boolean matchesDisabled(SearchResultEntry entry, String what) {
        return searchOne(entry.getDN(), SearchScope.BASE, disabledFilter, what, NO_ATTRIBUTES).isPresent();
    }

    private int timeLimitSeconds() {
        return (int) Math.max(1, (settings.responseTimeout().toMillis() + 999) / 1000);
    }

    private DirectoryUnavailableException unavailable(String doing, LDAPException e) {
        return new DirectoryUnavailableException(failure(settings, description, doing, e), e);
    }

    private static String failure(LdapDirectorySettings settings, String description, String doing, LDAPException e) {
        String reason = e.getResultCode() == ResultCode.INVALID_CREDENTIALS
                ? "the bind as " + settings.bindDn() + " was refused (invalid credentials)"
                : e.getResultCode().getName() + ": " + e.getMessage();
        return redact(description + ": " + doing + ": " + reason, settings.bindPassword());
    }

    /** Belt and braces: no server message may carry the password into ours. */
    static String redact(String message, String password) {
        if (password == null || password.isEmpty() || message == null) {
            return message;
        }
        return message.replace(password, "***");
    }

    private static Filter parse(String filter) {
        try {
            return Filter.create(filter);
        } catch (LDAPException e) {
            throw new IllegalArgumentException("not an LDAP filter: " + filter, e);
        }
    }

    private static SocketFactory tlsSocketFactory(Path caFile) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (caFile == null) {
                trust.init((KeyStore) null);
            } else {
                trust.init(trustStore(caFile));
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS trust"
                    + (caFile == null ? "" : " from " + caFile) + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore trustStore(Path caFile) throws GeneralSecurityException {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(caFile)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("caFile: cannot read " + caFile + ": " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("caFile: no certificate in " + caFile);
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        int i = 0;
        for (Certificate certificate : certificates) {
            store.setCertificateEntry("ca-" + i++, certificate);
        }
        return store;
    }
}
