package dev.scepter.server.home;

import dev.scepter.server.certmaster.CertMasterBesideTheCore;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.stream.Collectors;
import org.bouncycastle.cert.X509CertificateHolder;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;

/** The homepage ({@code /}), the health probe ({@code /probe}) and the CA download ({@code /ca}). */
@Controller
public final class HomeController {

    private static final MediaType PKIX_CERT = MediaType.parseMediaType("application/pkix-cert");

    /**
     * The page is one document with its own inline style and no script, image or form: nothing
     * else may load, it may not be framed (clickjacking), and its content type is not guessed.
     * Spring Security's header writers do not run here (its filter chain guards only the API).
     */
    private static final String CONTENT_SECURITY_POLICY =
            "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final InstanceStatus status;
    private final X509CertificateHolder caCertificate;
    private final CertMasterBesideTheCore certMaster;

    public HomeController(InstanceStatus status, X509CertificateHolder caCertificate, CertMasterBesideTheCore certMaster) {
        this.status = status;
        this.caCertificate = caCertificate;
        this.certMaster = certMaster;
    }

    @GetMapping("/")
    public String home(Model model, HttpServletResponse response) {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        model.addAttribute("status", status);
        model.addAttribute("checks", status.checks());
        model.addAttribute("certMaster", certMaster.willServe());
        return "home";
    }

    /** 200 when every configured component works, 503 otherwise; for load balancers and App Service. */
    @GetMapping("/probe")
    @ResponseBody
    public ResponseEntity<String> probe() {
        var checks = status.checks();
        boolean healthy = checks.stream().allMatch(InstanceStatus.Check::ok);
        // The homepage's word for each row, so that the two never name one state differently.
        String body = checks.stream().map(c -> c.component() + ": " + c.state()).collect(Collectors.joining("\n")) + "\n";
        return ResponseEntity.status(healthy ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).contentType(MediaType.TEXT_PLAIN).body(body);
    }

    @GetMapping("/ca")
    @ResponseBody
    public ResponseEntity<byte[]> ca() throws IOException {
        return ResponseEntity.ok().contentType(PKIX_CERT)
                .header("Content-Disposition", "attachment; filename=\"scepter-ca.cer\"").body(caCertificate.getEncoded());
    }
}
