package dev.scepter.directory.ldap;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * How to reach an LDAP directory and read device and user state from it. The server binds it
 * from {@code AppConfig:LDAP:*}; a {@code null} component takes the default documented on it,
 * which suits Active Directory. The constructor checks every component and names the one that is
 * wrong. The bind password is a secret: {@link #toString()} and every message leave it out.
 *
 * @param urls            {@code ldap://host[:port]} or {@code ldaps://host[:port]}, tried in this
 *                        order (failover); all with the same scheme, so a failover never drops to
 *                        cleartext
 * @param bindDn          the DN (or, on Active Directory, {@code user@domain}) to bind as; {@code null}
 *                        or blank binds anonymously
 * @param bindPassword    the bind password; required with {@code bindDn}
 * @param baseDn          the subtree searched for devices and users
 * @param connectTimeout  how long to wait for a TCP (and TLS) connection; default 5 s
 * @param responseTimeout how long to wait for an answer, and for a free pooled connection; default 5 s
 * @param poolSize        the most connections held open at once; at least 1 (default 10)
 * @param caFile          PEM file of the CA certificate(s) trusted for {@code ldaps://}; {@code null}
 *                        trusts the JVM's CAs. The server's certificate must also name the host
 *                        in the URL.
 * @param guidAttribute   the attribute holding an object's GUID; default {@code objectGUID}
 * @param guidFormat      how that attribute stores it; default {@link GuidFormat#DOTNET_BINARY}
 * @param deviceFilter    what a device is; default {@code (objectClass=computer)}
 * @param userFilter      what a user is; default {@code (objectClass=user)}
 * @param upnAttribute    the user's principal name; default {@code userPrincipalName}
 * @param disabledFilter  a filter that matches a disabled object (for example
 *                        {@code (nsAccountLock=TRUE)} on 389 Directory Server or
 *                        {@code (pwdAccountLockedTime=*)} on OpenLDAP); {@code null} or blank:
 *                        Active Directory's rule, {@code userAccountControl} has ACCOUNTDISABLE (0x2)
 */
public record LdapDirectorySettings(
        List<String> urls,
        String bindDn,
        String bindPassword,
        String baseDn,
        Duration connectTimeout,
        Duration responseTimeout,
        int poolSize,
        Path caFile,
        String guidAttribute,
        GuidFormat guidFormat,
        String deviceFilter,
        String userFilter,
        String upnAttribute,
        String disabledFilter) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_POOL_SIZE = 10;
    public static final String DEFAULT_GUID_ATTRIBUTE = "objectGUID";
    public static final GuidFormat DEFAULT_GUID_FORMAT = GuidFormat.DOTNET_BINARY;
    public static final String DEFAULT_DEVICE_FILTER = "(objectClass=computer)";
    public static final String DEFAULT_USER_FILTER = "(objectClass=user)";
    public static final String DEFAULT_UPN_ATTRIBUTE = "userPrincipalName";

    /** The settings this record binds from, by record component, in the order to document them. */
    public static final Map<String, String> SETTING_NAMES = settingNames();

    /** Active Directory's userAccountControl and its ACCOUNTDISABLE flag (MS-ADTS 2.2.16). */
    static final String ACCOUNT_CONTROL_ATTRIBUTE = "userAccountControl";
    static final long ACCOUNT_DISABLE = 0x2;

    /** An attribute description without options (RFC 4512 section 2.5): a name or an OID. */
    private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z][A-Za-z0-9-]*|\\d+(\\.\\d+)+");

    public LdapDirectorySettings {
        Objects.requireNonNull(urls, "urls");
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("urls: at least one ldap:// or ldaps:// URL is required");
        }
        urls = List.copyOf(urls.stream().map(String::strip).toList());
        String scheme = null;
        for (String url : urls) {
            String thisScheme = parseUrl(url).getScheme();
            if (scheme != null && !scheme.equals(thisScheme)) {
                throw new IllegalArgumentException("urls: mix ldap:// and ldaps://; use one scheme for all, "
                        + "so that a failover does not send the bind password in cleartext");
            }
            scheme = thisScheme;
        }
        bindDn = blankToNull(bindDn);
        if (bindDn != null && (bindPassword == null || bindPassword.isEmpty())) {
            throw new IllegalArgumentException("bindPassword: required with bindDn (an empty password is an "
                    + "unauthenticated bind, RFC 4513 section 5.1.2)");
        }
        if (bindDn == null && bindPassword != null && !bindPassword.isEmpty()) {
            throw new IllegalArgumentException("bindDn: required with bindPassword");
        }
        if (bindDn == null) {
            bindPassword = null;
        }
        if (baseDn == null || baseDn.isBlank() || !DN.isValidDN(baseDn)) {
            throw new IllegalArgumentException("baseDn: not a DN: " + baseDn);
        }
        baseDn = baseDn.strip();
        connectTimeout = positive("connectTimeout", connectTimeout, DEFAULT_CONNECT_TIMEOUT);
        responseTimeout = positive("responseTimeout", responseTimeout, DEFAULT_RESPONSE_TIMEOUT);
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize: at least 1, not " + poolSize);
        }
        if (caFile != null && !"ldaps".equals(scheme)) {
            throw new IllegalArgumentException("caFile: only for ldaps:// URLs");
        }
        guidAttribute = attribute("guidAttribute", guidAttribute, DEFAULT_GUID_ATTRIBUTE);
        guidFormat = guidFormat == null ? DEFAULT_GUID_FORMAT : guidFormat;
        deviceFilter = filter("deviceFilter", deviceFilter, DEFAULT_DEVICE_FILTER);
        userFilter = filter("userFilter", userFilter, DEFAULT_USER_FILTER);
        upnAttribute = attribute("upnAttribute", upnAttribute, DEFAULT_UPN_ATTRIBUTE);
        disabledFilter = blankToNull(disabledFilter) == null ? null : filter("disabledFilter", disabledFilter, null);
    }

    /** Active Directory's defaults for everything but where it is and who binds. */
    public static LdapDirectorySettings activeDirectory(List<String> urls, String bindDn, String bindPassword, String baseDn) {
        return new LdapDirectorySettings(urls, bindDn, bindPassword, baseDn, null, null, DEFAULT_POOL_SIZE,
                null, null, null, null, null, null, null);
    }

    /**
     * Binds the {@code AppConfig:LDAP:*} settings ({@link #SETTING_NAMES}); {@code setting} gives a
     * setting's value by name, empty when it is not set. Timeouts are in seconds; {@code Urls} is a
     * list separated by commas or spaces; {@code GuidFormat} is {@code DotNetBinary},
     * {@code Rfc4122Binary} or {@code Rfc4122String}.
     *
     * @throws IllegalArgumentException naming the setting that is missing or wrong
     */
    public static LdapDirectorySettings fromSettings(Function<String, Optional<String>> setting) {
        Objects.requireNonNull(setting, "setting");
        Function<String, String> value = component -> setting.apply(SETTING_NAMES.get(component))
                .map(String::strip).filter(v -> !v.isEmpty()).orElse(null);
        try {
            String urls = value.apply("urls");
            if (urls == null) {
                throw new IllegalArgumentException("urls: required");
            }
            String baseDn = value.apply("baseDn");
            if (baseDn == null) {
                throw new IllegalArgumentException("baseDn: required");
            }
            String caFile = value.apply("caFile");
            String poolSize = value.apply("poolSize");
            return new LdapDirectorySettings(
                    Arrays.stream(urls.split("[,\\s]+")).filter(u -> !u.isEmpty()).toList(),
                    value.apply("bindDn"),
                    value.apply("bindPassword"),
                    baseDn,
                    seconds("connectTimeout", value.apply("connectTimeout")),
                    seconds("responseTimeout", value.apply("responseTimeout")),
                    poolSize == null ? DEFAULT_POOL_SIZE : wholeNumber("poolSize", poolSize),
                    caFile == null ? null : Path.of(caFile),
                    value.apply("guidAttribute"),
                    guidFormat(value.apply("guidFormat")),
                    value.apply("deviceFilter"),
                    value.apply("userFilter"),
                    value.apply("upnAttribute"),
                    value.apply("disabledFilter"));
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            int colon = message == null ? -1 : message.indexOf(':');
            String key = colon < 0 ? null : SETTING_NAMES.get(message.substring(0, colon));
            if (key == null) {
                throw e;
            }
            throw new IllegalArgumentException(key + message.substring(colon), e.getCause());
        }
    }

    /** Whether the URLs are {@code ldaps://}. */
    public boolean tls() {
        return "ldaps".equals(parseUrl(urls.get(0)).getScheme());
    }

    /** Whether "disabled" is Active Directory's userAccountControl flag rather than {@link #disabledFilter}. */
    public boolean usesAccountControl() {
        return disabledFilter == null;
    }

    @Override
    public String toString() {
        return "LdapDirectorySettings[urls=" + urls + ", bindDn=" + bindDn
                + ", bindPassword=" + (bindPassword == null ? "(none)" : "***")
                + ", baseDn=" + baseDn + ", connectTimeout=" + connectTimeout + ", responseTimeout=" + responseTimeout
                + ", poolSize=" + poolSize + ", caFile=" + caFile + ", guidAttribute=" + guidAttribute
                + ", guidFormat=" + guidFormat + ", deviceFilter=" + deviceFilter + ", userFilter=" + userFilter
                + ", upnAttribute=" + upnAttribute + ", disabledFilter="
                + (disabledFilter == null ? "(userAccountControl & 0x2)" : disabledFilter) + "]";
    }

    static LDAPURL parseUrl(String url) {
        LDAPURL parsed;
        try {
            parsed = new LDAPURL(url);
        } catch (LDAPException e) {
            throw new IllegalArgumentException("urls: not an ldap:// or ldaps:// URL: " + url);
        }
        String scheme = parsed.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ldap") && !scheme.equals("ldaps")) {
            throw new IllegalArgumentException("urls: ldap:// or ldaps:// only, not " + url);
        }
        if (!parsed.hostProvided()) {
            throw new IllegalArgumentException("urls: no host in " + url);
        }
        if (parsed.baseDNProvided() || parsed.attributesProvided() || parsed.scopeProvided() || parsed.filterProvided()) {
            throw new IllegalArgumentException("urls: scheme, host and port only (the base DN is a setting of its own): " + url);
        }
        return parsed;
    }

    private static Map<String, String> settingNames() {
        Map<String, String> names = new LinkedHashMap<>();
        names.put("urls", "AppConfig:LDAP:Urls");
        names.put("bindDn", "AppConfig:LDAP:BindDn");
        names.put("bindPassword", "AppConfig:LDAP:BindPassword");
        names.put("baseDn", "AppConfig:LDAP:BaseDn");
        names.put("connectTimeout", "AppConfig:LDAP:ConnectTimeoutSeconds");
        names.put("responseTimeout", "AppConfig:LDAP:ResponseTimeoutSeconds");
        names.put("poolSize", "AppConfig:LDAP:PoolSize");
        names.put("caFile", "AppConfig:LDAP:CaFile");
        names.put("guidAttribute", "AppConfig:LDAP:GuidAttribute");
        names.put("guidFormat", "AppConfig:LDAP:GuidFormat");
        names.put("deviceFilter", "AppConfig:LDAP:DeviceFilter");
        names.put("userFilter", "AppConfig:LDAP:UserFilter");
        names.put("upnAttribute", "AppConfig:LDAP:UpnAttribute");
        names.put("disabledFilter", "AppConfig:LDAP:DisabledFilter");
        return Collections.unmodifiableMap(names);
    }

    private static Duration seconds(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            BigDecimal seconds = new BigDecimal(value);
            return Duration.ofMillis(seconds.movePointRight(3).longValueExact());
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(name + ": a number of seconds (to the millisecond), not " + value);
        }
    }

    private static int wholeNumber(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": a whole number, not " + value);
        }
    }

    private static GuidFormat guidFormat(String value) {
        if (value == null) {
            return null;
        }
        String normalized = value.replace("_", "").replace("-", "").toUpperCase(Locale.ROOT);
        for (GuidFormat format : GuidFormat.values()) {
            if (format.name().replace("_", "").equals(normalized)) {
                return format;
            }
        }
        throw new IllegalArgumentException("guidFormat: DotNetBinary, Rfc4122Binary or Rfc4122String, not " + value);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static Duration positive(String name, Duration value, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        if (value.isNegative() || value.isZero() || value.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": must be positive and under 24 days, not " + value);
        }
        return value;
    }

    private static String attribute(String name, String value, String fallback) {
        String attribute = blankToNull(value);
        if (attribute == null) {
            return fallback;
        }
        if (!ATTRIBUTE.matcher(attribute).matches()) {
            throw new IllegalArgumentException(name + ": not an attribute name: " + attribute);
        }
        return attribute;
    }

    private static String filter(String name, String value, String fallback) {
        String filter = blankToNull(value);
        if (filter == null) {
            return fallback;
        }
        try {
            return Filter.create(filter).toString();
        } catch (LDAPException e) {
            throw new IllegalArgumentException(name + ": not an LDAP filter (RFC 4515): " + filter, e);
        }
    }
}
