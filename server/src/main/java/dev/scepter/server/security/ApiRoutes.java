package dev.scepter.server.security;

import static dev.scepter.authority.token.ApiRole.CHALLENGE_CREATE;
import static dev.scepter.authority.token.ApiRole.CSR_REQUEST;
import static dev.scepter.authority.token.ApiRole.CSR_REQUEST_DB;
import static dev.scepter.authority.token.ApiRole.CSR_REQUEST_DIRECT;
import static dev.scepter.authority.token.ApiRole.DIRECTORY_MANAGE;
import static dev.scepter.authority.token.ApiRole.MANAGE_ALL;

import dev.scepter.authority.token.ApiRole;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.HttpMethod;

/**
 * The route table: every {@code /api} route and the roles that may call it, in one place. The
 * security configuration reads it; an {@code /api} request that matches no route here is refused
 * (deny by default), so a new controller method is unreachable until its roles are declared
 * here, and {@code RouteTableTest} fails until they are.
 */
public final class ApiRoutes {

    private static final List<ApiRoute> ROUTES = List.of(
            // REST enrollment, as SCEPman's CSR API: any of its three request roles.
            route(HttpMethod.POST, "/api/csr", CSR_REQUEST, CSR_REQUEST_DB, CSR_REQUEST_DIRECT),
            route(HttpMethod.POST, "/api/challenges", CHALLENGE_CREATE),
            route(HttpMethod.PUT, "/api/directory/{kind}/{id}", DIRECTORY_MANAGE),
            route(HttpMethod.GET, "/api/directory/{kind}/{id}", DIRECTORY_MANAGE),
            route(HttpMethod.DELETE, "/api/directory/{kind}/{id}", DIRECTORY_MANAGE),
            route(HttpMethod.PATCH, "/api/manage/revoke/{serial}", MANAGE_ALL),
            route(HttpMethod.GET, "/api/manage/search", MANAGE_ALL),
            route(HttpMethod.GET, "/api/manage/certificates/{serial}", MANAGE_ALL),
            route(HttpMethod.GET, "/api/manage/audit", MANAGE_ALL),
            // The CRL for Certificate Master's download, with or without AppConfig:CRL:RequestToken.
            route(HttpMethod.GET, "/api/manage/crl", MANAGE_ALL),
            // Only the role SCEPman keeps for Certificate Master speaks for people: it may report their sign-ins.
            route(HttpMethod.POST, "/api/manage/audit/sign-in", CSR_REQUEST));

    private ApiRoutes() {
    }

    private static ApiRoute route(HttpMethod method, String pattern, ApiRole... roles) {
        return new ApiRoute(method, pattern, Set.of(roles), ApiRoute.DEFAULT_MAX_BODY_BYTES);
    }

    public static List<ApiRoute> all() {
        return ROUTES;
    }

    /** The route declared for exactly this method and pattern (as a controller maps it). */
    public static Optional<ApiRoute> find(HttpMethod method, String pattern) {
        return ROUTES.stream().filter(r -> r.method().equals(method) && r.pattern().equals(pattern)).findFirst();
    }
}
