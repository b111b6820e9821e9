package dev.scepter.certmaster.web;

import dev.scepter.certmaster.core.CertificateDetail;
import dev.scepter.certmaster.core.CoreApi;
import dev.scepter.certmaster.core.CoreRefusal;
import dev.scepter.certmaster.core.CoreUnavailable;
import dev.scepter.certmaster.core.RevocationReason;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.util.ArrayList;
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

/**
 * Search (SCEPman's management search: text over serial, subject, SANs, requester and the bound
 * device or user; state, type, endpoint and expiry; pages), a certificate's detail (its live
 * status in words and its history, as the core explains them) and revocation, one or several.
 */
@Controller
public class CertificatesController {

    static final List<String> VALIDITIES = List.of("Any", "Active", "Expired", "Revoked");
    static final List<String> TYPES = List.of("Any", "Device", "User", "Static", "DC");
    static final int PAGE_SIZE = 25;
    /** The most certificates one bulk revocation takes (a page holds 25). */
    static final int MAX_BULK = 100;
    private static final String SERIAL = "[0-9A-Fa-f]{1,64}";

    private final CoreApi core;

    public CertificatesController(CoreApi core) {
        this.core = core;
    }

    @GetMapping("/certificates")
    public String search(@RequestParam(name = "q", required = false) String text,
            @RequestParam(name = "validity", required = false) String validity, @RequestParam(name = "type", required = false) String type,
            @RequestParam(name = "endpoint", required = false) String endpoint, @RequestParam(name = "expires", required = false) String expires,
            @RequestParam(name = "next", required = false) String next, Authentication user, HttpServletResponse response, Model model) {
        Search search = Search.of(text, validity, type, endpoint, expires);
        model.addAttribute("q", search.text());
        model.addAttribute("validity", search.validity());
        model.addAttribute("validities", VALIDITIES);
        model.addAttribute("type", search.type());
        model.addAttribute("types", TYPES);
        model.addAttribute("endpoint", search.endpoint());
        model.addAttribute("expires", search.expiresText());
        model.addAttribute("now", Instant.now());
        model.addAttribute("reasons", RevocationReason.CHOICES);
        model.addAttribute("mayRevoke", PortalController.allowed(PortalController.roles(user), HttpMethod.POST, "/certificates/revoke"));
        model.addAttribute("items", List.of());
        if (search.problem().isPresent()) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("error", search.problem().get());
            return "certificates";
        }
        try {
            CoreApi.SearchResult result = core.search(search.filters(), Optional.ofNullable(next), PAGE_SIZE);
            model.addAttribute("items", result.items());
            model.addAttribute("next", result.continuationToken().orElse(null));
            model.addAttribute("paged", next != null && !next.isBlank());
        } catch (CoreRefusal refusal) {
            // A continuation token from an earlier run of the core, or a filter the core refuses.
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("error", refusal.detail());
        }
        return "certificates";
    }

    @GetMapping("/certificates/{serial}")
    public String detail(@PathVariable String serial, Authentication user, HttpServletResponse response, Model model) {
        Optional<CertificateDetail> detail = serial.matches(SERIAL) ? core.certificate(serial) : Optional.empty();
        if (detail.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            model.addAttribute("serial", serial);
            return "certificate-missing";
        }
        model.addAttribute("c", detail.get().certificate());
        model.addAttribute("detail", detail.get());
        model.addAttribute("now", Instant.now());
        model.addAttribute("reasons", RevocationReason.CHOICES);
        model.addAttribute("mayRevoke", PortalController.allowed(PortalController.roles(user), HttpMethod.POST, "/certificates/{serial}/revoke"));
        return "certificate";
    }

    /**
     * Revokes the selected certificates with one reason, one core call each (each audited by the
     * core with the signed-in person as the revoker); the page says how each went.
     */
    @PostMapping("/certificates/revoke")
    public String revokeSeveral(@RequestParam(name = "serial", required = false) List<String> serials,
            @RequestParam(name = "reason", defaultValue = "0") String reason, Authentication user, HttpServletResponse response, Model model) {
        int code = reasonCode(reason);
        List<String> chosen = serials == null ? List.of() : serials.stream().filter(s -> !s.isBlank()).distinct().toList();
        String problem = !RevocationReason.allowed(code) ? "Choose one of the listed reasons."
                : chosen.isEmpty() ? "Select at least one certificate."
                : chosen.size() > MAX_BULK ? "Revoke at most " + MAX_BULK + " certificates at once."
                : chosen.stream().anyMatch(s -> !s.matches(SERIAL)) ? "A serial number is hexadecimal." : null;
        if (problem != null) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("error", problem);
            model.addAttribute("results", List.of());
            return "revoke-results";
        }
        List<BulkResult> results = new ArrayList<>();
        boolean outage = false;
        for (String serial : chosen) {
            if (outage) {
                // One wait for a core that does not answer is enough: the rest are not sent, and said so.
                results.add(new BulkResult(serial, false, "Not tried: the CA did not answer about an earlier one."));
                continue;
            }
            try {
                core.revoke(serial, code, user.getName());
                results.add(new BulkResult(serial, true, "Revoked (" + RevocationReason.name(code) + ")"));
            } catch (CoreRefusal refusal) {
                results.add(new BulkResult(serial, false, refusal.detail()));
            } catch (CoreUnavailable unavailable) {
                outage = true;
                results.add(new BulkResult(serial, false, sent(unavailable)
                        ? "Unknown: the CA did not answer in time, and may have revoked it; check this certificate."
                        : "The CA did not answer; not revoked."));
            }
        }
        model.addAttribute("results", results);
        model.addAttribute("revoked", results.stream().filter(BulkResult::revoked).count());
        model.addAttribute("failed", results.stream().filter(r -> !r.revoked()).count());
        return "revoke-results";
    }

    /**
     * Whether the request may have reached the core: a timeout waiting for the answer (not for the
     * connection) or a server error, after which the core may have committed the revocation.
     */
    private static boolean sent(CoreUnavailable unavailable) {
        Throwable cause = unavailable.getCause();
        return cause == null
                ? unavailable.getMessage() != null && unavailable.getMessage().startsWith("The CA's API answered HTTP 5")
                : cause instanceof java.net.http.HttpTimeoutException && !(cause instanceof java.net.http.HttpConnectTimeoutException);
    }

    /** How one certificate of a bulk revocation went. */
    public record BulkResult(String serial, boolean revoked, String message) {
    }

    private static int reasonCode(String reason) {
        try {
            return Integer.parseInt(reason);
        } catch (NumberFormatException e) {
            return -1;
        }
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
            redirect.addFlashAttribute("message", "Revoked (" + RevocationReason.name(code) + "). OCSP answers revoked from now on; the CRL lists it where the core publishes revocations in it (AppConfig:CRL:Source=Storage).");
        } catch (CoreRefusal refusal) {
            redirect.addFlashAttribute("error", refusal.detail());
        }
        return "redirect:/certificates/" + serial;
    }
}
