package dev.scepter.certmaster.web;

import dev.scepter.certmaster.forms.FormKind;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpMethod;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * The header's links, for every page: only those the route table lets the signed-in roles use, so
 * that the header offers nothing the server would refuse (the server checks each route anyway).
 */
@ControllerAdvice
public class Navigation {

    /**
     * What the header shows.
     *
     * @param submitCsr the CSR page
     * @param search    the search
     * @param expiring  the expiry page
     * @param audit     the audit trail
     * @param forms     the forms these roles may use, in the order of the home page
     */
    public record Links(boolean submitCsr, boolean search, boolean expiring, boolean audit, List<FormKind> forms) {
    }

    @ModelAttribute("nav")
    public Links links(Authentication user) {
        Set<String> roles = PortalController.roles(user);
        return new Links(PortalController.allowed(roles, HttpMethod.POST, "/csr"),
                PortalController.allowed(roles, HttpMethod.GET, "/certificates"),
                PortalController.allowed(roles, HttpMethod.GET, "/expiring"),
                PortalController.allowed(roles, HttpMethod.GET, "/audit"),
                Arrays.stream(FormKind.values()).filter(kind -> PortalController.allowed(roles, HttpMethod.POST, kind.path())).toList());
    }
}
