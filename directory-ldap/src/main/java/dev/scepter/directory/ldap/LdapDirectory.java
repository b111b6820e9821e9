package dev.scepter.directory.ldap;

import com.unboundid.ldap.sdk.DereferencePolicy;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import dev.scepter.authority.directory.Directory;
import dev.scepter.authority.directory.DirectoryAnswer;
import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.directory.DirectoryUnavailableException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
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
    /** Active Directory's owner of a computer object ("Managed By" in its console), a DN. */
    static final String MANAGED_BY = "managedBy";

    private final LdapDirectorySettings settings;
    private final LDAPConnectionPool pool;
    private final String description;
    private final LdapObjectMapping mapping;

    private LdapDirectory(LdapDirectorySettings settings, LDAPConnectionPool pool, String description) {
        this.settings = settings;
        this.pool = pool;
        this.description = description;
        this.mapping = new LdapObjectMapping(settings);
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
        LdapDirectory directory = new LdapDirectory(settings, LdapConnectionPools.open(settings, description), description);
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
        String what = LdapObjectMapping.describe(type, objectId);
        Optional<SearchResultEntry> found = searchOne(settings.baseDn(), SearchScope.SUB, mapping.byObjectId(type, objectId),
                what, mapping.stateAttributes());
        if (found.isEmpty()) {
            return DirectoryAnswer.NOT_FOUND;
        }
        SearchResultEntry entry = found.get();
        boolean disabled = settings.usesAccountControl()
                ? LdapObjectMapping.accountDisabled(entry, what, description)
                : matchesDisabled(entry, what);
        return disabled ? DirectoryAnswer.DISABLED : DirectoryAnswer.ENABLED;
    }

    /**
     * Active Directory's {@code objectSid} (binary, MS-DTYP section 2.4.2.2) in its text form, for
     * the SID extension; empty when the object or the attribute is not there (other servers).
     */
    @Override
    public Optional<String> securityIdentifier(DirectoryObjectType type, UUID objectId) {
        String what = LdapObjectMapping.describe(type, objectId);
        Optional<SearchResultEntry> found = searchOne(settings.baseDn(), SearchScope.SUB, mapping.byObjectId(type, objectId),
                what, LdapObjectMapping.OBJECT_SID);
        return found.map(entry -> entry.getAttributeValueBytes(LdapObjectMapping.OBJECT_SID)).flatMap(LdapObjectMapping::sidText);
    }

    @Override
    public Optional<UUID> findUserByPrincipalName(String userPrincipalName) {
        Objects.requireNonNull(userPrincipalName, "userPrincipalName");
        if (userPrincipalName.isBlank()) {
            return Optional.empty();
        }
        String what = "user " + userPrincipalName;
        Optional<SearchResultEntry> found = searchOne(settings.baseDn(), SearchScope.SUB, mapping.byPrincipalName(userPrincipalName),
                what, settings.guidAttribute());
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

    /**
     * Self-service's question, as Active Directory records a computer's owner: the device's
     * {@code managedBy} (a DN) names the user's entry (compared as DNs, so case and spacing do
     * not count). A device or user not found, or a device without {@code managedBy}, is no owner.
     * Entra ID's registered owners are not synchronised into Active Directory, so on-premises a
     * computer is owned only where an admin set its "Managed By".
     */
    @Override
    public boolean isRegisteredOwner(DirectoryObjectType deviceType, UUID deviceId, UUID userId) {
        Objects.requireNonNull(deviceType, "deviceType");
        if (deviceType != DirectoryObjectType.DEVICE && deviceType != DirectoryObjectType.INTUNE_DEVICE) {
            return false;
        }
        String what = LdapObjectMapping.describe(deviceType, deviceId);
        Optional<String> managedBy = searchOne(settings.baseDn(), SearchScope.SUB, mapping.byObjectId(deviceType, deviceId), what,
                MANAGED_BY).map(device -> device.getAttributeValue(MANAGED_BY));
        if (managedBy.isEmpty()) {
            return false;
        }
        String user = LdapObjectMapping.describe(DirectoryObjectType.USER, userId);
        Optional<SearchResultEntry> owner = searchOne(settings.baseDn(), SearchScope.SUB, mapping.byObjectId(DirectoryObjectType.USER, userId),
                user, LdapObjectMapping.NO_ATTRIBUTES);
        if (owner.isEmpty()) {
            return false;
        }
        try {
            return new DN(managedBy.get()).equals(owner.get().getParsedDN());
        } catch (LDAPException e) {
            // A managedBy that is no DN names nobody; the server returned the user's DN, so it parses.
            return false;
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
            base = pool.getEntry(settings.baseDn(), LdapObjectMapping.NO_ATTRIBUTES);
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

    /** Other servers: the server evaluates the disabled filter on the object found (its own matching rules apply). */
    private boolean matchesDisabled(SearchResultEntry entry, String what) {
        return searchOne(entry.getDN(), SearchScope.BASE, mapping.disabledFilter(), what, LdapObjectMapping.NO_ATTRIBUTES).isPresent();
    }

    private int timeLimitSeconds() {
        return (int) Math.max(1, (settings.responseTimeout().toMillis() + 999) / 1000);
    }

    private DirectoryUnavailableException unavailable(String doing, LDAPException e) {
        return new DirectoryUnavailableException(LdapConnectionPools.failure(settings, description, doing, e), e);
    }
}
