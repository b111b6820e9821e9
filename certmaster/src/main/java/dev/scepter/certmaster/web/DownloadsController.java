package dev.scepter.certmaster.web;

import dev.scepter.certmaster.core.CoreApi;
import java.nio.charset.StandardCharsets;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * The CA's certificate (the chain: the CA issues from its root directly) as DER or PEM, and its
 * current CRL, fetched from the core for whoever is signed in: relying parties need them, and
 * the CRL's public URL carries a token the portal's users need not know.
 */
@Controller
public class DownloadsController {

    private static final MediaType PKIX_CRL = MediaType.parseMediaType("application/pkix-crl");

    private final CoreApi core;

    public DownloadsController(CoreApi core) {
        this.core = core;
    }

    @GetMapping("/ca/{format}")
    public ResponseEntity<byte[]> ca(@PathVariable String format) {
        return switch (format) {
            case "der" -> attachment("ca.cer", CsrSubmissionController.PKIX_CERT, core.caCertificate());
            case "pem" -> attachment("ca-chain.pem", CsrSubmissionController.PEM,
                    IssuedCertificates.pem(core.caCertificate()).getBytes(StandardCharsets.US_ASCII));
            default -> ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.TEXT_PLAIN)
                    .body("The CA certificate comes as der or pem.".getBytes(StandardCharsets.UTF_8));
        };
    }

    @GetMapping("/crl")
    public ResponseEntity<byte[]> crl() {
        return attachment("ca.crl", PKIX_CRL, core.crl());
    }

    private static ResponseEntity<byte[]> attachment(String fileName, MediaType type, byte[] body) {
        return ResponseEntity.ok().contentType(type)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(fileName).build().toString()).body(body);
    }
}
