package dev.scepter.certmaster.security;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The app roles of SCEPman's {@code SCEPman-CertMaster} registration, by their names: an OIDC
 * token's {@code roles} claim and the local accounts carry them as they are.
 */
public final class PortalRoles {

    public static final String ADMIN_FULL = "Admin.Full";
    public static final String MANAGE_ALL = "Manage.All";
    public static final String MANAGE_ALL_READ = "Manage.All.Read";
    public static final String REQUEST_ALL = "Request.All";
    /** Request.All restricted to CSR submission (SCEPman 2.11's {@code .Csr} variants). */
    public static final String REQUEST_ALL_CSR = "Request.All.Csr";

    /** Every role SCEPman defines for Certificate Master, {@code .Csr} and {@code .Form} variants included. */
    public static final Set<String> ALL;

    static {
        Set<String> all = new LinkedHashSet<>(List.of(ADMIN_FULL, MANAGE_ALL, MANAGE_ALL_READ, "Manage.Storage", "Manage.Storage.Read",
                "Manage.Intune", "Manage.Intune.Read"));
        for (String kind : List.of("All", "Client", "User", "CodeSigning", "SubCa", "Server")) {
            all.add("Request." + kind);
            all.add("Request." + kind + ".Csr");
            all.add("Request." + kind + ".Form");
        }
        ALL = Set.copyOf(all);
    }

    private PortalRoles() {
    }
}
