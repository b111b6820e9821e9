package dev.scepter.authority.store;

import dev.scepter.authority.directory.DirectoryObjectType;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * SCEPman's {@code certType} of the management search (Static, DC, User, Device), read from what
 * every store keeps: the binding's kind, and the endpoint for domain controllers, whose
 * certificates {@code /dc} issues bound to nothing. Every store filters by these rules.
 */
public enum CertificateKind {
    STATIC("Static"),
    DC("DC"),
    USER("User"),
    DEVICE("Device");

    /** The endpoint that issues domain controllers' certificates. */
    public static final String DC_ENDPOINT = "dc";

    private final String apiName;

    CertificateKind(String apiName) {
        this.apiName = apiName;
    }

    /** The name SCEPman's API uses ({@code certType}). */
    public String apiName() {
        return apiName;
    }

    /** The kind by its API name, in any case. */
    public static Optional<CertificateKind> parse(String name) {
        for (CertificateKind kind : values()) {
            if (kind.apiName.equalsIgnoreCase(name) || kind.name().equalsIgnoreCase(name.toUpperCase(Locale.ROOT))) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    public static CertificateKind of(IssuedCertificate certificate) {
        if (certificate.binding().isEmpty()) {
            return DC_ENDPOINT.equals(certificate.endpoint()) ? DC : STATIC;
        }
        return of(certificate.binding().get().type());
    }

    public static CertificateKind of(DirectoryObjectType type) {
        return switch (type) {
            case USER, JAMF_USER, JAMF_USER_ON_COMPUTER, JAMF_USER_ON_MOBILE_DEVICE -> USER;
            case DEVICE, INTUNE_DEVICE, JAMF_COMPUTER, JAMF_MOBILE_DEVICE -> DEVICE;
            case DOMAIN_CONTROLLER -> DC;
        };
    }

    /** The binding kinds of this kind, as {@link StoredBindingKind} writes them (none for Static). */
    public Set<String> storedBindingKinds() {
        Set<DirectoryObjectType> types = EnumSet.noneOf(DirectoryObjectType.class);
        for (DirectoryObjectType type : DirectoryObjectType.values()) {
            if (of(type) == this) {
                types.add(type);
            }
        }
        return types.stream().map(StoredBindingKind::value).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }
}
