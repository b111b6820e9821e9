package dev.scepter.certmaster.web;

import dev.scepter.certmaster.core.CertificateSummary;
import dev.scepter.certmaster.core.CoreApi;
import dev.scepter.certmaster.core.CoreRefusal;
import dev.scepter.certmaster.core.RevocationReason;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpMethod;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Search (SCEPman's management search: text over serial, subject, SANs and requester; state; pages) and a certificate's detail and revocation. */
@Controller
public class CertificatesController {

    static final List<String> VALIDITIES = List.of("Any", "Active", "Expired", "Revoked");
    static final int PAGE_SIZE = 25;
    private static final String SERIAL = "[0-9A-Fa-f]{1,64}";

    private final CoreApi core;

    public CertificatesController(CoreApi core) {
        this.core = core;
    }

    @GetMapping("/certificates")
    public String search(@RequestParam(name = "q", required = false) String text,
            @RequestParam(name = "validity", required = false) String validity, @RequestParam(name = "next", required = false) String next,
            HttpServletResponse response, Model model) {
        String state = VALIDITIES.stream().filter(v -> v.equalsIgnoreCase(validity)).findFirst().orElse("Any");
        model.addAttribute("q", text == null ? "" : text);
        model.addAttribute("validity", state);
        model.addAttribute("validities", VALIDITIES);
        model.addAttribute("now", Instant.now());
        try {
            CoreApi.SearchResult result = core.search(text, state, Optional.ofNullable(next), PAGE_SIZE);
            model.addAttribute("items", result.items());
            model.addAttribute("next", result.continuationToken().orElse(null));
            model.addAttribute("paged", next != null && !next.isBlank());
        } catch (CoreRefusal refusal) {
            // Only a continuation token from an earlier run of the core is refused here.
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("items", List.of());
            model.addAttribute("error", refusal.detail());
        }
        return "certificates";
    }

    @GetMapping("/certificates/{serial}")
    public String detail(@PathVariable String serial, Authentication user, HttpServletResponse response, Model model) {
        Optional<CertificateSummary> certificate = serial.matches(SERIAL) ? core.find(serial) : Optional.empty();
        if (certificate.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            model.addAttribute("serial", serial);
            return "certificate-missing";
        }
        model.addAttribute("c", certificate.get());
        model.addAttribute("now", Instant.now());
        model.addAttribute("reasons", RevocationReason.CHOICES);
        model.addAttribute("mayRevoke", PortalController.allowed(PortalController.roles(user), HttpMethod.POST, "/certificates/{serial}/revoke"));
        return "certificate";
    }

    @PostMapping("/certificates/{serial}/revoke")
    public String revoke(@PathVariable String serial, @RequestParam(name = "reason", defaultValue = "0") String reason, Authentication user,
            RedirectAttributes redirect) {
        if (!serial.matches(SERIAL)) {
            redirect.addFlashAttribute("error", "A serial number is hexadecimal.");
            return "redirect:/certificates";
        }
        int code;
        try {
            code = Integer.parseInt(reason);
        } catch (NumberFormatException e) {
            code = -1;
        }
        if (!RevocationReason.allowed(code)) {
            redirect.addFlashAttribute("error", "Choose one of the listed reasons.");
            return "redirect:/certificates/" + serial;
        }
        try {
            core.revoke(serial, code, user.getName());
            redirect.addFlashAttribute("message", "Revoked (" + RevocationReason.name(code) + "). OCSP answers revoked from now on; the next CRL lists it.");
        } catch (CoreRefusal refusal) {
            redirect.addFlashAttribute("error", refusal.detail());
        }
        return "redirect:/certificates/" + serial;
    }
}
