package dev.scepter.server.scep;

import dev.scepter.authority.ca.CaKeyUnavailableException;
import dev.scepter.authority.directory.DirectoryUnavailableException;
import dev.scepter.authority.store.StoreUnavailableException;
import dev.scepter.authority.validity.StatusUnavailableException;
import dev.scepter.authority.validity.StoreHealth;
import dev.scepter.protocol.scep.CaCapabilities;
import dev.scepter.protocol.scep.CaCapability;
import dev.scepter.protocol.scep.MalformedScepMessageException;
import dev.scepter.protocol.scep.ScepMessageParameter;
import dev.scepter.server.load.ConcurrencyLimit;
import dev.scepter.server.load.ShedLog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * SCEP over HTTP (RFC 8894 section 4): GetCACaps, GetCACert and PKIOperation by GET and POST, on
 * every SCEP path. Only this class knows HTTP; the work is {@link ScepService}'s.
 *
 * <p>While the store cannot be reached, a PKIOperation is answered HTTP 503 with Retry-After, not
 * a CertRep: RFC 8894's failInfo values (badAlg, badMessageCheck, badRequest, badTime, badCertId)
 * all say the request was wrong, which it was not, and MDM consoles show them as the device's
 * error; PENDING (section 3.3.2) promises that the request is kept and will be decided, and
 * nothing is kept. 503 says what is true, that the server cannot serve now and when to come back,
 * and clients retry it as they retry the 429 of {@code AppConfig:ConcurrentSCEPRequestLimit}.
 * GetCACaps and GetCACert need no store and are answered as always.
 */
@RestController
public final class ScepController {

    private static final System.Logger LOG = System.getLogger(ScepController.class.getName());

    static final MediaType PKI_MESSAGE = MediaType.parseMediaType("application/x-pki-message");
    /** A PKCSReq with an RSA-4096 key is a few KiB; far more is not SCEP. */
    static final int MAX_MESSAGE_BYTES = 256 * 1024;

    private final Map<String, ScepEndpoint> endpoints;
    private final ScepService service;
    private final ScepKeys keys;
    /** How soon a client should come back after a 429 or 503. */
    static final String RETRY_AFTER_SECONDS = "10";

    private final ConcurrencyLimit concurrentRequests;
    private final StoreHealth storeHealth;
    private final ShedLog shedLog;
    private final MeterRegistry meters;

    public ScepController(ScepEndpoints endpoints, ScepService service, ScepKeys keys, ScepLoadLimit loadLimit, StoreHealth storeHealth,
            ShedLog shedLog, MeterRegistry meters) {
        this.endpoints = endpoints.byPath();
        this.service = service;
        this.keys = keys;
        this.concurrentRequests = loadLimit.limit();
        this.storeHealth = storeHealth;
        this.shedLog = shedLog;
        this.meters = meters;
    }

    @RequestMapping(path = {"/scep", "/scep/pkiclient.exe", "/static", "/static/pkiclient.exe", "/static/aad", "/static/aad/pkiclient.exe",
        "/jamf", "/jamf/pkiclient.exe", "/dc", "/dc/pkiclient.exe",
        "/certsrv/mscep/mscep.dll", "/certsrv/mscep/mscep.dll/pkiclient.exe"},
            method = {RequestMethod.GET, RequestMethod.POST})
    public ResponseEntity<byte[]> scep(HttpServletRequest request) throws IOException {
        String path = request.getRequestURI().replaceFirst("/pkiclient\\.exe$", "");
        ScepEndpoint endpoint = endpoints.get(path);
        if (endpoint == null || !endpoint.enabled()) {
            return ResponseEntity.notFound().build();
        }
        String query = request.getQueryString();
        String operation = ScepMessageParameter.value(query == null ? "" : query, "operation");
        Timer.Sample sample = Timer.start(meters);
        String outcome = "bad-request";
        try {
            if (operation == null) {
                return text(HttpStatus.BAD_REQUEST, "Missing operation parameter (RFC 8894 section 4.1).");
            }
            switch (operation) {
                case "GetCACaps" -> {
                    outcome = "ok";
                    return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(capabilities(endpoint).body());
                }
                case "GetCACert" -> {
                    outcome = "ok";
                    return ResponseEntity.ok().contentType(MediaType.parseMediaType(keys.caCertContentType())).body(keys.caCertBody());
                }
                case "PKIOperation" -> {
                    // The message is read before a place is taken: a client that sends its body
                    // slowly must not hold one of the places that fast clients need.
                    Read read = readMessage(request, query);
                    if (read.refusal() != null) {
                        outcome = read.refusal().outcome();
                        return read.refusal().response();
                    }
                    if (!storeHealth.reachable()) {
                        shedLog.shed("The store cannot be reached", endpoint.path(), request.getRemoteAddr(), "503");
                        outcome = "unavailable";
                        return unavailable();
                    }
                    if (!concurrentRequests.tryAcquire(endpoint.path(), request.getRemoteAddr(), "429")) {
                        outcome = "throttled";
                        // Shedding load beats a queue that grows without bound; MDM clients retry later.
                        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
                                .contentType(MediaType.TEXT_PLAIN).body("Too many concurrent SCEP requests; retry later.".getBytes());
                    }
                    try {
                        Answer answer = pkiOperation(endpoint, request, read.message());
                        outcome = answer.outcome();
                        return answer.response();
                    } catch (RuntimeException e) {
                        if (!isOutage(e)) {
                            throw e;
                        }
                        boolean caKey = causedBy(e, CaKeyUnavailableException.class);
                        if (!(e instanceof DirectoryUnavailableException) && !caKey) {
                            storeHealth.unreachable();
                        }
                        // A CA key that cannot sign cannot sign a CertRep FAILURE either (ScepService tried):
                        // the one answer left is HTTP's "come back later".
                        shedLog.shed(caKey ? "The CA key cannot be used" : e instanceof DirectoryUnavailableException
                                ? "The directory cannot be reached" : "The store cannot be reached", endpoint.path(), request.getRemoteAddr(), "503");
                        outcome = "unavailable";
                        return caKey ? unavailable("The CA key cannot be used now; retry later.") : unavailable();
                    } finally {
                        concurrentRequests.release();
                    }
                }
                default -> {
                    return text(HttpStatus.BAD_REQUEST, "Unknown operation; this server supports GetCACaps, GetCACert and PKIOperation.");
                }
            }
        } finally {
            sample.stop(Timer.builder("scep.requests").description("SCEP requests (RFC 8894) by endpoint, operation and outcome, and how long each took")
                    .tags("endpoint", endpoint.name(), "operation", known(operation), "outcome", outcome).register(meters));
        }
    }

    /** An HTTP response and the outcome it is counted under. */
    private record Answer(ResponseEntity<byte[]> response, String outcome) {
    }

    /** The pkiMessage's bytes, or the answer that refuses them. */
    private record Read(byte[] message, Answer refusal) {
    }

    private Read readMessage(HttpServletRequest request, String query) {
        byte[] message;
        if ("POST".equals(request.getMethod())) {
            String contentType = Optional.ofNullable(request.getContentType()).orElse("").toLowerCase(Locale.ROOT);
            if (!contentType.isEmpty() && !contentType.startsWith("application/x-pki-message")
                    && !contentType.startsWith("application/octet-stream")) {
                return new Read(null, new Answer(text(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                        "A PKIOperation POST carries application/x-pki-message."), "bad-content-type"));
            }
            Optional<byte[]> body;
            try {
                body = readLimited(request.getInputStream());
            } catch (IOException e) {
                return new Read(null, new Answer(text(HttpStatus.BAD_REQUEST, "The message did not arrive whole."), "malformed"));
            }
            if (body.isEmpty()) {
                return new Read(null, new Answer(text(HttpStatus.CONTENT_TOO_LARGE, "The message is larger than a SCEP request can be."),
                        "too-large"));
            }
            message = body.get();
        } else {
            String raw = ScepMessageParameter.value(query, "message");
            if (raw == null) {
                return new Read(null, new Answer(text(HttpStatus.BAD_REQUEST, "Missing message parameter."), "malformed"));
            }
            if (raw.length() > MAX_MESSAGE_BYTES * 2) {
                return new Read(null, new Answer(text(HttpStatus.URI_TOO_LONG, "The message is larger than a SCEP request can be."),
                        "too-large"));
            }
            try {
                message = ScepMessageParameter.decode(raw);
            } catch (MalformedScepMessageException e) {
                return new Read(null, new Answer(text(HttpStatus.BAD_REQUEST, "The message parameter is not base64."), "malformed"));
            }
        }
        return new Read(message, null);
    }

    private Answer pkiOperation(ScepEndpoint endpoint, HttpServletRequest request, byte[] message) {
        ScepService.Result result = service.pkiOperation(endpoint, message, request.getRemoteAddr());
        if (result instanceof ScepService.Result.CertRep certRep) {
            return new Answer(ResponseEntity.ok().contentType(PKI_MESSAGE).body(certRep.message()), certRep.outcome());
        }
        // The parser's own words name library classes: they go to the log, the client gets the rule it broke.
        LOG.log(System.Logger.Level.INFO, "SCEP {0} from {1}: not a pkiMessage ({2})", endpoint.path(), request.getRemoteAddr(),
                ((ScepService.Result.Malformed) result).reason());
        return new Answer(text(HttpStatus.BAD_REQUEST, "The message is not a SCEP pkiMessage (RFC 8894 section 3.2)."), "malformed");
    }

    /** RFC 8894 section 3.5.2: {@code Renewal} only where a RenewalReq can succeed ({@code AllowRenewals}). */
    static CaCapabilities capabilities(ScepEndpoint endpoint) {
        return endpoint.endpoint().renewals().allowed() ? CaCapabilities.standard() : CaCapabilities.standard().without(CaCapability.RENEWAL);
    }

    private static ResponseEntity<byte[]> unavailable() {
        return unavailable("The certificate store cannot be reached now; retry later.");
    }

    private static ResponseEntity<byte[]> unavailable(String why) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
                .contentType(MediaType.TEXT_PLAIN).body(why.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a failure is an outage of the store, the directory or the CA key's service (retrying later may succeed),
     * as opposed to a fault of ours. Adapters that do not say so in the ports' terms are read by
     * their JDBC cause: a connection that failed, or none given in time.
     */
    public static boolean isOutage(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof StoreUnavailableException || cause instanceof StatusUnavailableException || cause instanceof CaKeyUnavailableException
                    || cause instanceof DirectoryUnavailableException || cause instanceof java.sql.SQLTransientException
                    || cause instanceof java.sql.SQLRecoverableException || cause instanceof java.sql.SQLNonTransientConnectionException) {
                return true;
            }
        }
        return false;
    }

    private static Optional<byte[]> readLimited(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_MESSAGE_BYTES + 1);
        return body.length > MAX_MESSAGE_BYTES ? Optional.empty() : Optional.of(body);
    }

    private static ResponseEntity<byte[]> text(HttpStatus status, String message) {
        return ResponseEntity.status(status).contentType(MediaType.TEXT_PLAIN).body(message.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Metric tags take known values only, so a client cannot grow the registry. */
    private static String known(String operation) {
        return operation != null && switch (operation) {
            case "GetCACaps", "GetCACert", "PKIOperation" -> true;
            default -> false;
        } ? operation : "other";
    }
}
