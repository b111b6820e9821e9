package dev.scepter.certmaster.web;

import dev.scepter.certmaster.core.CoreApi;
import dev.scepter.certmaster.core.CoreRefusal;
import dev.scepter.certmaster.forms.FormKind;
import dev.scepter.certmaster.security.PortalRoles;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;

/**
 * CSR submission: a PKCS#10 request pasted (PEM) or uploaded (DER or PEM) goes to the core's
 * REST enrollment as it is; the core decides what is carried over (subject, SANs, KU, EKU) and
 * refuses what it will not sign (a weak key, a bad signature), in words shown on the page.
 * The person chooses the kind (server, client, ...): the page checks their role for that kind
 * ({@code Request.<kind>} or {@code .Csr}) and the core issues by the kind's rules, refusing a
 * request that asks for usages outside it. "As the request says" (KU and EKU from the request,
 * the core's defaults otherwise) needs {@code Request.All} or {@code Request.All.Csr}.
 */
@Controller
public class CsrSubmissionController {

    static final MediaType PKIX_CERT = MediaType.parseMediaType("application/pkix-cert");
    static final MediaType PEM = MediaType.parseMediaType("application/x-pem-file");
    private static final int MAX_CSR_BYTES = 64 * 1024;

    private final CoreApi core;

    public CsrSubmissionController(CoreApi core) {
        this.core = core;
    }

    @GetMapping("/csr")
    public String form(Authentication user, Model model) {
        offer(user, model, null);
        return "csr";
    }

    /** The kinds this person may submit, and whether "as the request says". */
    private static void offer(Authentication user, Model model, String chosen) {
        Set<String> roles = PortalController.roles(user);
        model.addAttribute("asRequested", PortalRoles.csrRoles("All").stream().anyMatch(roles::contains));
        model.addAttribute("kinds", Arrays.stream(FormKind.values())
                .filter(kind -> PortalRoles.csrRoles(kind.roleKind()).stream().anyMatch(roles::contains)).toList());
        model.addAttribute("chosenKind", chosen == null ? "" : chosen);
    }

    @PostMapping("/csr")
    public String submit(@RequestParam(name = "pem", required = false) String pem, @RequestParam(name = "file", required = false) MultipartFile file,
            @RequestParam(name = "kind", required = false, defaultValue = "") String kindName, Authentication user,
            HttpSession session, HttpServletResponse response, Model model) throws IOException {
        offer(user, model, kindName);
        Optional<FormKind> kind = kindName.isEmpty() ? Optional.empty() : FormKind.byCoreKind(kindName);
        if (!kindName.isEmpty() && kind.isEmpty()) {
            return refuse("Choose one of the listed kinds.", pem, response, model);
        }
        Set<String> needed = PortalRoles.csrRoles(kind.map(FormKind::roleKind).orElse("All"));
        if (needed.stream().noneMatch(PortalController.roles(user)::contains)) {
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            model.addAttribute("error", "Your account lacks the role for " + kind.map(k -> k.title() + " certificates")
                    .orElse("requests whose usages the request decides") + ": one of " + String.join(", ", needed.stream().sorted().toList()) + ".");
            model.addAttribute("pem", pem);
            return "csr";
        }
        byte[] request;
        if (file != null && !file.isEmpty()) {
            request = file.getBytes();
        } else if (pem != null && !pem.isBlank()) {
            request = pem.strip().getBytes(StandardCharsets.UTF_8);
        } else {
            return refuse("Paste a certification request (PEM) or choose a file (DER or PEM).", pem, response, model);
        }
        if (request.length > MAX_CSR_BYTES) {
            return refuse("This is far larger than a certification request (at most 64 KiB).", null, response, model);
        }
        byte[] der;
        try {
            // The signed-in person, recorded by the core as "{person} through API user {portal}".
            der = core.issue(request, kind.map(FormKind::coreKind), Optional.empty(), user.getName());
        } catch (CoreRefusal refusal) {
            return refuse(refusal.detail(), pem, response, model);
        }
        X509Certificate certificate = IssuedCertificates.parse(der);
        String serial = IssuedCertificates.serialHex(certificate);
        issued(session).add(serial, der);
        model.addAttribute("serial", serial);
        model.addAttribute("subject", certificate.getSubjectX500Principal().getName());
        model.addAttribute("notAfter", certificate.getNotAfter().toInstant());
        model.addAttribute("pem", IssuedCertificates.pem(der));
        return "csr-issued";
    }

    @GetMapping("/csr/issued/{serial}/{format}")
    public ResponseEntity<byte[]> download(@PathVariable String serial, @PathVariable String format, HttpSession session) {
        Optional<byte[]> der = issued(session).get(serial);
        if (der.isEmpty() || !(format.equals("der") || format.equals("pem") || format.equals("chain"))) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.TEXT_PLAIN)
                    .body("No such download in this session; find the certificate in the search.".getBytes(StandardCharsets.UTF_8));
        }
        String name = "certificate-" + serial.toLowerCase(java.util.Locale.ROOT);
        return switch (format) {
            case "der" -> attachment(name + ".cer", PKIX_CERT, der.get());
            case "pem" -> attachment(name + ".pem", PEM, IssuedCertificates.pem(der.get()).getBytes(StandardCharsets.US_ASCII));
            default -> attachment(name + "-chain.pem", PEM,
                    (IssuedCertificates.pem(der.get()) + IssuedCertificates.pem(core.caCertificate())).getBytes(StandardCharsets.US_ASCII));
        };
    }

    private static ResponseEntity<byte[]> attachment(String fileName, MediaType type, byte[] body) {
        return ResponseEntity.ok().contentType(type)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(fileName).build().toString()).body(body);
    }

    private static String refuse(String message, String pem, HttpServletResponse response, Model model) {
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        model.addAttribute("error", message);
        model.addAttribute("pem", pem);
        return "csr";
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
