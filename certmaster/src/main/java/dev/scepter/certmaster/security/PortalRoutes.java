package dev.scepter.certmaster.security;

import static dev.scepter.certmaster.security.PortalRoles.ADMIN_FULL;
import static dev.scepter.certmaster.security.PortalRoles.MANAGE_ALL;
import static dev.scepter.certmaster.security.PortalRoles.MANAGE_ALL_READ;
import static dev.scepter.certmaster.security.PortalRoles.REQUEST_ALL;
import static dev.scepter.certmaster.security.PortalRoles.REQUEST_ALL_CSR;

import jakarta.servlet.http.HttpServletRequest;
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
    /** A CSR says nothing reliable about its kind before the core reads it: the roles for any kind. */
    private static final Set<String> SUBMIT_CSR = Set.of(ADMIN_FULL, REQUEST_ALL, REQUEST_ALL_CSR);
    private static final Set<String> SEARCH = Set.of(ADMIN_FULL, MANAGE_ALL, MANAGE_ALL_READ);
    private static final Set<String> REVOKE = Set.of(ADMIN_FULL, MANAGE_ALL);

    private static final List<PortalRoute> ROUTES = List.of(
            new PortalRoute(HttpMethod.GET, "/", ANY_ROLE),
            new PortalRoute(HttpMethod.GET, "/csr", SUBMIT_CSR),
            new PortalRoute(HttpMethod.POST, "/csr", SUBMIT_CSR),
            new PortalRoute(HttpMethod.GET, "/csr/issued/{serial}/{format}", SUBMIT_CSR),
            new PortalRoute(HttpMethod.GET, "/certificates", SEARCH),
            new PortalRoute(HttpMethod.GET, "/certificates/{serial}", SEARCH),
            new PortalRoute(HttpMethod.POST, "/certificates/{serial}/revoke", REVOKE),
            // Who did what is for those who may see every certificate, the read-only auditors included.
            new PortalRoute(HttpMethod.GET, "/audit", SEARCH));

    private PortalRoutes() {
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
