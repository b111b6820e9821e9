package dev.scepter.certmaster.security;

import java.util.Set;
import org.springframework.http.HttpMethod;

/** A portal route and the roles that may use it. */
public record PortalRoute(HttpMethod method, String pattern, Set<String> roles) {
}
