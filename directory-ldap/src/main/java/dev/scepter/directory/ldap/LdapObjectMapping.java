package dev.scepter.directory.ldap;

import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.SearchResultEntry;
import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.directory.DirectoryUnavailableException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * How the {@link LdapDirectory}'s objects look on this server: the search filters that find a
 * device or a user (by GUID or by principal name), the attributes asked for, and how those
 * attributes read. Everything a server of another kind changes (Active Directory, OpenLDAP, 389
 * Directory Server) is decided here, from {@link LdapDirectorySettings}; the directory only
 * searches.
 */
final class LdapObjectMapping {

    /** Asks for no attribute at all (RFC 4511 section 4.5.1.8): only whether an entry is there. */
    static final String NO_ATTRIBUTES = "1.1";
    static final String OBJECT_SID = "objectSid";

    private final LdapDirectorySettings settings;
    private final Filter deviceFilter;
    private final Filter userFilter;
    private final Filter disabledFilter;

    LdapObjectMapping(LdapDirectorySettings settings) {
        this.settings = settings;
        this.deviceFilter = parse(settings.deviceFilter());
        this.userFilter = parse(settings.userFilter());
        this.disabledFilter = settings.usesAccountControl() ? null : parse(settings.disabledFilter());
    }

    /** The object of this kind with this GUID: the kind's filter and the GUID as its attribute stores it. */
    Filter byObjectId(DirectoryObjectType type, UUID objectId) {
        return Filter.createANDFilter(
                keptAs(type) == DirectoryObjectType.DEVICE ? deviceFilter : userFilter,
                settings.guidFormat().equalityFilter(settings.guidAttribute(), objectId));
    }

    /** The user with this principal name. */
    Filter byPrincipalName(String userPrincipalName) {
        // The value travels as an assertion value, never spliced into filter text (RFC 4515 section 3).
        return Filter.createANDFilter(userFilter,
                Filter.createEqualityFilter(settings.upnAttribute(), userPrincipalName));
    }

    /** An object as messages name it: the kind it is kept as, and its GUID. */
    static String describe(DirectoryObjectType type, UUID objectId) {
        return keptAs(type).name().toLowerCase(Locale.ROOT) + " " + objectId;
    }

    /** What a lookup reads of the object found: userAccountControl, or nothing when the disabled filter decides. */
    String[] stateAttributes() {
        return settings.usesAccountControl()
                ? new String[] {LdapDirectorySettings.ACCOUNT_CONTROL_ATTRIBUTE}
                : new String[] {NO_ATTRIBUTES};
    }

    /** The filter that a disabled object matches; {@code null} when userAccountControl decides. */
    Filter disabledFilter() {
        return disabledFilter;
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
            // Jamf Pro answers for its own objects (the server routes them there); this directory keeps none.
            case JAMF_COMPUTER, JAMF_MOBILE_DEVICE, JAMF_USER, JAMF_USER_ON_COMPUTER, JAMF_USER_ON_MOBILE_DEVICE ->
                    throw new IllegalArgumentException("this directory keeps no Jamf Pro objects (" + type + ")");
        };
    }

    /**
     * Active Directory: ACCOUNTDISABLE in userAccountControl; no such attribute means not disabled.
     *
     * @param what        the object as messages name it
     * @param description the directory as messages name it
     */
    static boolean accountDisabled(SearchResultEntry entry, String what, String description) {
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
        ByteBuffer subAuthorities = ByteBuffer.wrap(sid, 8, sid.length - 8).order(ByteOrder.LITTLE_ENDIAN);
        while (subAuthorities.hasRemaining()) {
            text.append('-').append(Integer.toUnsignedLong(subAuthorities.getInt()));
        }
        return Optional.of(text.toString());
    }

    private static Filter parse(String filter) {
        try {
            return Filter.create(filter);
        } catch (LDAPException e) {
            throw new IllegalArgumentException("not an LDAP filter: " + filter, e);
        }
    }
}
