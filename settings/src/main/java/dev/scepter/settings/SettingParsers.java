package dev.scepter.settings;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The parsers of setting values, one per kind of value. Each takes the trimmed text and returns
 * the typed value, or throws {@link IllegalArgumentException} whose message is the tail of what
 * the admin reads ({@code must be ...}); {@link SettingsBinder} puts the setting's name, where it
 * was given and (unless secret) the value in front.
 */
public final class SettingParsers {

    /** Turns a setting's text into its value; throws {@link IllegalArgumentException} saying what the text must be. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(String value);
    }

    /** .NET's X509KeyUsageFlags names, as SCEPman's {@code DefaultKeyUsage} takes them, to RFC 5280 bits. */
    private static final Map<String, Integer> KEY_USAGE_FLAGS = Map.of(
            "digitalsignature", 1 << 7, "nonrepudiation", 1 << 6, "keyencipherment", 1 << 5,
            "dataencipherment", 1 << 4, "keyagreement", 1 << 3, "keycertsign", 1 << 2,
            "crlsign", 1 << 1, "encipheronly", 1, "decipheronly", 1 << 15);
    private static final List<String> KEY_USAGE_NAMES = List.of("DigitalSignature", "NonRepudiation", "KeyEncipherment",
            "DataEncipherment", "KeyAgreement", "KeyCertSign", "CrlSign", "EncipherOnly", "DecipherOnly");

    /** Names that SCEPman's settings accept for the EKUs most used, beside OIDs. */
    private static final Map<String, String> EKU_NAMES = Map.of(
            "clientauthentication", "1.3.6.1.5.5.7.3.2", "clientauth", "1.3.6.1.5.5.7.3.2",
            "serverauthentication", "1.3.6.1.5.5.7.3.1", "serverauth", "1.3.6.1.5.5.7.3.1",
            "codesigning", "1.3.6.1.5.5.7.3.3", "emailprotection", "1.3.6.1.5.5.7.3.4",
            "smartcardlogon", "1.3.6.1.4.1.311.20.2.2", "kdcauthentication", "1.3.6.1.5.2.3.5",
            "ipsecike", "1.3.6.1.5.5.7.3.17");

    private static final Pattern OID = Pattern.compile("[0-2](\\.(0|[1-9][0-9]*))+");

    /** SCEPman's certificate type names, as {@code ReenrollmentAllowedCertificateTypes} takes them. */
    private static final List<String> CERTIFICATE_TYPES = List.of("DomainController", "Static", "IntuneUser", "IntuneDevice",
            "JamfUser", "JamfUserWithDevice", "JamfUserWithComputer", "JamfDevice", "JamfComputer");

    /** AES-256-CBC, AES-128-CBC and 3DES: the SCEP response encryptions RFC 8894 section 3.5.2 clients know. */
    private static final List<String> RESPONSE_ENCRYPTIONS = List.of("2.16.840.1.101.3.4.1.42", "2.16.840.1.101.3.4.1.2",
            "1.2.840.113549.3.7");

    private SettingParsers() {
    }

    public static boolean bool(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("must be true or false");
        };
    }

    public static Parser<Integer> wholeNumber(int min, int max) {
        return value -> wholeNumber(value, min, max);
    }

    public static int wholeNumber(String value, int min, int max) {
        int number;
        try {
            number = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a whole number from " + min + " to " + max);
        }
        if (number < min || number > max) {
            throw new IllegalArgumentException("must be a whole number from " + min + " to " + max);
        }
        return number;
    }

    /** A decimal number of {@code unit}s (SCEPman writes days and hours with fractions: 0.1 days). */
    public static Parser<Duration> positiveDuration(Duration unit, double min, double max) {
        return value -> {
            double amount;
            try {
                amount = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be a number from " + min + " to " + max);
            }
            if (!(amount >= min && amount <= max)) {
                throw new IllegalArgumentException("must be a number from " + min + " to " + max);
            }
            return Duration.ofMillis(Math.round(amount * unit.toMillis()));
        };
    }

    /** Seconds since 1970 (.NET's Unix time), as the installer writes {@code ManagedIdentityEnabledOnUnixTime}. */
    public static Instant unixTime(String value) {
        return Instant.ofEpochSecond(wholeNumber(value, 0, Integer.MAX_VALUE));
    }

    /** One of an enum's words, in any letter case. */
    public static <E extends Enum<E>> Parser<E> oneOf(E[] allowed, Function<E, String> spelling) {
        return value -> {
            for (E word : allowed) {
                if (spelling.apply(word).equalsIgnoreCase(value)) {
                    return word;
                }
            }
            throw new IllegalArgumentException("must be one of "
                    + String.join(", ", Arrays.stream(allowed).map(spelling).toList()));
        };
    }

    public static URI absoluteHttpUrl(String value) {
        try {
            URI uri = new URI(value);
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("must be an absolute http:// or https:// URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("must be an absolute http:// or https:// URL");
        }
    }

    /** The OID of the SCEP response's content encryption. */
    public static String responseEncryption(String value) {
        if (!RESPONSE_ENCRYPTIONS.contains(value)) {
            throw new IllegalArgumentException("must be one of 2.16.840.1.101.3.4.1.42 (AES-256-CBC), "
                    + "2.16.840.1.101.3.4.1.2 (AES-128-CBC) or 1.2.840.113549.3.7 (3DES)");
        }
        return value;
    }

    public static String challenge(String value) {
        // Windows' SCEP client rejects challenges with characters outside printable ASCII.
        if (!value.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
            throw new IllegalArgumentException("must hold printable ASCII characters only");
        }
        return value;
    }

    /** Jamf Pro refuses a SCEP challenge longer than 32 characters, so a longer one could never be used. */
    public static String jamfChallenge(String value) {
        challenge(value);
        if (value.length() > 32) {
            throw new IllegalArgumentException("must be at most 32 characters, the most Jamf Pro accepts (this one has "
                    + value.length() + ")");
        }
        return value;
    }

    /** SCEPman's certificate type names, spelled as SCEPman spells them. */
    public static List<String> certificateTypes(String value) {
        List<String> types = new ArrayList<>();
        for (String item : list(value)) {
            String known = CERTIFICATE_TYPES.stream().filter(t -> t.equalsIgnoreCase(item)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("'" + item + "' is not a certificate type ("
                            + String.join(", ", CERTIFICATE_TYPES) + ")"));
            types.add(known);
        }
        return List.copyOf(types);
    }

    /** EKU OIDs (RFC 5280 section 4.2.1.12), from OIDs or the names SCEPman accepts. */
    public static List<String> ekus(String value) {
        List<String> oids = new ArrayList<>();
        for (String item : list(value)) {
            String oid = EKU_NAMES.getOrDefault(item.toLowerCase(Locale.ROOT), item);
            if (!OID.matcher(oid).matches()) {
                throw new IllegalArgumentException("'" + item + "' is neither an OID nor a known EKU name");
            }
            oids.add(oid);
        }
        if (oids.isEmpty()) {
            throw new IllegalArgumentException("must name at least one EKU");
        }
        return List.copyOf(oids);
    }

    /** RFC 5280 section 4.2.1.3 KeyUsage bits as BouncyCastle's {@code KeyUsage} takes them, from .NET's flag names. */
    public static int keyUsage(String value) {
        int bits = 0;
        for (String flag : value.split("[|,;\\s]+")) {
            if (flag.isEmpty()) {
                continue;
            }
            Integer bit = KEY_USAGE_FLAGS.get(flag.toLowerCase(Locale.ROOT));
            if (bit == null) {
                throw new IllegalArgumentException("'" + flag + "' is not a key usage (" + String.join(", ", KEY_USAGE_NAMES) + ")");
            }
            bits |= bit;
        }
        if (bits == 0) {
            throw new IllegalArgumentException("must name at least one key usage");
        }
        return bits;
    }

    public static String distinguishedName(String value) {
        if (!value.matches("(?s).*\\b[A-Za-z][A-Za-z0-9-]*\\s*=.+")) {
            throw new IllegalArgumentException("must be a distinguished name such as CN=Example Root CA,O=Example");
        }
        return value;
    }

    /** Key Vault's key types; a local installation keeps either kind in {@code ca.p12}. @return {@code RSA} or {@code EC} */
    public static String keyType(String value) {
        return switch (value.toUpperCase(Locale.ROOT)) {
            case "RSA", "RSA-HSM" -> "RSA";
            case "EC", "EC-HSM" -> "EC";
            default -> throw new IllegalArgumentException("must be RSA, RSA-HSM, EC or EC-HSM");
        };
    }

    /** RSA modulus bits, or for EC the curve's size (P-256, P-384, P-521). */
    public static Parser<Integer> keySize(boolean ec) {
        return value -> {
            int size = wholeNumber(value, 256, 4096);
            List<Integer> allowed = ec ? List.of(256, 384, 521) : List.of(2048, 3072, 4096);
            if (!allowed.contains(size)) {
                throw new IllegalArgumentException(ec ? "must be 256, 384 or 521 (P-256, P-384, P-521) for an EC key"
                        : "must be 2048, 3072 or 4096 for an RSA key");
            }
            return size;
        };
    }

    public static UUID guid(String value) {
        try {
            if (value.length() == 36) {
                return UUID.fromString(value);
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException("must be a GUID such as 00000000-0000-0000-0000-000000000000");
    }

    public static String jdbcUrl(String value) {
        if (!value.startsWith("jdbc:")) {
            throw new IllegalArgumentException("must be a JDBC URL such as jdbc:postgresql://db.example:5432/scepter");
        }
        return value;
    }

    /** A file name; an unusable one is an {@link java.nio.file.InvalidPathException}, an IllegalArgumentException. */
    public static Path path(String value) {
        return Path.of(value);
    }

    /** Items separated by commas, semicolons or white space. */
    public static List<String> list(String value) {
        return Arrays.stream(value.split("[,;\\s]+")).filter(s -> !s.isEmpty()).toList();
    }
}
