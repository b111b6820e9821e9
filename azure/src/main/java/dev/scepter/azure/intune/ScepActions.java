package dev.scepter.azure.intune;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.scepter.authority.enrollment.EnrollmentContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
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
 * <p>It also remembers which transactions Intune validated: only those are Intune's to be told
 * about. A renewal (authorised by the certificate it renews) and a request refused before it was
 * validated are unknown to Intune, and notifying it of them would fail.
 */
public final class ScepActions {

    /** What every ScepActions call sends ({@code IntuneScepServiceClient.serviceVersion}). */
    public static final String API_VERSION = "2018-02-20";
    static final String SUCCESS = "Success";
    /** Notifications follow the validation within one request; an hour is far more than any SCEP exchange takes. */
    private static final Duration REMEMBERED = Duration.ofHours(1);

    /** Intune's answer. */
    public record Answer(String code, String errorDescription) {
        public boolean success() {
            return SUCCESS.equalsIgnoreCase(code);
        }
    }

    private final IntuneClient client;
    private final String callerInfo;
    private final Cache<String, Boolean> validated = Caffeine.newBuilder().expireAfterWrite(REMEMBERED).maximumSize(100_000).build();

    /**
     * @param callerInfo who calls, as Intune logs it ({@code Scepter/<version>}; Microsoft's {@code PROVIDER_NAME_AND_VERSION})
     */
    public ScepActions(IntuneClient client, String callerInfo) {
        this.client = Objects.requireNonNull(client, "client");
        this.callerInfo = Objects.requireNonNull(callerInfo, "callerInfo");
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
        ObjectNode request = body("request", enrollment);
        Answer answer = call("ScepActions/validateRequest", "request", request);
        if (answer.success()) {
            enrollment.transactionId().ifPresent(id -> validated.put(id, Boolean.TRUE));
        }
        return answer;
    }

    /** Whether Intune validated this transaction on this node lately. */
    boolean validated(EnrollmentContext enrollment) {
        return enrollment.transactionId().map(id -> validated.getIfPresent(id) != null).orElse(false);
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
        enrollment.transactionId().ifPresent(validated::invalidate);
        return call("ScepActions/successNotification", "notification", notification);
    }

    /** {@code ScepActions/failureNotification}. */
    Answer failureNotification(EnrollmentContext enrollment, long hResult, String errorDescription) {
        ObjectNode notification = body("notification", enrollment);
        notification.put("hResult", hResult);
        notification.put("errorDescription", errorDescription.length() > 255 ? errorDescription.substring(0, 255) : errorDescription);
        notification.put("callerInfo", callerInfo);
        enrollment.transactionId().ifPresent(validated::invalidate);
        return call("ScepActions/failureNotification", "notification", notification);
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

    private Answer call(String action, String wrapper, ObjectNode inner) {
        ObjectNode body = inner.objectNode();
        body.set(wrapper, inner);
        JsonNode answer = client.post(IntuneClient.SCEP_VALIDATION_SERVICE, action, API_VERSION, body);
        Optional<String> code = Optional.of(answer.path("code").asString("")).filter(c -> !c.isEmpty());
        if (code.isEmpty()) {
            throw new IntuneUnavailableException(IntuneClient.SCEP_VALIDATION_SERVICE + " " + action + " answered without a code", null);
        }
        return new Answer(code.get(), answer.path("errorDescription").asString(""));
    }
}
