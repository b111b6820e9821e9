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

    /** The kinds in the {@code Request.*} role names, {@code All} aside. */
    public static final List<String> REQUEST_KINDS = List.of("Client", "User", "CodeSigning", "SubCa", "Server");

    /**
     * Who may use the form for a kind: {@code Request.<kind>} and {@code Request.<kind>.Form},
     * the same for {@code All}, and {@code Admin.Full} (SCEPman 2.11: {@code .Form} restricts a
     * user to the forms, {@code .Csr} to CSR submission, the bare role allows both).
     */
    public static Set<String> formRoles(String kind) {
        return Set.copyOf(List.of(ADMIN_FULL, REQUEST_ALL, REQUEST_ALL + ".Form", "Request." + kind, "Request." + kind + ".Form"));
    }

    /** Who may submit a CSR of a kind ({@code "All"}: a CSR whose usages the request itself decides). */
    public static Set<String> csrRoles(String kind) {
        return Set.copyOf(List.of(ADMIN_FULL, REQUEST_ALL, REQUEST_ALL_CSR, "Request." + kind, "Request." + kind + ".Csr"));
    }

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
