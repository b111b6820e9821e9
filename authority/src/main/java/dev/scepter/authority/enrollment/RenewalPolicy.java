package dev.scepter.authority.enrollment;

import java.util.Set;

/**
 * Whether an endpoint renews certificates on the strength of the certificate being renewed, with
 * no challenge ({@code AllowRenewals}, {@code ReenrollmentAllowedCertificateTypes}).
 */
public record RenewalPolicy(boolean allowed, Set<CertificateType> types) {

    public static final RenewalPolicy NONE = new RenewalPolicy(false, Set.of());

    public RenewalPolicy {
        types = Set.copyOf(types);
    }

    public boolean permits(CertificateType type) {
        return allowed && types.contains(type);
    }
}
