package dev.scepter.authority.acme;

import java.util.Locale;
import java.util.Objects;

/**
 * An ACME identifier (RFC 8555 section 9.7.7): {@code dns} with a DNS name, or {@code ip}
 * (RFC 8738) with an address literal. DNS names are compared in lower case.
 */
public record AcmeIdentifier(String type, String value) {

    public static final String DNS = "dns";
    public static final String IP = "ip";

    public AcmeIdentifier {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        if (DNS.equals(type)) {
            value = value.toLowerCase(Locale.ROOT);
        }
    }
}
