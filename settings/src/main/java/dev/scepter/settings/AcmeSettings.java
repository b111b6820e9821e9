package dev.scepter.settings;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * ACME's settings ({@code AppConfig:Acme:*}): whether {@code /acme/default/} is served and which
 * identifiers its one profile, {@code default}, may certify.
 *
 * @param enabled            whether ACME is served at all
 * @param dnsSuffixes        DNS names the profile may certify: a name equal to a suffix or ending in {@code .suffix}
 * @param ipRanges           IP ranges (CIDR, e.g. {@code 127.0.0.0/8}) whose addresses the profile may certify
 * @param validityPeriodDays the validity of ACME certificates, in days
 * @param http01Port         the port HTTP-01 validation connects to (RFC 8555 section 8.3 says 80; other ports are for tests)
 * @param tlsAlpn01Port      the port TLS-ALPN-01 validation connects to (RFC 8737 section 3 says 443; other ports are for tests)
 * @param dns01LookupCommand the program DNS-01 validation asks for the TXT values of {@code _acme-challenge.NAME}, or empty
 *                           for a DNS lookup of its own
 * @param allowWildcards     whether the profile certifies wildcard names ({@code *.example.com}), which only DNS-01 validates
 * @param externalAccountRequired whether a new account must be bound to an external account (RFC 8555 section 7.3.4)
 * @param externalAccountKeysFile the file of external accounts' MAC keys, one {@code KEY-ID BASE64URL-KEY} a line
 */
public record AcmeSettings(boolean enabled, List<String> dnsSuffixes, List<String> ipRanges, int validityPeriodDays, int http01Port,
        int tlsAlpn01Port, Optional<String> dns01LookupCommand, boolean allowWildcards, boolean externalAccountRequired, Optional<String> externalAccountKeysFile) {

    private static final Pattern DNS_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,62})(\\.[a-z0-9]([a-z0-9-]{0,62}))*");
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    public AcmeSettings {
        dnsSuffixes = List.copyOf(dnsSuffixes);
        ipRanges = List.copyOf(ipRanges);
    }

    static AcmeSettings bind(SettingsBinder binder) {
        boolean externalAccountRequired = binder.bool(Setting.ACME_EXTERNAL_ACCOUNT_REQUIRED);
        Optional<String> externalAccountKeysFile = binder.optional(Setting.ACME_EXTERNAL_ACCOUNT_KEYS_FILE, AcmeSettings::parseFile);
        if (externalAccountRequired && externalAccountKeysFile.isEmpty() && binder.given(Setting.ACME_EXTERNAL_ACCOUNT_KEYS_FILE).isEmpty()) {
            binder.reject(Setting.ACME_EXTERNAL_ACCOUNT_REQUIRED, Setting.ACME_EXTERNAL_ACCOUNT_REQUIRED.key()
                    + " needs AppConfig:Acme:ExternalAccountKeysFile: without keys no account could register");
        }
        return new AcmeSettings(
                binder.bool(Setting.ACME_ENABLED),
                binder.optional(Setting.ACME_DNS_SUFFIXES, AcmeSettings::parseDnsSuffixes).orElse(List.of()),
                binder.optional(Setting.ACME_IP_RANGES, AcmeSettings::parseIpRanges).orElse(List.of()),
                binder.required(Setting.ACME_VALIDITY_PERIOD_DAYS, SettingParsers.wholeNumber(1, 3650)),
                binder.required(Setting.ACME_HTTP01_PORT, SettingParsers.wholeNumber(1, 65535)),
                binder.required(Setting.ACME_TLS_ALPN01_PORT, SettingParsers.wholeNumber(1, 65535)),
                binder.optional(Setting.ACME_DNS01_LOOKUP_COMMAND, AcmeSettings::parseCommand),
                binder.bool(Setting.ACME_ALLOW_WILDCARDS),
                externalAccountRequired,
                externalAccountKeysFile);
    }

    /** A file's absolute path: the working directory of a service is no place to look for it. */
    static String parseFile(String value) {
        String path = value.strip();
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("'" + path + "' is not an absolute path");
        }
        return path;
    }

    /** A program's absolute path, run without a shell: a relative one would depend on the working directory. */
    static String parseCommand(String value) {
        String path = value.strip();
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("'" + path + "' is not an absolute path to a program (it is run without a shell, with the name as its one argument)");
        }
        // Checked now, not at the first DNS-01 order, where a client would be told "dns" for our mistake.
        if (!java.nio.file.Files.isRegularFile(java.nio.file.Path.of(path))) {
            throw new IllegalArgumentException("'" + path + "' is not a file");
        }
        if (!java.nio.file.Files.isExecutable(java.nio.file.Path.of(path))) {
            throw new IllegalArgumentException("'" + path + "' is not executable by this service's user");
        }
        return path;
    }

    static List<String> parseDnsSuffixes(String value) {
        List<String> suffixes = SettingParsers.list(value).stream().map(s -> s.toLowerCase(Locale.ROOT))
                .map(s -> s.startsWith(".") ? s.substring(1) : s).toList();
        for (String suffix : suffixes) {
            if (!DNS_NAME.matcher(suffix).matches()) {
                throw new IllegalArgumentException("'" + suffix + "' is not a DNS name (letters, digits, '-' and '.')");
            }
        }
        return suffixes;
    }

    static List<String> parseIpRanges(String value) {
        List<String> ranges = SettingParsers.list(value);
        for (String range : ranges) {
            int slash = range.indexOf('/');
            String address = slash < 0 ? range : range.substring(0, slash);
            if (!IP_LITERAL.matcher(address).matches()) {
                throw new IllegalArgumentException("'" + range + "' is not an IP range (address/prefix, e.g. 10.0.0.0/8)");
            }
            try {
                int bits = InetAddress.getByName(address).getAddress().length * 8;
                int prefix = slash < 0 ? bits : Integer.parseInt(range.substring(slash + 1));
                if (prefix < 0 || prefix > bits) {
                    throw new IllegalArgumentException("'" + range + "': the prefix is 0 to " + bits);
                }
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("'" + range + "' is not an IP range (address/prefix, e.g. 10.0.0.0/8)");
            }
        }
        return ranges;
    }

    /** The one profile's name in this version. */
    public static final String DEFAULT_PROFILE = "default";

    @Override
    public String toString() {
        return "AcmeSettings[enabled=" + enabled + ", dnsSuffixes=" + dnsSuffixes + ", ipRanges=" + ipRanges + ", validityPeriodDays="
                + validityPeriodDays + ", http01Port=" + http01Port + ", tlsAlpn01Port=" + tlsAlpn01Port + ", dns01LookupCommand=" + dns01LookupCommand + ", allowWildcards="
                + allowWildcards + ", externalAccountRequired=" + externalAccountRequired + ", externalAccountKeysFile=" + externalAccountKeysFile + "]";
    }

    /** Whether a given profile name is served. */
    public Optional<String> profile(String name) {
        return enabled && DEFAULT_PROFILE.equals(name) ? Optional.of(name) : Optional.empty();
    }
}
