package dev.scepter.azure.intune;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.scepter.authority.enrollment.EnrollmentContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Intune's {@code ScepActions} (ms_contracts.md 1.4; Microsoft's {@code IntuneScepServiceClient}):
 * {@code validateRequest}, {@code successNotification} and {@code failureNotification} on the
 * {@code ScepRequestValidationFEService}, with {@code api-version: 2018-02-20}. Intune answers
 * each with {@code {"code", "errorDescription"}}; {@code code == "Success"} (in any letter case, as
 * other clients compare it) is the only success.
 *
 * <p>It also remembers which requests Intune validated: only those are Intune's to be told
 * about. A renewal (authorised by the certificate it renews) and a request refused before it was
 * validated are unknown to Intune, and notifying it of them would fail. A validation is remembered
 * for its endpoint, transaction and the request's exact bytes: another client that reuses the
 * transactionID with a request of its own has not been validated.
 *
 * <p>One enrollment waits for Intune at most its budget in all ({@code
 * AppConfig:IntuneValidation:EnrollmentBudgetSeconds}, {@link #ENROLLMENT_BUDGET} unless set): the validation
 * starts it, and the success notification gets what is left (each call's own timeout, a second
 * attempt after discovering Intune again, waits for throttling, and signing in for the tokens
 * included). When it is spent,
 * the call fails as if Intune had not answered, so a silent Intune costs a SCEP request thread
 * half a minute, not several.
 */
public final class ScepActions {

    /** What every ScepActions call sends ({@code IntuneScepServiceClient.serviceVersion}). */
    public static final String API_VERSION = "2018-02-20";
    static final String SUCCESS = "Success";
    /** Notifications follow the validation within one request; an hour is far more than any SCEP exchange takes. */
    private static final Duration REMEMBERED = Duration.ofHours(1);
    /** How long one enrollment waits for Intune's answers in all, unless set otherwise (docs/configuration.md). */
    public static final Duration ENROLLMENT_BUDGET = Duration.ofSeconds(30);

    /** A request Intune validated, and when its enrollment stops waiting for Intune. */
    private record Validated(Instant deadline) {
    }

    /** Intune's answer. */
    public record Answer(String code, String errorDescription) {
        public boolean success() {
            return SUCCESS.equalsIgnoreCase(code);
        }
    }

    private final IntuneClient client;
    private final String callerInfo;
    private final Clock clock;
    private final Duration budget;
    private final Cache<String, Validated> validated = Caffeine.newBuilder().expireAfterWrite(REMEMBERED).maximumSize(100_000).build();

    /**
     * @param callerInfo who calls, as Intune logs it ({@code Scepter/<version>}; Microsoft's {@code PROVIDER_NAME_AND_VERSION})
     */
    public ScepActions(IntuneClient client, String callerInfo) {
        this(client, callerInfo, Clock.systemUTC(), ENROLLMENT_BUDGET);
    }

    /** @param budget how long one enrollment waits for Intune in all ({@code AppConfig:IntuneValidation:EnrollmentBudgetSeconds}) */
    public ScepActions(IntuneClient client, String callerInfo, Duration budget) {
        this(client, callerInfo, Clock.systemUTC(), budget);
    }

    ScepActions(IntuneClient client, String callerInfo, Clock clock, Duration budget) {
        this.client = Objects.requireNonNull(client, "client");
        this.callerInfo = Objects.requireNonNull(callerInfo, "callerInfo");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    public IntuneClient client() {
        return client;
    }

    /**
     * {@code ScepActions/validateRequest}: whether Intune issued this request's challenge for this
     * very request.
     *
     * @throws IntuneUnavailableException when Intune gave no usable answer
     */
    Answer validateRequest(EnrollmentContext enrollment) {
        Instant deadline = clock.instant().plus(budget);
        ObjectNode request = body("request", enrollment);
        Answer answer = call("ScepActions/validateRequest", "request", request, deadline);
        if (answer.success()) {
            key(enrollment).ifPresent(key -> validated.put(key, new Validated(deadline)));
        }
        return answer;
    }

    /** Whether Intune validated this very request (endpoint, transaction, request bytes) on this node lately. */
    boolean validated(EnrollmentContext enrollment) {
        return key(enrollment).map(key -> validated.getIfPresent(key) != null).orElse(false);
    }

    /** When this enrollment stops waiting for Intune, and forgets its validation: each is notified once. */
    private Instant deadlineOf(EnrollmentContext enrollment) {
        Optional<String> key = key(enrollment);
        Validated known = key.map(validated::getIfPresent).orElse(null);
        key.ifPresent(validated::invalidate);
        return known != null ? known.deadline() : clock.instant().plus(budget);
    }

    private static Optional<String> key(EnrollmentContext enrollment) {
        return enrollment.transactionId().map(id -> {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(enrollment.csr().getEncoded());
                return enrollment.endpoint() + "\n" + id + "\n" + HexFormat.of().formatHex(digest);
            } catch (IOException | NoSuchAlgorithmException e) {
                throw new IllegalStateException("cannot digest a request we decoded", e);
            }
        });
    }

    /** {@code ScepActions/successNotification}. */
    Answer successNotification(EnrollmentContext enrollment, String thumbprint, String serialNumber, String expiration, String issuer) {
        ObjectNode notification = body("notification", enrollment);
        notification.put("certificateThumbprint", thumbprint);
        notification.put("certificateSerialNumber", serialNumber);
        notification.put("certificateExpirationDateUtc", expiration);
        notification.put("issuingCertificateAuthority", issuer);
        notification.put("callerInfo", callerInfo);
        // Nullable extras of Microsoft's library, for an ADCS-style "host\CA" name we do not have.
        notification.putNull("caConfiguration");
        notification.putNull("certificateAuthority");
        return call("ScepActions/successNotification", "notification", notification, deadlineOf(enrollment));
    }

    /** {@code ScepActions/failureNotification}. */
    Answer failureNotification(EnrollmentContext enrollment, long hResult, String errorDescription) {
        ObjectNode notification = body("notification", enrollment);
        notification.put("hResult", hResult);
        notification.put("errorDescription", errorDescription.length() > 255 ? errorDescription.substring(0, 255) : errorDescription);
        notification.put("callerInfo", callerInfo);
        deadlineOf(enrollment);
        // Sent in the background, after the device has its answer: a budget of its own, so that a
        // queue of notifications waiting for a silent Intune still drains.
        return call("ScepActions/failureNotification", "notification", notification, clock.instant().plus(budget));
    }

    private ObjectNode body(String wrapper, EnrollmentContext enrollment) {
        ObjectNode inner = dev.scepter.azure.http.JsonHttp.JSON.createObjectNode();
        inner.put("transactionId", enrollment.transactionId().orElse(""));
        try {
            inner.put("certificateRequest", Base64.getEncoder().encodeToString(enrollment.csr().getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a request we decoded", e);
        }
        if ("request".equals(wrapper)) {
            inner.put("callerInfo", callerInfo);
        }
        return inner;
    }

    private Answer call(String action, String wrapper, ObjectNode inner, Instant deadline) {
        ObjectNode body = inner.objectNode();
        body.set(wrapper, inner);
        JsonNode answer = client.post(IntuneClient.SCEP_VALIDATION_SERVICE, action, API_VERSION, body, deadline);
        Optional<String> code = Optional.of(answer.path("code").asString("")).filter(c -> !c.isEmpty());
        if (code.isEmpty()) {
            throw new IntuneUnavailableException(IntuneClient.SCEP_VALIDATION_SERVICE + " " + action + " answered without a code", null);
        }
        return new Answer(code.get(), answer.path("errorDescription").asString(""));
    }
}
