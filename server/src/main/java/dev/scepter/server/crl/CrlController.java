package dev.scepter.server.crl;

import dev.scepter.authority.ca.CaKeyUnavailableException;
import dev.scepter.settings.CrlSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /crl/{token}} (DER) and {@code /crl/pem/{token}} (PEM), protected by
 * {@code AppConfig:CRL:RequestToken} only, as in SCEPman; 404 while no token is set.
 */
@RestController
public final class CrlController {

    private static final System.Logger LOG = System.getLogger(CrlController.class.getName());
    private static final MediaType PKIX_CRL = MediaType.parseMediaType("application/pkix-crl");

    private final Optional<byte[]> token;
    private final CrlService crls;

    public CrlController(CrlSettings settings, CrlService crls) {
        this.token = settings.requestToken().map(t -> t.getBytes(StandardCharsets.UTF_8));
        this.crls = crls;
    }

    @GetMapping("/crl/{token}")
    public ResponseEntity<byte[]> der(@PathVariable("token") String presented) {
        if (!authorised(presented)) {
            return ResponseEntity.notFound().build();
        }
        return ResponseEntity.ok().contentType(PKIX_CRL).body(crls.current());
    }

    /**
     * The current CRL for a caller with {@code Manage.All} (Certificate Master's download): the
     * token authenticates instead of {@code AppConfig:CRL:RequestToken}, which need not be set.
     */
    @io.swagger.v3.oas.annotations.Operation(summary = "The current CRL (DER), whether or not AppConfig:CRL:RequestToken is set")
    @GetMapping("/api/manage/crl")
    public ResponseEntity<byte[]> forManagers() {
        return ResponseEntity.ok().contentType(PKIX_CRL).body(crls.current());
    }

    @GetMapping("/crl/pem/{token}")
    public ResponseEntity<String> pem(@PathVariable("token") String presented) {
        if (!authorised(presented)) {
            return ResponseEntity.notFound().build();
        }
        String body = "-----BEGIN X509 CRL-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(crls.current()) + "\n-----END X509 CRL-----\n";
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/x-pem-file")).body(body);
    }

    /** No CRL is held and the CA key cannot sign one now: come back later, not a fault of ours. */
    @ExceptionHandler(CaKeyUnavailableException.class)
    public ResponseEntity<String> caKeyUnavailable(CaKeyUnavailableException e) {
        LOG.log(System.Logger.Level.WARNING, "No CRL served, the CA key cannot be used now: {0}", e.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "30").contentType(MediaType.TEXT_PLAIN)
                .body("The CA key cannot sign a CRL now; retry later.");
    }

    /** Constant time: the token is a secret. */
    private boolean authorised(String presented) {
        return token.isPresent() && MessageDigest.isEqual(digest(token.get()), digest(presented.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] digest(byte[] value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
