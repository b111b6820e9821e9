package dev.scepter.azure.sim;

import dev.scepter.protocol.csr.CertificationRequests;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import tools.jackson.databind.JsonNode;

/**
 * Intune's third-party CA services, as ms_contracts.md 1.3-1.5 documents them: service discovery
 * on Microsoft Graph (a route on the Graph simulator's host, which the Graph directory's simulator
 * shares), {@code ScepActions/*} on the {@code ScepRequestValidationFEService} and
 * {@code CertificateAuthorityRequests/*} on the {@code PkiConnectorFEService}, each on its own path
 * of an Intune host, with the paths production uses.
 *
 * <p>Stateful: {@link #challengeFor} is what a device's SCEP profile gives it (a challenge for a
 * subject, optionally a SAN URI, until it expires); {@code validateRequest} checks a request against
 * it and answers {@code Success} or the code Intune would ({@code ChallengePasswordMissing},
 * {@code ChallengeDeserializationError}, {@code ChallengeExpired}, {@code SubjectNameMismatch},
 * {@code SubjectAltNameMismatch}, {@code CertificateRequestDecodingFailed}); notifications are
 * recorded with their bodies, checked field by field (a malformed one is answered 400) and
 * answered {@code Success} only for a validated transaction and its very request;
 * revocation requests wait until a CA downloads them and uploads a result. Every call checks the
 * token (audience, expiry, role {@code scep_challenge_provider}; Graph: {@code Application.Read.All})
 * and the {@code api-version}. Faults: a code for the next call of an action, an HTTP status for it,
 * and the Intune host's own {@link SimServer} faults (down, silence).
 */
public final class IntuneSimulator implements AutoCloseable {

    public static final String INTUNE_AUDIENCE = "https://api.manage.microsoft.com";
    public static final String INTUNE_APP_ID = "0000000a-0000-0000-c000-000000000000";
    public static final String SCEP_ROLE = "scep_challenge_provider";
    public static final String GRAPH_ROLE = "Application.Read.All";
    public static final String VALIDATION_PATH = "/RACerts/ScepRequestValidationFEService/Gateway/StatelessScepRequestValidationService";
    public static final String PKI_CONNECTOR_PATH = "/RACerts/StatelessPkiConnectorService/Gateway/StatelessPkiConnectorService";
    static final String SCEP_API_VERSION = "2018-02-20";
    static final String REVOCATION_API_VERSION = "5019-05-05";

    /** What a SCEP profile gave a device. */
    public record Challenge(String value, X500Name subject, Optional<String> sanUri, Instant expiresAt) {
    }

    /** A notification as it came. */
    public record Notification(String action, JsonNode body) {
        public JsonNode field(String name) {
            return body.path("notification").path(name);
        }
    }

    /**
     * A call of an action held before it is answered: the test sees it arrive, looks around (OCSP,
     * the store) while the CA waits for Intune, then lets Intune answer.
     */
    public static final class Hold {
        private final java.util.concurrent.CompletableFuture<JsonNode> arrived = new java.util.concurrent.CompletableFuture<>();
        private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);

        /** The held call's body, once it came. */
        public JsonNode awaitArrival(Duration within) throws Exception {
            return arrived.get(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        /** Intune answers the held call now. */
        public void release() {
            released.countDown();
        }
    }

    /** A revocation request Intune holds for the CA. */
    public record RevocationRequest(String requestContext, String serialNumber, String issuerName) {
    }

    private final SimServer intune;
    private final SimServer graph;
    private final SimTokens tokens;
    private final Supplier<Instant> clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Challenge> challenges = new ConcurrentHashMap<>();
    /** Each validated transaction's certificate request, as it was validated: its notification must carry the same. */
    private final Map<String, String> validatedTransactions = new ConcurrentHashMap<>();
    private final Map<String, Hold> holds = new ConcurrentHashMap<>();
    private final List<JsonNode> validations = new CopyOnWriteArrayList<>();
    private final List<Notification> notifications = new CopyOnWriteArrayList<>();
    private final Map<String, RevocationRequest> pendingRevocations = new LinkedHashMap<>();
    private final List<JsonNode> downloads = new CopyOnWriteArrayList<>();
    private final List<JsonNode> uploadedResults = new CopyOnWriteArrayList<>();
    private final Map<String, String> nextCode = new ConcurrentHashMap<>();
    private final Map<String, Integer> nextStatus = new ConcurrentHashMap<>();
    private final Map<String, Integer> nextStatusTimes = new ConcurrentHashMap<>();
    private final Set<String> listed = ConcurrentHashMap.newKeySet();
    private volatile boolean tenantHasIntune = true;

    private IntuneSimulator(SimServer intune, SimServer graph, SimTokens tokens, Supplier<Instant> clock) {
        this.intune = intune;
        this.graph = graph;
        this.tokens = tokens;
        this.clock = clock;
        listed.add("ScepRequestValidationFEService");
        listed.add("PkiConnectorFEService");
    }

    /** Starts the Intune host and adds service discovery to {@code graph}, the Graph simulator's host. */
    public static IntuneSimulator start(SimTls tls, SimTokens tokens, SimServer graph, Supplier<Instant> clock) {
        IntuneSimulator simulator = new IntuneSimulator(SimServer.start("intune", tls), graph, tokens, clock);
        simulator.routes();
        return simulator;
    }

    private void routes() {
        graph.route("GET", "/v1\\.0/servicePrincipals(?:\\(appId='([^']+)'\\)|/appId=([^/]+))/endpoints", this::discovery);
        intune.route("POST", VALIDATION_PATH + "/ScepActions/(validateRequest|successNotification|failureNotification)", this::scepAction);
        intune.route("POST", PKI_CONNECTOR_PATH + "/CertificateAuthorityRequests/(downloadRevocationRequests|uploadRevocationResults)",
                this::revocationAction);
    }

    /** The Intune host, for its faults ({@link SimServer#down}, {@link SimServer#silence}) and its request log. */
    public SimServer server() {
        return intune;
    }

    /** A challenge for a device's request with this subject (and SAN URI, if given), valid for {@code lifetime}. */
    public synchronized String challengeFor(String subject, Optional<String> sanUri, Duration lifetime) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String value = Base64.getEncoder().encodeToString(bytes);
        challenges.put(value, new Challenge(value, new X500Name(subject), sanUri, clock.get().plus(lifetime)));
        return value;
    }

    /** The next call of {@code action} (for example {@code successNotification}) answers 200 with this code. */
    public void answerNext(String action, String code) {
        nextCode.put(action, code);
    }

    /** The next call of {@code action} answers this HTTP status with Intune's error shape. */
    public void failNext(String action, int status) {
        failNext(action, status, 1);
    }

    /** The next {@code times} calls of {@code action} answer this HTTP status (a client's retries meet it too). */
    public void failNext(String action, int status, int times) {
        nextStatusTimes.put(action, times);
        nextStatus.put(action, status);
    }

    /** The next call of {@code action} is recorded, then answered only once the test releases it. */
    public Hold holdNext(String action) {
        Hold hold = new Hold();
        holds.put(action, hold);
        return hold;
    }

    /** The tenant has no Intune (or gets it): Graph then knows no service principal with Intune's application id. */
    public void tenantHasIntune(boolean has) {
        this.tenantHasIntune = has;
    }

    /** Service discovery stops (or starts again) listing a service, as when the tenant lacks it or a consent is missing. */
    public void listService(String providerName, boolean listed) {
        if (listed) {
            this.listed.add(providerName);
        } else {
            this.listed.remove(providerName);
        }
    }

    /** Intune asks the CA to revoke this certificate; returns the request's context. */
    public synchronized String requestRevocation(String serialNumberHex, String issuerName) {
        String context = UUID.randomUUID().toString();
        pendingRevocations.put(context, new RevocationRequest(context, serialNumberHex, issuerName));
        return context;
    }

    public synchronized List<RevocationRequest> pendingRevocations() {
        return List.copyOf(pendingRevocations.values());
    }

    /** Every validateRequest body, in order. */
    public List<JsonNode> validations() {
        return List.copyOf(validations);
    }

    public List<Notification> notifications() {
        return List.copyOf(notifications);
    }

    /** Every downloadRevocationRequests body, in order. */
    public List<JsonNode> downloads() {
        return List.copyOf(downloads);
    }

    /** Every result uploaded, each {@code {requestContext, succeeded, errorCode, errorMessage}}, in order. */
    public List<JsonNode> uploadedResults() {
        return List.copyOf(uploadedResults);
    }

    private SimServer.Reply discovery(SimServer.Request request) {
        Optional<SimServer.Reply> refused = tokens.refuse(request, graph.uri().toString(), GRAPH_ROLE, "Directory.Read.All");
        if (refused.isPresent()) {
            return refused.get();
        }
        String appId = request.group(1) != null ? request.group(1) : request.group(2);
        if (!INTUNE_APP_ID.equalsIgnoreCase(appId) || !tenantHasIntune) {
            return SimServer.Reply.error(404, "Request_ResourceNotFound", "Resource '" + appId + "' does not exist.");
        }
        List<Map<String, Object>> value = new ArrayList<>();
        if (listed.contains("ScepRequestValidationFEService")) {
            value.add(endpoint("ScepRequestValidationFEService", VALIDATION_PATH));
        }
        if (listed.contains("PkiConnectorFEService")) {
            value.add(endpoint("PkiConnectorFEService", PKI_CONNECTOR_PATH));
        }
        value.add(endpoint("SomeOtherIntuneService", "/Other/Service"));
        return SimServer.Reply.json(200, Map.of("value", value));
    }

    private Map<String, Object> endpoint(String name, String path) {
        return Map.of("id", UUID.randomUUID().toString(), "capability", "Intune", "providerId", UUID.randomUUID().toString(),
                "providerName", name, "providerResourceId", "", "uri", intune.uri() + path);
    }

    /** The checks every Intune call meets: token, role, api-version, and an injected fault. */
    private Optional<SimServer.Reply> gate(SimServer.Request request, String action, String apiVersion) {
        Optional<SimServer.Reply> refused = tokens.refuse(request, INTUNE_AUDIENCE, SCEP_ROLE);
        if (refused.isPresent()) {
            return refused;
        }
        if (!apiVersion.equals(request.header("api-version"))) {
            return Optional.of(SimServer.Reply.error(400, "InvalidApiVersion", "api-version " + request.header("api-version")
                    + " is not supported"));
        }
        if (request.header("client-request-id") == null) {
            return Optional.of(SimServer.Reply.error(400, "MissingActivityId", "client-request-id is required"));
        }
        Integer status = nextStatus.get(action);
        if (status != null) {
            if (nextStatusTimes.merge(action, -1, Integer::sum) <= 0) {
                nextStatus.remove(action);
                nextStatusTimes.remove(action);
            }
            // Intune's error codes by status, as its gateway answers them.
            String code = switch (status) {
                case 503 -> "ServiceUnavailable";
                case 429 -> "TooManyRequests";
                default -> "InternalServerError";
            };
            SimServer.Reply reply = SimServer.Reply.error(status, code, "simulated failure");
            return Optional.of(status == 503 || status == 429 ? reply.withHeader("Retry-After", "1") : reply);
        }
        return Optional.empty();
    }

    private SimServer.Reply scepAction(SimServer.Request request) {
        String action = request.group(1);
        Optional<SimServer.Reply> refused = gate(request, action, SCEP_API_VERSION);
        if (refused.isPresent()) {
            return refused.get();
        }
        JsonNode body = request.json();
        String code = nextCode.remove(action);
        if (action.equals("validateRequest")) {
            validations.add(body);
            JsonNode inner = body.path("request");
            if (code == null) {
                code = validate(inner);
            }
            if (code.equals("Success")) {
                validatedTransactions.put(inner.path("transactionId").asString(""), inner.path("certificateRequest").asString(""));
            }
        } else {
            notifications.add(new Notification(action, body));
            Optional<String> malformed = malformed(action, body.path("notification"));
            if (malformed.isPresent()) {
                return SimServer.Reply.error(400, "BadRequest", "notification: " + malformed.get());
            }
            if (code == null) {
                JsonNode notification = body.path("notification");
                String validated = validatedTransactions.remove(notification.path("transactionId").asString(""));
                code = validated != null && validated.equals(notification.path("certificateRequest").asString("")) ? "Success" : "Unknown";
            }
        }
        Hold hold = holds.remove(action);
        if (hold != null) {
            hold.arrived.complete(body);
            try {
                hold.released.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return SimServer.Reply.json(200, Map.of("code", code, "errorDescription", code.equals("Success") ? "" : "simulated: " + code));
    }

    private static final java.util.regex.Pattern THUMBPRINT = java.util.regex.Pattern.compile("[0-9A-F]{40}");
    private static final java.util.regex.Pattern SERIAL = java.util.regex.Pattern.compile("[0-9A-F]{1,40}");
    /** Intune's example {@code 2018-06-11T16:11:20.0904778Z}: ISO 8601 in UTC. */
    private static final java.util.regex.Pattern EXPIRATION = java.util.regex.Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,7})?Z");

    /**
     * What is wrong with a notification's fields (ms_contracts.md 1.4), if anything: every field of
     * the contract present and well-formed, as Intune's gateway deserialises them.
     */
    private static Optional<String> malformed(String action, JsonNode notification) {
        if (!notification.isObject()) {
            return Optional.of("no notification object");
        }
        if (notification.path("transactionId").asString("").isEmpty()) {
            return Optional.of("transactionId missing");
        }
        try {
            Base64.getDecoder().decode(notification.path("certificateRequest").asString(""));
        } catch (IllegalArgumentException e) {
            return Optional.of("certificateRequest is not Base64");
        }
        if (notification.path("certificateRequest").asString("").isEmpty()) {
            return Optional.of("certificateRequest missing");
        }
        if (notification.path("callerInfo").asString("").isEmpty()) {
            return Optional.of("callerInfo missing");
        }
        if (action.equals("successNotification")) {
            if (!THUMBPRINT.matcher(notification.path("certificateThumbprint").asString("")).matches()) {
                return Optional.of("certificateThumbprint is not 40 upper-case hex digits (SHA-1)");
            }
            if (!SERIAL.matcher(notification.path("certificateSerialNumber").asString("")).matches()) {
                return Optional.of("certificateSerialNumber is not upper-case hex");
            }
            String expiration = notification.path("certificateExpirationDateUtc").asString("");
            if (!EXPIRATION.matcher(expiration).matches()) {
                return Optional.of("certificateExpirationDateUtc is not ISO 8601 in UTC: " + expiration);
            }
            if (notification.path("issuingCertificateAuthority").asString("").isEmpty()) {
                return Optional.of("issuingCertificateAuthority missing");
            }
            for (String nullable : List.of("caConfiguration", "certificateAuthority")) {
                if (!notification.path(nullable).isMissingNode() && !notification.path(nullable).isNull()
                        && !notification.path(nullable).isString()) {
                    return Optional.of(nullable + " is neither a string nor null");
                }
            }
        } else {
            if (!notification.path("hResult").isIntegralNumber()) {
                return Optional.of("hResult is not a number");
            }
            if (notification.path("errorDescription").asString("").length() > 255) {
                return Optional.of("errorDescription is longer than 255 characters");
            }
        }
        return Optional.empty();
    }

    private String validate(JsonNode request) {
        PKCS10CertificationRequest csr;
        try {
            csr = new PKCS10CertificationRequest(Base64.getDecoder().decode(request.path("certificateRequest").asString("")));
        } catch (Exception e) {
            return "CertificateRequestDecodingFailed";
        }
        Optional<String> password = CertificationRequests.challengePassword(csr);
        if (password.isEmpty()) {
            return "ChallengePasswordMissing";
        }
        Challenge challenge = challenges.get(password.get());
        if (challenge == null) {
            return "ChallengeDeserializationError";
        }
        if (!clock.get().isBefore(challenge.expiresAt())) {
            return "ChallengeExpired";
        }
        if (!challenge.subject().equals(csr.getSubject())) {
            return "SubjectNameMismatch";
        }
        if (challenge.sanUri().isPresent()) {
            GeneralNames sans = CertificationRequests.requestedExtensions(csr)
                    .map(extensions -> GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName)).orElse(null);
            boolean found = sans != null && java.util.Arrays.stream(sans.getNames())
                    .anyMatch(name -> name.getTagNo() == GeneralName.uniformResourceIdentifier
                            && name.getName().toString().equalsIgnoreCase(challenge.sanUri().get()));
            if (!found) {
                return sans == null ? "SubjectAltNameMissing" : "SubjectAltNameMismatch";
            }
        }
        return "Success";
    }

    private synchronized SimServer.Reply revocationAction(SimServer.Request request) {
        String action = request.group(1);
        Optional<SimServer.Reply> refused = gate(request, action, REVOCATION_API_VERSION);
        if (refused.isPresent()) {
            return refused.get();
        }
        JsonNode body = request.json();
        if (action.equals("downloadRevocationRequests")) {
            downloads.add(body);
            int max = body.path("downloadParameters").path("maxRequests").asInt(0);
            if (max < 1 || max > 500) {
                return SimServer.Reply.error(400, "ParameterDataInvalidError", "maxRequests must be 1 to 500");
            }
            String issuer = body.path("downloadParameters").path("issuerName").asString(null);
            List<Map<String, Object>> value = new ArrayList<>();
            for (RevocationRequest pending : pendingRevocations.values()) {
                if (value.size() < max && (issuer == null || issuer.equals(pending.issuerName()))) {
                    value.add(Map.of("requestContext", pending.requestContext(), "serialNumber", pending.serialNumber(),
                            "issuerName", pending.issuerName(), "caConfiguration", ""));
                }
            }
            return SimServer.Reply.json(200, Map.of("value", value));
        }
        for (JsonNode result : body.path("results")) {
            boolean succeeded = result.path("succeeded").asBoolean(false);
            String errorCode = result.path("errorCode").asString("");
            if (succeeded != "0".equals(errorCode)) {
                return SimServer.Reply.error(400, "ParameterDataInvalidError", "succeeded must be true exactly when errorCode is 0");
            }
        }
        for (JsonNode result : body.path("results")) {
            uploadedResults.add(result);
            pendingRevocations.remove(result.path("requestContext").asString(""));
        }
        return SimServer.Reply.json(200, Map.of("value", true));
    }

    /** The service's base URL as discovery lists it. */
    public URI validationServiceUri() {
        return URI.create(intune.uri() + VALIDATION_PATH);
    }

    @Override
    public void close() {
        intune.close();
    }

    @Override
    public String toString() {
        return "IntuneSimulator[" + intune.uri() + ", " + challenges.size() + " challenges, " + notifications.size() + " notifications]"
                ;
    }
}
