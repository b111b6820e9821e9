package dev.scepter.authority.issuance;

import java.util.Optional;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.ASN1UTF8String;

/**
 * The syntax of the names a kind's subject alternative names may hold, checked in the core so
 * that every caller of {@code ?kind=} meets it, not only Certificate Master's forms. Each check
 * answers what is wrong, in words safe to show and log (what the request sent is quoted with its
 * control and non-ASCII characters escaped).
 */
final class NameSyntax {

    /** Microsoft's user principal name otherName (MS-WCCE; [MS-PKCA] 3.1.5.2.1.1): a UTF8String. */
    static final ASN1ObjectIdentifier UPN = new ASN1ObjectIdentifier("1.3.6.1.4.1.311.20.2.3");

    /** A DNS label in the preferred name syntax (RFC 1034 section 3.5, RFC 1123 section 2.1); IDNs as A-labels. */
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    /** A dot-atom local part (RFC 5322 section 3.2.3), as RFC 5280's rfc822Name Mailbox takes it. */
    private static final Pattern LOCAL_PART = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");

    private NameSyntax() {
    }

    /**
     * What is wrong with a dNSName: it must be a fully qualified name (two labels or more, no
     * trailing dot) of letters, digits and inner hyphens, at most 253 characters; a wildcard, where
     * allowed, only as the whole leftmost label over at least two more (RFC 6125 section 6.4.3:
     * {@code *.example.com}, never {@code *} or {@code *.com}).
     */
    static Optional<String> dnsNameProblem(String name, boolean wildcardAllowed) {
        if (name.isEmpty() || name.length() > 253) {
            return Optional.of(quote(name) + " is not a DNS name (1 to 253 characters)");
        }
        String[] labels = name.split("\\.", -1);
        if (labels.length < 2) {
            return Optional.of(quote(name) + " is not a fully qualified DNS name (like www.example.com)");
        }
        for (int i = 0; i < labels.length; i++) {
            if (i == 0 && labels[i].equals("*")) {
                if (!wildcardAllowed) {
                    return Optional.of(quote(name) + " is a wildcard, which this kind of certificate cannot have");
                }
                if (labels.length < 3) {
                    return Optional.of(quote(name) + " is a wildcard over a top-level domain; it must stand over at least two labels"
                            + " (*.example.com)");
                }
            } else if (!LABEL.matcher(labels[i]).matches()) {
                return Optional.of(quote(name) + " is not a DNS name: each label is 1 to 63 letters, digits and inner hyphens"
                        + (wildcardAllowed ? ", and a wildcard is only the whole leftmost label" : ""));
            }
        }
        if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
            return Optional.of(quote(name) + " is not a DNS name (an IP address goes in an iPAddress name)");
        }
        return Optional.empty();
    }

    /**
     * What is wrong with an iPAddress: 4 or 16 octets (RFC 5280 section 4.2.1.6; 8 and 32 are
     * name constraints' address and mask), and an address a host can have: not unspecified
     * ({@code 0.0.0.0}, {@code ::}), not the IPv4 broadcast address, not multicast.
     */
    static Optional<String> ipAddressProblem(byte[] octets) {
        if (octets.length != 4 && octets.length != 16) {
            return Optional.of("an IP address of " + octets.length + " octets is neither IPv4 (4) nor IPv6 (16)");
        }
        boolean mapped = octets.length == 16 && isV4Mapped(octets);
        byte[] address = mapped ? java.util.Arrays.copyOfRange(octets, 12, 16) : octets;
        String shown = text(address);
        boolean allZero = true;
        boolean allOnes = true;
        for (byte octet : address) {
            allZero &= octet == 0;
            allOnes &= octet == (byte) 0xFF;
        }
        if (allZero) {
            return Optional.of("the IP address " + shown + " is unspecified, no host's");
        }
        if (address.length == 4 && allOnes) {
            return Optional.of("the IP address " + shown + " is the broadcast address, no host's");
        }
        boolean multicast = address.length == 4 ? (address[0] & 0xF0) == 0xE0 : (address[0] & 0xFF) == 0xFF;
        if (multicast) {
            return Optional.of("the IP address " + shown + " is a multicast address, no host's");
        }
        return Optional.empty();
    }

    /** What is wrong with an rfc822Name: a dot-atom local part of at most 64 characters, {@code @}, a DNS name. */
    static Optional<String> mailboxProblem(String mailbox) {
        int at = mailbox.lastIndexOf('@');
        if (at < 1 || at > 64 || !LOCAL_PART.matcher(mailbox.substring(0, at)).matches()
                || dnsNameProblem(mailbox.substring(at + 1), false).isPresent()) {
            return Optional.of(quote(mailbox) + " is not an e-mail address (name@example.com)");
        }
        return Optional.empty();
    }

    /**
     * The value of a user principal name otherName ({@code OtherName ::= SEQUENCE { type-id, [0]
     * EXPLICIT value }}, RFC 5280 section 4.2.1.6, holding a UTF8String), read without trusting
     * its structure; empty when it is not one.
     */
    static Optional<String> userPrincipalName(ASN1Encodable otherName) {
        if (!(otherName instanceof ASN1Sequence sequence) || sequence.size() != 2
                || !UPN.equals(sequence.getObjectAt(0)) || !(sequence.getObjectAt(1) instanceof ASN1TaggedObject value)
                || !value.hasContextTag(0)) {
            return Optional.empty();
        }
        try {
            return value.getExplicitBaseObject() instanceof ASN1UTF8String text ? Optional.of(text.getString()) : Optional.empty();
        } catch (IllegalStateException | IllegalArgumentException e) {
            // An implicitly tagged (primitive) value, which has no explicit base object.
            return Optional.empty();
        }
    }

    /** The type of an otherName, if it has the structure of one. */
    static Optional<ASN1ObjectIdentifier> otherNameType(ASN1Encodable otherName) {
        return otherName instanceof ASN1Sequence sequence && sequence.size() == 2
                && sequence.getObjectAt(0) instanceof ASN1ObjectIdentifier type ? Optional.of(type) : Optional.empty();
    }

    /** What is wrong with a user principal name: {@code name@domain}, the name without spaces or controls, the domain a DNS name. */
    static Optional<String> userPrincipalNameProblem(String upn) {
        int at = upn.lastIndexOf('@');
        boolean nameOk = at >= 1 && upn.substring(0, at).codePoints().noneMatch(c -> c <= 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F)
                || c == '@' || Character.isWhitespace(c));
        if (!nameOk || dnsNameProblem(upn.substring(at + 1), false).isPresent()) {
            return Optional.of(quote(upn) + " is not a user principal name (name@example.com)");
        }
        return Optional.empty();
    }

    /** A value from a request, quoted for a message: controls and non-ASCII escaped, long ones cut. */
    static String quote(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        value.codePoints().limit(100).forEach(c -> {
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
                quoted.append(String.format("\\u%04X", c));
            } else {
                quoted.appendCodePoint(c);
            }
        });
        return quoted.append(value.codePointCount(0, value.length()) > 100 ? "...\"" : "\"").toString();
    }

    private static boolean isV4Mapped(byte[] octets) {
        for (int i = 0; i < 10; i++) {
            if (octets[i] != 0) {
                return false;
            }
        }
        return octets[10] == (byte) 0xFF && octets[11] == (byte) 0xFF;
    }

    private static String text(byte[] address) {
        try {
            return java.net.InetAddress.getByAddress(address).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("4 or 16 octets are an address", e);
        }
    }
}
