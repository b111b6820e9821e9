package dev.scepter.settings;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * ACME's settings ({@code AppConfig:Acme:*}): whether ACME is served, which identifiers its profile
 * {@code default} ({@code /acme/default/}) may certify, and the profiles declared beside it
 * ({@code AppConfig:Acme:Profiles}, each with its own {@code AppConfig:Acme:Profiles:NAME:*}).
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
 * @param profiles           the profiles declared beside {@code default}, in the order declared
 */
public record AcmeSettings(boolean enabled, List<String> dnsSuffixes, List<String> ipRanges, int validityPeriodDays, int http01Port,
        int tlsAlpn01Port, Optional<String> dns01LookupCommand, boolean allowWildcards, boolean externalAccountRequired, Optional<String> externalAccountKeysFile,
        List<AcmeProfileSettings> profiles) {

    /** Where a declared profile's own settings are: {@code AppConfig:Acme:Profiles:NAME:X}. */
    public static final String PROFILES_PREFIX = "AppConfig:Acme:Profiles:";
    /** The settings a declared profile has of its own, as they are spelled. */
    static final List<String> PROFILE_SETTINGS = List.of("DnsSuffixes", "IpRanges", "AllowWildcards", "ValidityPeriodDays",
            "ExternalAccountRequired", "ExternalAccountKeysFile");
    /** A profile's name is a path segment and a Table Storage partition key's part: lower-case letters, digits and '-' only. */
    private static final Pattern PROFILE_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?");

    private static final Pattern DNS_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,62})(\\.[a-z0-9]([a-z0-9-]{0,62}))*");
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    public AcmeSettings {
        dnsSuffixes = List.copyOf(dnsSuffixes);
        ipRanges = List.copyOf(ipRanges);
        profiles = List.copyOf(profiles);
    }

    /** ACME with its {@code default} profile alone. */
    public AcmeSettings(boolean enabled, List<String> dnsSuffixes, List<String> ipRanges, int validityPeriodDays, int http01Port,
            int tlsAlpn01Port, Optional<String> dns01LookupCommand, boolean allowWildcards, boolean externalAccountRequired,
            Optional<String> externalAccountKeysFile) {
        this(enabled, dnsSuffixes, ipRanges, validityPeriodDays, http01Port, tlsAlpn01Port, dns01LookupCommand, allowWildcards,
                externalAccountRequired, externalAccountKeysFile, List.of());
    }

    static AcmeSettings bind(SettingsBinder binder) {
        boolean externalAccountRequired = binder.bool(Setting.ACME_EXTERNAL_ACCOUNT_REQUIRED);
        Optional<String> externalAccountKeysFile = binder.optional(Setting.ACME_EXTERNAL_ACCOUNT_KEYS_FILE, AcmeSettings::parseFile);
        if (externalAccountRequired && externalAccountKeysFile.isEmpty() && binder.given(Setting.ACME_EXTERNAL_ACCOUNT_KEYS_FILE).isEmpty()) {
            binder.reject(Setting.ACME_EXTERNAL_ACCOUNT_REQUIRED, Setting.ACME_EXTERNAL_ACCOUNT_REQUIRED.key()
                    + " needs AppConfig:Acme:ExternalAccountKeysFile: without keys no account could register");
        }
        int validityPeriodDays = binder.required(Setting.ACME_VALIDITY_PERIOD_DAYS, SettingParsers.wholeNumber(1, 3650));
        return new AcmeSettings(
                binder.bool(Setting.ACME_ENABLED),
                binder.optional(Setting.ACME_DNS_SUFFIXES, AcmeSettings::parseDnsSuffixes).orElse(List.of()),
                binder.optional(Setting.ACME_IP_RANGES, AcmeSettings::parseIpRanges).orElse(List.of()),
                validityPeriodDays,
                binder.required(Setting.ACME_HTTP01_PORT, SettingParsers.wholeNumber(1, 65535)),
                binder.required(Setting.ACME_TLS_ALPN01_PORT, SettingParsers.wholeNumber(1, 65535)),
                binder.optional(Setting.ACME_DNS01_LOOKUP_COMMAND, AcmeSettings::parseCommand),
                binder.bool(Setting.ACME_ALLOW_WILDCARDS),
                externalAccountRequired,
                externalAccountKeysFile,
                bindProfiles(binder, validityPeriodDays, externalAccountRequired, externalAccountKeysFile));
    }

    /**
     * The profiles of {@code AppConfig:Acme:Profiles}, each from its own {@code AppConfig:Acme:Profiles:NAME:*}. What
     * a profile certifies is its own alone: DNS suffixes, IP ranges and wildcards are never taken from {@code default},
     * so a profile that names neither suffixes nor ranges is refused. Its validity and its external account binding
     * (required or not, and the keys file) are {@code default}'s unless it says otherwise. A setting under
     * {@code AppConfig:Acme:Profiles:} of a profile not declared, or that no profile has, stops start-up too: it would
     * otherwise be ignored, and a profile be served with less than the admin meant.
     */
    private static List<AcmeProfileSettings> bindProfiles(SettingsBinder binder, int validityPeriodDays, boolean externalAccountRequired,
            Optional<String> externalAccountKeysFile) {
        List<String> names = binder.optional(Setting.ACME_PROFILES, AcmeSettings::parseProfileNames).orElse(List.of());
        binder.raw().entries().forEach((canonical, entry) -> {
            if (!isProfileSetting(canonical)) {
                return;
            }
            String rest = canonical.substring(PROFILES_PREFIX.length());
            int colon = rest.indexOf(':');
            String name = colon < 0 ? rest : rest.substring(0, colon);
            String setting = colon < 0 ? "" : rest.substring(colon + 1);
            if (!names.contains(name)) {
                binder.invalid(Setting.ACME_PROFILES, entry.name() + " (from " + entry.source() + "): '" + name
                        + "' is not a profile of AppConfig:Acme:Profiles (" + (names.isEmpty() ? "none" : String.join(", ", names)) + ")");
            } else if (PROFILE_SETTINGS.stream().noneMatch(known -> known.equalsIgnoreCase(setting))) {
                binder.invalid(Setting.ACME_PROFILES, entry.name() + " (from " + entry.source() + "): a profile's settings are "
                        + String.join(", ", PROFILE_SETTINGS));
            }
        });
        List<AcmeProfileSettings> profiles = new java.util.ArrayList<>();
        for (String name : names) {
            String prefix = PROFILES_PREFIX + name + ":";
            boolean keysGiven = given(binder, prefix + "ExternalAccountKeysFile") || binder.given(Setting.ACME_EXTERNAL_ACCOUNT_KEYS_FILE).isPresent();
            Optional<List<String>> dnsSuffixes = profileValue(binder, prefix + "DnsSuffixes", AcmeSettings::parseDnsSuffixes);
            Optional<List<String>> ipRanges = profileValue(binder, prefix + "IpRanges", AcmeSettings::parseIpRanges);
            Optional<Boolean> ownRequired = profileValue(binder, prefix + "ExternalAccountRequired", SettingParsers::bool);
            Optional<String> ownKeysFile = profileValue(binder, prefix + "ExternalAccountKeysFile", AcmeSettings::parseFile);
            AcmeProfileSettings profile = new AcmeProfileSettings(name,
                    dnsSuffixes.orElse(List.of()),
                    ipRanges.orElse(List.of()),
                    profileValue(binder, prefix + "AllowWildcards", SettingParsers::bool).orElse(false),
                    profileValue(binder, prefix + "ValidityPeriodDays", SettingParsers.wholeNumber(1, 3650)).orElse(validityPeriodDays),
                    ownRequired.orElse(externalAccountRequired),
                    ownKeysFile.or(() -> externalAccountKeysFile),
                    ownRequired.isPresent() ? prefix + "ExternalAccountRequired" : Setting.ACME_EXTERNAL_ACCOUNT_REQUIRED.key(),
                    given(binder, prefix + "ExternalAccountKeysFile") ? prefix + "ExternalAccountKeysFile" : Setting.ACME_EXTERNAL_ACCOUNT_KEYS_FILE.key());
            // A value that did not parse was reported already; one that parses to no name at all ("," say) is refused here.
            boolean unparsed = given(binder, prefix + "DnsSuffixes") && dnsSuffixes.isEmpty() || given(binder, prefix + "IpRanges") && ipRanges.isEmpty();
            if (!unparsed && profile.dnsSuffixes().isEmpty() && profile.ipRanges().isEmpty()) {
                String named = !given(binder, prefix + "DnsSuffixes") && given(binder, prefix + "IpRanges") ? prefix + "IpRanges" : prefix + "DnsSuffixes";
                binder.reject(Setting.ACME_PROFILES, named + ": profile '" + name + "' names neither a DNS suffix nor an IP range,"
                        + " so it would certify nothing (a profile's names are its own, never the default profile's)");
            }
            if (profile.externalAccountRequired() && !keysGiven) {
                binder.reject(Setting.ACME_PROFILES, profile.externalAccountRequiredSetting() + " needs " + prefix
                        + "ExternalAccountKeysFile or AppConfig:Acme:ExternalAccountKeysFile: without keys no account could register");
            }
            profiles.add(profile);
        }
        return profiles;
    }

    private static boolean given(SettingsBinder binder, String key) {
        return binder.raw().value(key).filter(value -> !value.isBlank()).isPresent();
    }

    private static <T> Optional<T> profileValue(SettingsBinder binder, String key, SettingParsers.Parser<T> parser) {
        return binder.raw().value(key).filter(value -> !value.isBlank()).flatMap(text -> binder.parse(Setting.ACME_PROFILES, key, text, parser));
    }

    /** Whether a setting's canonical name ({@link RawSettings#canonical}) is one of a declared profile's own. */
    static boolean isProfileSetting(String canonical) {
        return canonical.startsWith(RawSettings.canonical(PROFILES_PREFIX));
    }

    /** {@code AppConfig:Acme:Profiles}: the names of the profiles beside {@code default}. */
    static List<String> parseProfileNames(String value) {
        List<String> names = SettingParsers.list(value);
        for (String name : names) {
            if (DEFAULT_PROFILE.equals(name)) {
                throw new IllegalArgumentException("'default' is AppConfig:Acme:* itself; name only the profiles beside it");
            }
            if (!PROFILE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + name + "' is not a profile name (1 to 32 lower-case letters, digits and '-',"
                        + " first and last a letter or digit)");
            }
        }
        if (new java.util.HashSet<>(names).size() != names.size()) {
            throw new IllegalArgumentException("names a profile twice");
        }
        return names;
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

    /** The profile of {@code AppConfig:Acme:*}, served whenever ACME is, and the one of every account made before profiles. */
    public static final String DEFAULT_PROFILE = "default";

    @Override
    public String toString() {
        return "AcmeSettings[enabled=" + enabled + ", dnsSuffixes=" + dnsSuffixes + ", ipRanges=" + ipRanges + ", validityPeriodDays="
                + validityPeriodDays + ", http01Port=" + http01Port + ", tlsAlpn01Port=" + tlsAlpn01Port + ", dns01LookupCommand=" + dns01LookupCommand + ", allowWildcards="
                + allowWildcards + ", externalAccountRequired=" + externalAccountRequired + ", externalAccountKeysFile=" + externalAccountKeysFile
                + ", profiles=" + profiles + "]";
    }

    /** The {@code default} profile, from {@code AppConfig:Acme:*}. */
    public AcmeProfileSettings defaultProfile() {
        return new AcmeProfileSettings(DEFAULT_PROFILE, dnsSuffixes, ipRanges, allowWildcards, validityPeriodDays, externalAccountRequired,
                externalAccountKeysFile, Setting.ACME_EXTERNAL_ACCOUNT_REQUIRED.key(), Setting.ACME_EXTERNAL_ACCOUNT_KEYS_FILE.key());
    }

    /** Every profile served when ACME is on: {@code default} first, then the declared ones. */
    public List<AcmeProfileSettings> served() {
        List<AcmeProfileSettings> all = new java.util.ArrayList<>();
        all.add(defaultProfile());
        all.addAll(profiles);
        return List.copyOf(all);
    }

    /** The profile served under this name; empty when there is none, or ACME is off. */
    public Optional<AcmeProfileSettings> profile(String name) {
        return enabled ? served().stream().filter(profile -> profile.name().equals(name)).findFirst() : Optional.empty();
    }
}
