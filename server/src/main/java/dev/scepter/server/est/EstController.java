package dev.scepter.server.est;

import dev.scepter.authority.enrollment.EnrollmentService;
import dev.scepter.authority.enrollment.OneTimeChallenges;
import dev.scepter.authority.token.ApiToken;
import dev.scepter.authority.token.ApiTokens;
import dev.scepter.protocol.csr.MalformedCertificationRequestException;
import dev.scepter.protocol.est.EstCodec;
import dev.scepter.server.CoreContext;
import dev.scepter.server.DirectorySelection;
import dev.scepter.server.scep.ScepController;
import dev.scepter.server.web.ApiProblems;
import dev.scepter.settings.DbCsrSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * EST (RFC 7030) under {@code /.well-known/est/} and, with a label (RFC 7030 section 3.2.2),
 * under {@code /.well-known/est/{label}/}: this CA is the only one, so every label reaches it and
 * is recorded with the requester. {@code cacerts} and {@code csrattrs} are anonymous;
 * {@code simpleenroll} and {@code simplereenroll} authenticate as {@link EstEnrollment} says. The
 * whole of EST is served with REST enrollment ({@code AppConfig:DbCSRValidation:Enabled}), as in
 * SCEPman, and answers 404 without it. Refusals are problem+json: 400 for a body that is no
 * PKCS#10, 401 (with {@code WWW-Authenticate}) without usable credentials, 403 for a caller who
 * may not have this certificate, 503 with {@code Retry-After} while the store, the directory or
 * the CA key is unavailable.
 */
@RestController
public final class EstController {

    static final String PREFIX = "/.well-known/est";
    private static final MediaType CERTS_ONLY = MediaType.parseMediaType(EstCodec.CERTS_ONLY);
    private static final MediaType CSR_ATTRS = MediaType.parseMediaType(EstCodec.CSR_ATTRS);
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** RFC 7235 section 4.1: every scheme simpleenroll takes over HTTP. */
    private static final List<String> CHALLENGES = List.of("Bearer", "Basic realm=\"EST\", charset=\"UTF-8\"");
    /** csrattrs: the signature algorithms we would have a request signed with (RFC 7030 section 4.5.2). */
    private static final List<ASN1ObjectIdentifier> SIGNATURE_ALGORITHMS =
            List.of(PKCSObjectIdentifiers.sha256WithRSAEncryption, X9ObjectIdentifiers.ecdsa_with_SHA256);
    private static final System.Logger LOG = System.getLogger(EstController.class.getName());

    private final CoreContext core;
    private final ApiTokens tokens;
    private final EstEnrollment enrollment;
    private final boolean enabled;
    private final MeterRegistry meters;

    public EstController(CoreContext core, DbCsrSettings settings, ApiTokens tokens, EnrollmentService enrollments,
            OneTimeChallenges oneTimeChallenges, MeterRegistry meters, DirectorySelection directories) {
        this.core = core;
        this.meters = meters;
        this.tokens = tokens;
        this.enabled = settings.enabled();
        this.enrollment = new EstEnrollment(settings, enrollments, oneTimeChallenges, io.micrometer.core.instrument.Counter.builder("est.serverkeygen.keys")
                .description("Private keys made here for EST serverkeygen (RFC 7030 section 4.4)").register(meters),
                directories.directory());
    }

    /** RFC 7030 section 4.1: the CA certificate and the chain above it, anonymously. */
    @GetMapping({PREFIX + "/cacerts", PREFIX + "/{label}/cacerts"})
    public ResponseEntity<?> cacerts(HttpServletRequest request, @PathVariable(required = false) String label) {
        return answer(request, "cacerts", label, () -> base64(CERTS_ONLY, EstCodec.certsOnly(core.ca().chain())));
    }

    /** RFC 7030 section 4.5: what we would like a request to carry; nothing is required. */
    @GetMapping({PREFIX + "/csrattrs", PREFIX + "/{label}/csrattrs"})
    public ResponseEntity<?> csrattrs(HttpServletRequest request, @PathVariable(required = false) String label) {
        return answer(request, "csrattrs", label, () -> base64(CSR_ATTRS, EstCodec.csrAttrs(SIGNATURE_ALGORITHMS, List.of())));
    }

    /** RFC 7030 section 4.2.1. */
    @PostMapping({PREFIX + "/simpleenroll", PREFIX + "/{label}/simpleenroll"})
    public ResponseEntity<?> simpleenroll(HttpServletRequest request, @PathVariable(required = false) String label) {
        return answer(request, "simpleenroll", label, () -> {
            EstCaller caller = caller(request);
            enrollment.admit(caller, false);
            PKCS10CertificationRequest csr = csr(request);
            return certificate(enrollment.enroll(caller, csr, request.getRemoteAddr(), label));
        });
    }

    /** RFC 7030 section 4.2.2. */
    @PostMapping({PREFIX + "/simplereenroll", PREFIX + "/{label}/simplereenroll"})
    public ResponseEntity<?> simplereenroll(HttpServletRequest request, @PathVariable(required = false) String label) {
        return answer(request, "simplereenroll", label, () -> {
            EstCaller caller = caller(request);
            enrollment.admit(caller, true);
            PKCS10CertificationRequest csr = csr(request);
            return certificate(enrollment.reenroll(caller, csr, label));
        });
    }

    /**
     * RFC 7030 section 4.4: the key is made here, for a bearer token with {@code CSR.Request.Db}
     * only ({@link EstEnrollment#serverKeyGen}); the answer holds it, unencrypted, as TLS carries it.
     * Over plain HTTP nothing would protect it, so it is refused there before any key is made
     * ({@code isSecure} honours a trusted proxy's {@code X-Forwarded-Proto}, AppConfig:TrustForwardedHeaders).
     */
    @PostMapping({PREFIX + "/serverkeygen", PREFIX + "/{label}/serverkeygen"})
    public ResponseEntity<?> serverkeygen(HttpServletRequest request, @PathVariable(required = false) String label) {
        return answer(request, "serverkeygen", label, () -> {
            if (!request.isSecure()) {
                throw new EstRefusal(HttpStatus.FORBIDDEN, "serverkeygen is offered only over HTTPS: the answer holds a private key.");
            }
            EstCaller caller = caller(request);
            enrollment.admit(caller, false, true);
            PKCS10CertificationRequest csr = csr(request);
            EstEnrollment.ServerKey made = enrollment.serverKeyGen(caller, csr, label);
            // A boundary with a character base64 lacks cannot occur in either part.
            EstCodec.ServerKeyGenAnswer answer = EstCodec.serverKeyGen(made.keys().getPrivate().getEncoded(), made.certificate(),
                    "est-" + java.util.UUID.randomUUID());
            return ResponseEntity.ok().contentType(MediaType.parseMediaType(answer.contentType()))
                    .header(HttpHeaders.CACHE_CONTROL, "no-store").body(answer.body());
        });
    }

    @FunctionalInterface
    private interface Answer {
        ResponseEntity<?> get() throws IOException;
    }

    /**
     * Runs one EST operation and counts it in {@code est.requests} (docs/operations.md, Metrics),
     * as SCEP's requests are counted: by operation and outcome. A path EST does not serve (EST off,
     * a label that is no label) answers 404 and counts nothing, like a disabled SCEP endpoint.
     */
    private ResponseEntity<?> answer(HttpServletRequest request, String operation, String label, Answer answer) {
        if (!enabled || (label != null && !LABEL.matcher(label).matches())) {
            return problem(request, HttpStatus.NOT_FOUND, enabled ? "No such EST label." : "EST is off (AppConfig:DbCSRValidation:Enabled).");
        }
        Timer.Sample sample = Timer.start(meters);
        ResponseEntity<?> response = null;
        try {
            response = served(request, answer);
            return response;
        } finally {
            sample.stop(Timer.builder("est.requests").description("EST requests (RFC 7030) by operation and outcome, and how long each took")
                    .tags("operation", operation, "outcome", outcome(operation, response)).register(meters));
        }
    }

    private ResponseEntity<?> served(HttpServletRequest request, Answer answer) {
        try {
            return answer.get();
        } catch (EstRefusal refusal) {
            return problem(request, refusal.status(), refusal.getMessage());
        } catch (IOException e) {
            return problem(request, HttpStatus.BAD_REQUEST, "The request body could not be read.");
        } catch (RuntimeException e) {
            if (!ScepController.isOutage(e)) {
                throw e;
            }
            LOG.log(System.Logger.Level.WARNING, "EST {0}: unavailable: {1}", printable(request.getRequestURI()), e.getClass().getSimpleName());
            return problem(request, HttpStatus.SERVICE_UNAVAILABLE, ApiProblems.messageFor(503));
        }
    }

    /** The metric's outcome: a known word for each answer, so a client cannot grow the registry. */
    private static String outcome(String operation, ResponseEntity<?> response) {
        if (response == null) {
            return "internal-error";
        }
        return switch (response.getStatusCode().value()) {
            case 200 -> switch (operation) {
                case "simpleenroll", "serverkeygen" -> "issued";
                case "simplereenroll" -> "renewed";
                default -> "ok";
            };
            case 400 -> "bad-request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 413 -> "too-large";
            case 503 -> "unavailable";
            default -> "other";
        };
    }

    private EstCaller caller(HttpServletRequest request) {
        Optional<X509CertificateHolder> certificate = clientCertificate(request);
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null) {
            return new EstCaller.Anonymous(certificate);
        }
        int space = authorization.indexOf(' ');
        String scheme = space < 0 ? authorization : authorization.substring(0, space);
        String credentials = space < 0 ? "" : authorization.substring(space + 1).strip();
        if ("Bearer".equalsIgnoreCase(scheme)) {
            Optional<ApiToken> token;
            try {
                token = tokens.authenticate(credentials);
            } catch (RuntimeException e) {
                // The store is down: the caller may be fine, so this is no 401.
                throw new EstRefusal(HttpStatus.SERVICE_UNAVAILABLE, ApiProblems.messageFor(503));
            }
            return new EstCaller.Token(token.orElseThrow(() -> new EstRefusal(HttpStatus.UNAUTHORIZED,
                    "The bearer token is not valid or has expired.")), certificate);
        }
        if ("Basic".equalsIgnoreCase(scheme)) {
            String userPass;
            try {
                userPass = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new EstRefusal(HttpStatus.UNAUTHORIZED, "The Basic credentials are not base64.");
            }
            int colon = userPass.indexOf(':');
            if (colon < 0 || colon == userPass.length() - 1) {
                throw new EstRefusal(HttpStatus.UNAUTHORIZED, "HTTP Basic needs a password: a one-time challenge.");
            }
            return new EstCaller.Challenge(userPass.substring(colon + 1), certificate);
        }
        throw new EstRefusal(HttpStatus.UNAUTHORIZED, "EST takes Bearer or Basic authorization.");
    }

    /** The certificate the client sent in the TLS handshake, which TLS checked it holds the key of. */
    private static Optional<X509CertificateHolder> clientCertificate(HttpServletRequest request) {
        if (request.getAttribute("jakarta.servlet.request.X509Certificate") instanceof X509Certificate[] chain && chain.length > 0) {
            try {
                return Optional.of(new X509CertificateHolder(chain[0].getEncoded()));
            } catch (CertificateEncodingException | IOException e) {
                throw new EstRefusal(HttpStatus.BAD_REQUEST, "The client certificate cannot be read.");
            }
        }
        return Optional.empty();
    }

    private static PKCS10CertificationRequest csr(HttpServletRequest request) throws IOException {
        byte[] body = request.getInputStream().readNBytes(EstCodec.MAX_REQUEST_BYTES + 1);
        if (body.length > EstCodec.MAX_REQUEST_BYTES) {
            throw new EstRefusal(HttpStatus.CONTENT_TOO_LARGE, "A certification request is far smaller than this.");
        }
        try {
            return EstCodec.decodeRequest(body);
        } catch (MalformedCertificationRequestException e) {
            throw new EstRefusal(HttpStatus.BAD_REQUEST, "The body is not a base64 PKCS#10 certification request: " + e.getMessage() + ".");
        }
    }

    private static ResponseEntity<byte[]> certificate(X509CertificateHolder certificate) {
        return base64(CERTS_ONLY, EstCodec.certsOnly(List.of(certificate)));
    }

    private static ResponseEntity<byte[]> base64(MediaType type, byte[] body) {
        return ResponseEntity.ok().contentType(type).header(EstCodec.TRANSFER_ENCODING_HEADER, EstCodec.TRANSFER_ENCODING)
                .header(HttpHeaders.CACHE_CONTROL, "no-store").body(body);
    }

    private static ResponseEntity<?> problem(HttpServletRequest request, HttpStatus status, String message) {
        LOG.log(System.Logger.Level.INFO, "EST {0} {1} from {2}: {3} ({4})", request.getMethod(), printable(request.getRequestURI()),
                request.getRemoteAddr(), status.value(), message);
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .header(HttpHeaders.CACHE_CONTROL, "no-store");
        if (status == HttpStatus.UNAUTHORIZED) {
            builder.header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGES.toArray(String[]::new));
        }
        if (status == HttpStatus.SERVICE_UNAVAILABLE) {
            builder.header(HttpHeaders.RETRY_AFTER, "10");
        }
        return builder.body(ApiProblems.detail(status, message, null));
    }

    private static String printable(String text) {
        String clean = text == null ? "" : text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 200 ? clean.substring(0, 200) + "..." : clean;
    }
}
