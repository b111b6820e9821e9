package dev.scepter.certmaster.web;

import dev.scepter.certmaster.CertMasterOptions;
import dev.scepter.certmaster.security.OidcProvider;
import dev.scepter.certmaster.security.PortalRoles;
import dev.scepter.certmaster.security.PortalRoute;
import dev.scepter.certmaster.security.PortalRoutes;
import dev.scepter.certmaster.security.PortalSecurityConfiguration;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;

/** The start page, the sign-in page and the page for a role that is missing. */
@Controller
public class PortalController {

    private final CertMasterOptions options;

    public PortalController(CertMasterOptions options) {
        this.options = options;
    }

    @GetMapping("/")
    public String home(Authentication user, Model model) {
        Set<String> roles = roles(user);
        model.addAttribute("user", user.getName());
        // Only SCEPman's role names: Spring Security adds authorities of its own (FACTOR_PASSWORD) that are no role.
        model.addAttribute("roles", roles.stream().filter(PortalRoles.ALL::contains).sorted().toList());
        model.addAttribute("maySubmitCsr", allowed(roles, HttpMethod.POST, "/csr"));
        model.addAttribute("maySearch", allowed(roles, HttpMethod.GET, "/certificates"));
        model.addAttribute("mayAudit", allowed(roles, HttpMethod.GET, "/audit"));
        model.addAttribute("forms", java.util.Arrays.stream(dev.scepter.certmaster.forms.FormKind.values())
                .filter(kind -> allowed(roles, HttpMethod.POST, kind.path())).toList());
        return "home";
    }

    @GetMapping("/signin")
    public String signIn(Authentication user, Model model) {
        if (user != null && user.isAuthenticated() && !(user instanceof AnonymousAuthenticationToken)) {
            return "redirect:/";
        }
        model.addAttribute("oidc", options.oidc().isPresent());
        model.addAttribute("oidcPath", OidcProvider.AUTHORIZATION_PATH);
        model.addAttribute("localAccounts", options.localAccounts());
        return "signin";
    }

    /** Every method: a refused POST is forwarded here as it came. */
    @RequestMapping("/denied")
    public String denied(HttpServletRequest request, HttpServletResponse response, Model model) {
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        model.addAttribute("csrf", Boolean.TRUE.equals(request.getAttribute(PortalSecurityConfiguration.CSRF_REFUSED)));
        return "denied";
    }

    static Set<String> roles(Authentication user) {
        return user == null ? Set.of() : user.getAuthorities().stream().map(GrantedAuthority::getAuthority).collect(Collectors.toSet());
    }

    /** Whether the route table lets these roles use this route: pages offer only what the server will allow. */
    static boolean allowed(Set<String> roles, HttpMethod method, String pattern) {
        return PortalRoutes.all().stream().filter(route -> route.method().equals(method) && route.pattern().equals(pattern))
                .map(PortalRoute::roles).anyMatch(allowed -> allowed.stream().anyMatch(roles::contains));
    }
}
