package dev.scepter.authority.acme;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which identifiers an ACME profile may certify: DNS names equal to or under one of its suffixes,
 * addresses in one of its IP ranges. Anything else is refused as {@code rejectedIdentifier}
 * before an order exists, and again when the CSR is finalized.
 *
 * @param name        the profile's name, the {@code {profile}} of {@code /acme/{profile}/directory}
 * @param dnsSuffixes lower-case DNS suffixes without a leading dot
 * @param ipRanges    CIDR ranges
 * @param wildcards   whether a wildcard ({@code *.} as the whole leftmost label) over a name the
 *                    profile certifies is certified too; only DNS-01 proves control of one
 */
public record AcmeProfile(String name, List<String> dnsSuffixes, List<String> ipRanges, boolean wildcards) {

    private static final Pattern DNS_NAME = Pattern.compile("(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    public AcmeProfile {
        Objects.requireNonNull(name, "name");
        dnsSuffixes = List.copyOf(dnsSuffixes);
        ipRanges = List.copyOf(ipRanges);
    }

    public AcmeProfile(String name, List<String> dnsSuffixes, List<String> ipRanges) {
        this(name, dnsSuffixes, ipRanges, false);
    }

    /** Whether a DNS identifier is a wildcard, {@code *.} and a name (RFC 8555 section 7.1.3). */
    public static boolean isWildcard(AcmeIdentifier identifier) {
        return AcmeIdentifier.DNS.equals(identifier.type()) && identifier.value().startsWith("*.");
    }

    /** Why the identifier may not be certified here, or empty when it may. */
    public Optional<String> refusal(AcmeIdentifier identifier) {
        if (AcmeIdentifier.DNS.equals(identifier.type())) {
            String name = identifier.value().toLowerCase(Locale.ROOT);
            if (name.startsWith("*.")) {
                if (!wildcards) {
                    return Optional.of("profile '" + this.name + "' certifies no wildcard names (its AllowWildcards setting)");
                }
                // The server kind's rule: the wildcard is the whole leftmost label, over two more.
                name = name.substring(2);
                if (name.indexOf('.') < 0) {
                    return Optional.of("a wildcard stands over two labels at least, as in *.www.example.com");
                }
            }
            String base = name;
            if (!DNS_NAME.matcher(name).matches()) {
                return Optional.of("'" + printable(name) + "' is not a DNS name");
            }
            boolean allowed = dnsSuffixes.stream().anyMatch(suffix -> base.equals(suffix) || base.endsWith("." + suffix));
            return allowed ? Optional.empty() : Optional.of("profile '" + this.name + "' does not certify " + identifier.value() + " (DNS suffixes: "
                    + (dnsSuffixes.isEmpty() ? "none" : String.join(", ", dnsSuffixes)) + ")");
        }
        if (AcmeIdentifier.IP.equals(identifier.type())) {
            Optional<byte[]> address = address(identifier.value());
            if (address.isEmpty()) {
                return Optional.of("'" + printable(identifier.value()) + "' is not an IP address");
            }
            boolean allowed = ipRanges.stream().anyMatch(range -> contains(range, address.get()));
            return allowed ? Optional.empty() : Optional.of("profile '" + name + "' does not certify " + identifier.value() + " (IP ranges: "
                    + (ipRanges.isEmpty() ? "none" : String.join(", ", ipRanges)) + ")");
        }
        return Optional.of("identifier type '" + printable(identifier.type()) + "' is not dns or ip");
    }

    /**
     * What this profile and {@code other} both certify, as pairs of their suffixes or ranges: a
     * suffix equal to or under the other's, a range that meets the other's. Empty when they are disjoint.
     */
    public java.util.List<String> overlap(AcmeProfile other) {
        java.util.List<String> shared = new java.util.ArrayList<>();
        for (String mine : dnsSuffixes) {
            for (String theirs : other.dnsSuffixes) {
                if (mine.equals(theirs) || mine.endsWith("." + theirs) || theirs.endsWith("." + mine)) {
                    shared.add(mine.equals(theirs) ? mine : mine + " / " + theirs);
                }
            }
        }
        for (String mine : ipRanges) {
            for (String theirs : other.ipRanges) {
                // Two CIDR ranges meet only if one holds the other, so one holds the other's network address.
                Optional<byte[]> myNetwork = address(network(mine));
                Optional<byte[]> theirNetwork = address(network(theirs));
                if (myNetwork.isPresent() && theirNetwork.isPresent()
                        && (contains(mine, theirNetwork.get()) || contains(theirs, myNetwork.get()))) {
                    shared.add(mine.equals(theirs) ? mine : mine + " / " + theirs);
                }
            }
        }
        return java.util.List.copyOf(shared);
    }

    private static String network(String range) {
        int slash = range.indexOf('/');
        return slash < 0 ? range : range.substring(0, slash);
    }

    /** The bytes of an address literal; never a DNS lookup. */
    public static Optional<byte[]> address(String literal) {
        if (!IP_LITERAL.matcher(literal).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(literal).getAddress());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static boolean contains(String range, byte[] address) {
        int slash = range.indexOf('/');
        Optional<byte[]> network = address(slash < 0 ? range : range.substring(0, slash));
        if (network.isEmpty() || network.get().length != address.length) {
            return false;
        }
        int bits = address.length * 8;
        int prefix = slash < 0 ? bits : Integer.parseInt(range.substring(slash + 1));
        if (prefix == 0) {
            return true;
        }
        BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).shiftRight(bits - prefix).shiftLeft(bits - prefix);
        return new BigInteger(1, network.get()).and(mask).equals(new BigInteger(1, address).and(mask));
    }

    private static String printable(String text) {
        String clean = text.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 80 ? clean.substring(0, 80) + "..." : clean;
    }
}
