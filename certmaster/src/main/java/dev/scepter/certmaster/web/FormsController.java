package dev.scepter.certmaster.web;

import dev.scepter.certmaster.core.CoreApi;
import dev.scepter.certmaster.core.CoreRefusal;
import dev.scepter.certmaster.forms.FormInput;
import dev.scepter.certmaster.forms.FormKind;
import dev.scepter.certmaster.forms.KeyChoice;
import dev.scepter.certmaster.forms.KeyDelivery;
import dev.scepter.certmaster.forms.OneTimeKeyFile;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The certificate forms: the key is made here, on the portal's server, a CSR from it goes to the
 * core with the form's kind ({@code POST /api/csr?kind=&validityDays=}), and the key leaves once,
 * in the answer to the POST: a page that shows the generated password and carries the encrypted
 * file as a {@code data:} download link. Nothing of the key or the password is kept: not in the
 * session, not on disk, not in a log; the page is {@code no-store}. Each form's route has its
 * kind's roles in {@code PortalRoutes}.
 */
@Controller
public class FormsController {

    /** Every form's path, for the mappings (PortalRoutes gives each its roles). */
    static final String SERVER = "/forms/server";
    static final String CLIENT = "/forms/client";
    static final String USER = "/forms/user";
    static final String CODE_SIGNING = "/forms/code-signing";
    static final String SMIME = "/forms/smime";

    /** How long a second sending waits for a first one still with the core, to name its certificate. */
    private static final java.time.Duration FIRST_SENDING_PATIENCE = java.time.Duration.ofSeconds(20);

    private final CoreApi core;
    /** The installation's cap on lifetimes ({@code CertMasterOptions.validityCapDays}). */
    private final int capDays;
    private final SecureRandom random = new SecureRandom();

    public FormsController(CoreApi core, dev.scepter.certmaster.CertMasterOptions options) {
        this.core = core;
        this.capDays = options.validityCapDays();
    }

    @GetMapping({SERVER, CLIENT, USER, CODE_SIGNING, SMIME})
    public String form(HttpServletRequest request, HttpSession session, Model model) {
        FormKind kind = kind(request);
        show(model, kind, FormInput.blank(kind, capDays), null, ticket(session));
        return "form";
    }

    @PostMapping({SERVER, CLIENT, USER, CODE_SIGNING, SMIME})
    public String issue(HttpServletRequest request, @ModelAttribute FormInput input,
            @RequestParam(name = "ticket", required = false) String ticket, Authentication user, HttpSession session,
            HttpServletResponse response, Model model) {
        FormKind kind = kind(request);
        FormInput.Checked checked;
        try {
            checked = input.check(kind, capDays);
        } catch (FormInput.Refused refused) {
            return refuse(kind, input, refused.getMessage(), session, response, model);
        }
        // What can fail without the core is done before the core issues, so that a failure leaves no
        // certificate whose key nobody will ever have: the CA certificate first (a failure here leaves the ticket open).
        X509Certificate ca = IssuedCertificates.parse(core.caCertificate());
        if (!tickets(session).use(ticket)) {
            return sentAlready(kind, input, ticket, session, response, model);
        }
        try {
            return issueWith(kind, checked, ca, input, ticket, user, session, response, model);
        } finally {
            tickets(session).ended(ticket);
        }
    }

    /**
     * A POST with a used ticket: a reload, or a double click, which makes the browser drop the
     * first sending's answer (the key page) while that sending still issues. Waits a little for a
     * first sending still under way, then names the certificate it issued, to revoke if its key
     * file was not saved.
     */
    private String sentAlready(FormKind kind, FormInput input, String ticket, HttpSession session, HttpServletResponse response,
            Model model) {
        response.setStatus(HttpServletResponse.SC_CONFLICT);
        FormTickets.Earlier earlier;
        try {
            earlier = tickets(session).earlier(ticket, FIRST_SENDING_PATIENCE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            earlier = new FormTickets.Earlier(FormTickets.Outcome.UNDER_WAY, Optional.empty());
        }
        String sent = "This form was sent already (a reload or a second click), so nothing more was issued. ";
        String message = switch (earlier.outcome()) {
            case ISSUED -> {
                model.addAttribute("earlierSerial", earlier.serialHex().orElseThrow());
                yield sent + "The first sending issued certificate " + earlier.serialHex().get() + "; if its key file was not saved,"
                        + " that certificate's key is lost: revoke it, and send the form again to issue another certificate with another key.";
            }
            case UNDER_WAY -> sent + "The first sending is still under way; look for its certificate in the search before sending the form again.";
            case NOTHING_ISSUED -> sent + "The first sending issued nothing either. Send the form again.";
            case NEVER_USED -> sent + "Send it again to issue another certificate with another key.";
        };
        show(model, kind, input, message, ticket(session));
        return "form";
    }

    private String issueWith(FormKind kind, FormInput.Checked checked, X509Certificate ca, FormInput input, String ticket,
            Authentication user, HttpSession session, HttpServletResponse response, Model model) {
        KeyPair keys = checked.key().generate(random);
        byte[] certificationRequest = checked.certificationRequest(keys);
        byte[] der;
        try {
            // The signed-in person, recorded by the core as "{person} through API user {portal}".
            der = core.issue(certificationRequest, Optional.of(kind.coreKind()), Optional.of(checked.validityDays()), user.getName());
        } catch (CoreRefusal refusal) {
            return refuse(kind, input, refusal.detail(), session, response, model);
        }
        X509Certificate certificate = IssuedCertificates.parse(der);
        String serial = IssuedCertificates.serialHex(certificate);
        issued(session).add(serial, der);
        tickets(session).issued(ticket, serial);
        OneTimeKeyFile file;
        try {
            file = OneTimeKeyFile.write(checked.delivery(), keys.getPrivate(), certificate, List.of(ca), checked.commonName(),
                    "certificate-" + serial.toLowerCase(java.util.Locale.ROOT), random);
        } catch (RuntimeException e) {
            // Not expected (the key and the certificate are ours and well formed), but the certificate exists now: name it.
            response.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            model.addAttribute("earlierSerial", serial);
            show(model, kind, input, "Certificate " + serial + " was issued, but its key file could not be made, so its key is lost:"
                    + " revoke it, and send the form again.", ticket(session));
            return "form";
        }
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        model.addAttribute("kind", kind);
        model.addAttribute("serial", serial);
        model.addAttribute("subject", certificate.getSubjectX500Principal().getName());
        model.addAttribute("sans", names(certificate));
        model.addAttribute("notAfter", certificate.getNotAfter().toInstant());
        model.addAttribute("file", file);
        return "form-issued";
    }

    private String refuse(FormKind kind, FormInput input, String message, HttpSession session, HttpServletResponse response, Model model) {
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        show(model, kind, input, message, ticket(session));
        return "form";
    }

    private String ticket(HttpSession session) {
        return tickets(session).issue(random);
    }

    private static FormTickets tickets(HttpSession session) {
        FormTickets tickets = (FormTickets) session.getAttribute(FormTickets.SESSION_ATTRIBUTE);
        if (tickets == null) {
            tickets = new FormTickets();
            session.setAttribute(FormTickets.SESSION_ATTRIBUTE, tickets);
        }
        return tickets;
    }

    private void show(Model model, FormKind kind, FormInput input, String error, String ticket) {
        model.addAttribute("ticket", ticket);
        model.addAttribute("maximumDays", kind.maximumDays(capDays));
        model.addAttribute("kind", kind);
        model.addAttribute("input", input);
        model.addAttribute("keys", KeyChoice.values());
        model.addAttribute("deliveries", KeyDelivery.values());
        model.addAttribute("error", error);
    }

    private static FormKind kind(HttpServletRequest request) {
        String path = request.getServletPath();
        return FormKind.bySlug(path.substring(path.lastIndexOf('/') + 1)).orElseThrow();
    }

    /** The SANs as "dns:www.example.com", "ip:192.0.2.1", "email:...", "upn:..." (the core's search spelling). */
    static List<String> names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans == null) {
                return names;
            }
            for (List<?> san : sans) {
                int type = (Integer) san.get(0);
                switch (type) {
                    case 1 -> names.add("email:" + san.get(1));
                    case 2 -> names.add("dns:" + san.get(1));
                    case 7 -> names.add("ip:" + san.get(1));
                    case 0 -> names.add("upn");
                    default -> names.add("type " + type);
                }
            }
        } catch (CertificateParsingException e) {
            names.add("(unreadable)");
        }
        return names;
    }

    private static IssuedCertificates issued(HttpSession session) {
        IssuedCertificates issued = (IssuedCertificates) session.getAttribute(IssuedCertificates.SESSION_ATTRIBUTE);
        if (issued == null) {
            issued = new IssuedCertificates();
            session.setAttribute(IssuedCertificates.SESSION_ATTRIBUTE, issued);
        }
        return issued;
    }
}
