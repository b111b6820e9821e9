package dev.scepter.server.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.web.firewall.FirewalledRequest;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Spring Security's strict firewall where paths are authorised (the API), and none elsewhere.
 * Spring Security applies its firewall to every request the dispatcher servlet gets, and device
 * protocols (SCEP, EST, the CRL) must keep answering what they answered before; their controllers
 * read and validate the raw request themselves. OCSP, whose GET requests carry base64 in the path
 * (RFC 6960 appendix A.1) with {@code //} and {@code %2F} that the strict firewall refuses, is a
 * servlet of its own and passes none of Spring's filters ({@code DispatcherServletFilters}).
 */
final class ApiFirewall implements HttpFirewall {

    private final RequestMatcher api;
    private final StrictHttpFirewall strict = new StrictHttpFirewall();

    ApiFirewall(RequestMatcher api) {
        this.api = api;
    }

    @Override
    public FirewalledRequest getFirewalledRequest(HttpServletRequest request) throws RequestRejectedException {
        if (api.matches(request)) {
            return strict.getFirewalledRequest(request);
        }
        return new FirewalledRequest(request) {
            @Override
            public void reset() {
            }
        };
    }

    @Override
    public HttpServletResponse getFirewalledResponse(HttpServletResponse response) {
        return response;
    }
}
