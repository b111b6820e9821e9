package dev.scepter.certmaster.security;

import static dev.scepter.certmaster.security.PortalRoles.ADMIN_FULL;
import static dev.scepter.certmaster.security.PortalRoles.MANAGE_ALL;
import static dev.scepter.certmaster.security.PortalRoles.MANAGE_ALL_READ;

import dev.scepter.certmaster.forms.FormKind;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * Every portal route and its roles, in one place, as the API's route table: the security
 * configuration reads it and refuses whatever is not here; {@code PortalRouteTest} fails for a
 * handler that is not here. Admin.Full may do everything (SCEPman: "including future features").
 */
public final class PortalRoutes {

    /**
     * The pages that need no sign-in: the sign-in page itself, its stylesheet, the error pages, and
     * the two ends of an OIDC sign-in (the way to the provider, and its answer).
     */
    public static final List<String> PUBLIC = List.of("/signin", "/css/**", "/denied", "/error", "/oauth2/authorization/*", "/signin-oidc");

    private static final Set<String> ANY_ROLE = PortalRoles.ALL;
    /**
     * The CSR page and its POST: the CSR roles of any kind; the handler then checks those of the
     * kind the person chose ({@code CsrSubmissionController}), which the core enforces on the request.
     */
    private static final Set<String> SUBMIT_CSR = union(List.of("All", "Client", "User", "CodeSigning", "Server"), true);
    /**
     * A certificate this session had issued, from a form or a CSR: any request role, {@code .Csr}
     * and {@code .Form} alike (the download finds only what this session issued).
     */
    private static final Set<String> ISSUED = union(List.of("All", "Client", "User", "CodeSigning", "Server"), true, true);
    private static final Set<String> SEARCH = Set.of(ADMIN_FULL, MANAGE_ALL, MANAGE_ALL_READ);
    private static final Set<String> REVOKE = Set.of(ADMIN_FULL, MANAGE_ALL);

    private static final List<PortalRoute> ROUTES = routes(
            new PortalRoute(HttpMethod.GET, "/", ANY_ROLE),
            new PortalRoute(HttpMethod.GET, "/csr", SUBMIT_CSR),
            new PortalRoute(HttpMethod.POST, "/csr", SUBMIT_CSR),
            new PortalRoute(HttpMethod.GET, "/csr/issued/{serial}/{format}", ISSUED),
            // The CA's certificate and CRL are public matters; any signed-in role may fetch them here.
            new PortalRoute(HttpMethod.GET, "/ca/{format}", ANY_ROLE),
            new PortalRoute(HttpMethod.GET, "/crl", ANY_ROLE),
            new PortalRoute(HttpMethod.GET, "/certificates", SEARCH),
            new PortalRoute(HttpMethod.GET, "/certificates/{serial}", SEARCH),
            new PortalRoute(HttpMethod.POST, "/certificates/{serial}/revoke", REVOKE),
            new PortalRoute(HttpMethod.GET, "/certificates/export.csv", SEARCH),
            new PortalRoute(HttpMethod.POST, "/certificates/revoke", REVOKE),
            new PortalRoute(HttpMethod.GET, "/expiring", SEARCH),
            // Who did what is for those who may see every certificate, the read-only auditors included.
            new PortalRoute(HttpMethod.GET, "/audit", SEARCH));

    private PortalRoutes() {
    }

    /** The routes above, then each form's page and POST with its kind's form roles. */
    private static List<PortalRoute> routes(PortalRoute... fixed) {
        List<PortalRoute> routes = new ArrayList<>(List.of(fixed));
        for (FormKind kind : FormKind.values()) {
            routes.add(new PortalRoute(HttpMethod.GET, kind.path(), PortalRoles.formRoles(kind.roleKind())));
            routes.add(new PortalRoute(HttpMethod.POST, kind.path(), PortalRoles.formRoles(kind.roleKind())));
        }
        return List.copyOf(routes);
    }

    private static Set<String> union(List<String> kinds, boolean csr) {
        return union(kinds, csr, !csr);
    }

    private static Set<String> union(List<String> kinds, boolean csr, boolean form) {
        Set<String> roles = new HashSet<>();
        for (String kind : kinds) {
            if (csr) {
                roles.addAll(PortalRoles.csrRoles(kind));
            }
            if (form) {
                roles.addAll(PortalRoles.formRoles(kind));
            }
        }
        return Set.copyOf(roles);
    }

    public static List<PortalRoute> all() {
        return ROUTES;
    }

    /** Whether a route (by any method) or a public page has this request's path. */
    public static boolean declares(HttpServletRequest request) {
        PathPatternRequestMatcher.Builder matchers = PathPatternRequestMatcher.withDefaults();
        return ROUTES.stream().anyMatch(route -> matchers.matcher(route.pattern()).matches(request))
                || PUBLIC.stream().anyMatch(pattern -> matchers.matcher(pattern).matches(request));
    }
}
