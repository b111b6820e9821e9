package dev.scepter.azure.graph;

import dev.scepter.authority.directory.Directory;
import dev.scepter.authority.directory.DirectoryAnswer;
import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.directory.DirectoryUnavailableException;
import dev.scepter.azure.connection.Connection;
import dev.scepter.azure.connection.ConnectionStatus;
import dev.scepter.azure.connection.Outcomes;
import dev.scepter.azure.http.JsonHttp;
import dev.scepter.azure.signin.AccessTokens;
import dev.scepter.settings.AzureCloudSettings;
import dev.scepter.settings.IntuneSettings;
import dev.scepter.settings.IntuneSettings.DeviceDirectory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import tools.jackson.databind.JsonNode;

/**
 * Entra ID and Intune through Microsoft Graph v1.0, as SCEPman reads them for OCSP
 * (ms_contracts.md 2.1 to 2.3; scepman_features.md 1.5):
 * <ul>
 * <li>a user ({@link DirectoryObjectType#USER}, by object id) is good while it exists and
 * {@code accountEnabled}; disabled: on hold;</li>
 * <li>a device by Entra device id ({@link DirectoryObjectType#DEVICE}, type bytes 0x40 and 0x42) is
 * looked up where {@code AppConfig:IntuneValidation:DeviceDirectory} says: Entra ID's devices
 * ({@code AAD}), Intune's managed devices by {@code azureADDeviceId} ({@code Intune}), or both at
 * once, where either one that knows it enabled suffices ({@code AADAndIntune},
 * {@code AADAndIntuneAndEndpointlist}; {@code AADAndIntuneOpportunistic} like {@code AAD} while
 * Graph refuses the Intune permission);</li>
 * <li>an Intune device ({@link DirectoryObjectType#INTUNE_DEVICE}, type byte 0x41) is known only to
 * Intune, so it is looked up there by its Intune id in every mode; a {@code managementState} of a
 * wipe or retire revokes it for good when {@code RevokeCertificatesOnWipe} (SCEPman applies this
 * to Intune ids only, and so does this).</li>
 * </ul>
 * With {@code ComplianceCheck=Always} a device must also be compliant (Intune's
 * {@code complianceState}, Entra's {@code isCompliant}), unless it enrolled less than
 * {@code ComplianceGracePeriodMinutes} ago; otherwise it is on hold. An answer without the
 * compliance property (or, within a grace period, the enrollment time) says nothing either way:
 * {@link DirectoryUnavailableException}, as for any answer without the properties asked for.
 *
 * <p>Only Graph's own word that an object does not exist (404 with {@code Request_ResourceNotFound},
 * the directory's code, or {@code ResourceNotFound}, Intune's; or an empty list for a filter) is {@link DirectoryAnswer#NOT_FOUND}. Every other answer (401,
 * 403, 429, 5xx, no answer, a body without the properties asked for) is
 * {@link DirectoryUnavailableException}: OCSP answers tryLater, and a good certificate is never
 * answered revoked because Graph could not be read (docs/operations.md).
 */
public final class GraphDirectory implements Directory, Connection {

    /** Graph's codes for an object that does not exist: the directory's, and Intune's workloads'. */
    static final Set<String> NOT_FOUND_CODES = Set.of("Request_ResourceNotFound", "ResourceNotFound");

    /** Intune managementState values that revoke an Intune device's certificates for good (SCEPman's RevokeCertificatesOnWipe list). */
    static final Set<String> WIPE_OR_RETIRE = Set.of("retirepending", "retirefailed", "wipepending", "wipefailed", "unhealthy",
            "deletepending", "retireissued", "wipeissued");
    /** Intune complianceState values that count as compliant: Intune's own grace period is compliance granted. */
    static final Set<String> COMPLIANT = Set.of("compliant", "ingraceperiod");
    /** In {@code AADAndIntuneOpportunistic}, how long Intune is left out after Graph refused its permission. */
    static final Duration OPPORTUNISTIC_RECHECK = Duration.ofMinutes(10);
    /** Pages of a managed-device filter read at most; one Entra device rarely has more than one Intune record. */
    static final int MAX_PAGES = 10;

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** One call's limit, from sending to the whole answer. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(4);
    /** The longest Retry-After an OCSP request thread waits for; a longer one is tryLater. */
    static final Duration LONGEST_WAIT = Duration.ofSeconds(2);
    /** Calls sent and throttled calls sent again, in all. */
    static final int ATTEMPTS = 2;
    /** How long a lookup waits for its answers at most: two attempts and the wait between. */
    static final Duration CALLER_WAIT = CALL_TIMEOUT.multipliedBy(ATTEMPTS).plus(LONGEST_WAIT).plusSeconds(1);
    /** Graph calls out at once; more are queued and sent together in {@code $batch}es. */
    static final int IN_FLIGHT = 4;

    private static final String DEVICE_SELECT = "$select=id,deviceId,accountEnabled,isCompliant,registrationDateTime";
    private static final String MANAGED_DEVICE_SELECT = "$select=id,azureADDeviceId,managementState,complianceState,enrolledDateTime";
    private static final String DEVICE_ROLES = "Device.Read.All or Directory.Read.All";
    private static final String MANAGED_DEVICE_ROLES = "DeviceManagementManagedDevices.Read.All";
    private static final String USER_ROLES = "User.Read.All or Directory.Read.All";

    /** What this directory reads through Graph, each with its own application permission: a row each on the homepage. */
    enum Reading {
        ENTRA_DEVICES("Entra ID devices", DEVICE_ROLES, "/devices(deviceId='" + new UUID(0, 0) + "')?$select=id"),
        INTUNE_DEVICES("Intune managed devices", MANAGED_DEVICE_ROLES, "/deviceManagement/managedDevices/" + new UUID(0, 0) + "?$select=id"),
        USERS("users", USER_ROLES, "/users/" + new UUID(0, 0) + "?$select=id");

        final String label;
        final String roles;
        /** The lightest call that shows the permission works: an object no directory holds, answered 404. */
        final String probe;

        Reading(String label, String roles, String probe) {
            this.label = label;
            this.roles = roles;
            this.probe = probe;
        }

        String row() {
            return "Graph (" + label + ")";
        }

        static Reading of(String url) {
            return url.startsWith("/devices") ? ENTRA_DEVICES : url.startsWith("/users") ? USERS : INTUNE_DEVICES;
        }
    }

    /** One directory's answer about one object, or why it has none. */
    private record Verdict(DirectoryAnswer answer, String unavailable, boolean forbidden) {
        static Verdict of(DirectoryAnswer answer) {
            return new Verdict(answer, null, false);
        }

        static Verdict unavailable(String why) {
            return new Verdict(null, why, false);
        }

        static Verdict forbidden(String why) {
            return new Verdict(null, why, true);
        }

        boolean known() {
            return answer != null;
        }
    }

    private final GraphCalls calls;
    private final IntuneSettings intune;
    private final Clock clock;
    private volatile Instant intuneRefusedAt = Instant.MIN;
    private final Outcomes<Reading> outcomes;

    GraphDirectory(GraphCalls calls, IntuneSettings intune, Clock clock) {
        this.calls = Objects.requireNonNull(calls, "calls");
        this.intune = Objects.requireNonNull(intune, "intune");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.outcomes = new Outcomes<>(clock);
    }

    /**
     * Graph at {@code AppConfig:AzureCloudConfig:MSGraphEndpoint}, signed in through {@code tokens}
     * with that endpoint as the audience. Nothing is called yet: a Graph that cannot be reached
     * shows on the homepage and in OCSP's tryLater, not as a failed start.
     *
     * @param tls whom the HTTPS client trusts (the JDK's default trust store in production)
     */
    public static GraphDirectory open(AzureCloudSettings cloud, IntuneSettings intune, AccessTokens tokens, SSLContext tls, Clock clock) {
        JsonHttp.Sleeper sleeper = duration -> Thread.sleep(duration.toMillis());
        JsonHttp http = new JsonHttp(JsonHttp.client(tls, CONNECT_TIMEOUT), CALL_TIMEOUT, ATTEMPTS, LONGEST_WAIT, sleeper, clock);
        return new GraphDirectory(new GraphCalls(cloud.msGraphEndpoint(), tokens, http, LONGEST_WAIT, CALLER_WAIT, sleeper, IN_FLIGHT),
                intune, clock);
    }

    @Override
    public DirectoryAnswer lookup(DirectoryObjectType type, UUID objectId) {
        return switch (type) {
            case USER -> user(objectId);
            case INTUNE_DEVICE -> combine(List.of(managedDevice(get(List.of(managedDevicePath(objectId))).get(0))));
            // Nothing binds to a domain controller; were it asked, its id would be a device's.
            case DEVICE, DOMAIN_CONTROLLER -> device(objectId);
            // Jamf Pro answers for its own objects (the server routes them there); Graph keeps none.
            case JAMF_COMPUTER, JAMF_MOBILE_DEVICE, JAMF_USER, JAMF_USER_ON_COMPUTER, JAMF_USER_ON_MOBILE_DEVICE ->
                    throw new IllegalArgumentException("Microsoft Graph keeps no Jamf Pro objects (" + type + ")");
        };
    }

    private DirectoryAnswer user(UUID objectId) {
        GraphCalls.Answer answer = get(List.of("/users/" + objectId + "?$select=id,accountEnabled")).get(0);
        Verdict verdict = single(answer, USER_ROLES);
        if (verdict != null) {
            return combine(List.of(verdict));
        }
        JsonNode enabled = answer.body().path("accountEnabled");
        if (!enabled.isBoolean()) {
            return combine(List.of(Verdict.unavailable("a user without accountEnabled")));
        }
        return enabled.asBoolean() ? DirectoryAnswer.ENABLED : DirectoryAnswer.DISABLED;
    }

    private DirectoryAnswer device(UUID deviceId) {
        DeviceDirectory mode = intune.deviceDirectory();
        boolean entra = mode != DeviceDirectory.INTUNE;
        boolean inIntune = mode != DeviceDirectory.AAD
                && !(mode == DeviceDirectory.AAD_AND_INTUNE_OPPORTUNISTIC && clock.instant().isBefore(intuneRefusedAt.plus(OPPORTUNISTIC_RECHECK)));
        List<String> urls = new ArrayList<>();
        if (entra) {
            urls.add("/devices(deviceId='" + deviceId + "')?" + DEVICE_SELECT);
        }
        if (inIntune) {
            urls.add("/deviceManagement/managedDevices?$filter=azureADDeviceId%20eq%20'" + deviceId + "'&" + MANAGED_DEVICE_SELECT);
            // A GUID in the CN may be Intune's own id ({{DeviceId}}, as SCEPman's Android profiles use it): asked in the same $batch.
            urls.add(managedDevicePath(deviceId));
        }
        List<GraphCalls.Answer> answers = get(urls);
        List<Verdict> verdicts = new ArrayList<>();
        if (entra) {
            verdicts.add(entraDevice(answers.get(0)));
        }
        if (inIntune) {
            int first = entra ? 1 : 0;
            List<Verdict> managed = List.of(managedDevicesOf(answers.get(first)), managedDevice(answers.get(first + 1)));
            if (managed.stream().anyMatch(Verdict::forbidden) && mode == DeviceDirectory.AAD_AND_INTUNE_OPPORTUNISTIC) {
                // SCEPman's default mode: without the Intune permission, Entra ID alone decides.
                intuneRefusedAt = clock.instant();
            } else {
                verdicts.addAll(managed);
            }
        }
        return combine(verdicts);
    }

    /**
     * Either directory that knows the object suffices for its existence (SCEPman's AADAndIntune),
     * but what one of them says against it wins over the other's "enabled": a device wiped or
     * retired in Intune is revoked, one disabled in Entra ID or not compliant is on hold, whatever
     * the other directory says. One that cannot answer leaves the answer open unless the other
     * said enabled.
     */
    private DirectoryAnswer combine(List<Verdict> verdicts) {
        List<DirectoryAnswer> known = verdicts.stream().filter(Verdict::known).map(Verdict::answer).toList();
        for (DirectoryAnswer against : List.of(DirectoryAnswer.RETIRED, DirectoryAnswer.DISABLED, DirectoryAnswer.NOT_COMPLIANT)) {
            if (known.contains(against)) {
                return against;
            }
        }
        if (known.contains(DirectoryAnswer.ENABLED)) {
            return DirectoryAnswer.ENABLED;
        }
        List<Verdict> open = verdicts.stream().filter(v -> !v.known()).toList();
        if (!open.isEmpty()) {
            throw new DirectoryUnavailableException("Microsoft Graph cannot tell now: "
                    + open.stream().map(Verdict::unavailable).collect(Collectors.joining("; ")), null);
        }
        return DirectoryAnswer.NOT_FOUND;
    }

    private Verdict entraDevice(GraphCalls.Answer answer) {
        Verdict verdict = single(answer, DEVICE_ROLES);
        if (verdict != null) {
            return verdict;
        }
        JsonNode enabled = answer.body().path("accountEnabled");
        if (!enabled.isBoolean()) {
            return Verdict.unavailable("an Entra device without accountEnabled");
        }
        if (!enabled.asBoolean()) {
            return Verdict.of(DirectoryAnswer.DISABLED);
        }
        return compliantOrInGrace("an Entra device", answer.body(), "isCompliant", "registrationDateTime");
    }

    /** An Intune device by its Intune id: its wipe or retire state counts. */
    private Verdict managedDevice(GraphCalls.Answer answer) {
        Verdict verdict = single(answer, MANAGED_DEVICE_ROLES);
        return verdict != null ? verdict : managedDeviceState(answer.body(), true);
    }

    /** The Intune records of an Entra device id, page by page until one is enabled. */
    private Verdict managedDevicesOf(GraphCalls.Answer first) {
        GraphCalls.Answer page = first;
        Verdict found = null;
        for (int pages = 1; ; pages++) {
            if (!page.ok()) {
                return failed(page, MANAGED_DEVICE_ROLES);
            }
            JsonNode value = page.body().path("value");
            if (!value.isArray()) {
                return Verdict.unavailable("a managed-device list without value");
            }
            for (JsonNode device : value) {
                Verdict verdict = managedDeviceState(device, false);
                if (verdict.answer() == DirectoryAnswer.ENABLED) {
                    return verdict;
                }
                found = found == null || !found.known() ? verdict : found;
            }
            String next = page.body().path("@odata.nextLink").asString("");
            if (next.isEmpty()) {
                return found != null ? found : Verdict.of(DirectoryAnswer.NOT_FOUND);
            }
            if (pages >= MAX_PAGES) {
                return Verdict.unavailable("more than " + MAX_PAGES + " pages of managed devices for one Entra device id");
            }
            page = next(next);
        }
    }

    private Verdict managedDeviceState(JsonNode device, boolean byIntuneId) {
        if (!device.path("id").isString()) {
            return Verdict.unavailable("a managed device without id");
        }
        String state = device.path("managementState").asString("").toLowerCase(Locale.ROOT);
        if (byIntuneId && intune.revokeCertificatesOnWipe() && WIPE_OR_RETIRE.contains(state)) {
            return Verdict.of(DirectoryAnswer.RETIRED);
        }
        return compliantOrInGrace("a managed device", device, "complianceState", "enrolledDateTime");
    }

    /**
     * With {@code ComplianceCheck=Always}: enabled when compliant or within the grace period from
     * {@code since}, else on hold. An answer without the property asked for is no answer: the
     * device cannot be told compliant or not, and OCSP says tryLater rather than put a device on
     * hold because Graph left a field out (docs/configuration.md). A property present with null is
     * Graph's word: Entra's {@code isCompliant} is null for a device no MDM manages, which is not
     * compliant, and a null enrollment time leaves no grace period to be within.
     */
    private Verdict compliantOrInGrace(String what, JsonNode object, String complianceProperty, String sinceProperty) {
        if (!intune.complianceCheck()) {
            return Verdict.of(DirectoryAnswer.ENABLED);
        }
        JsonNode compliance = object.path(complianceProperty);
        if (compliance.isMissingNode()) {
            return Verdict.unavailable(what + " without " + complianceProperty);
        }
        boolean compliant = compliance.isBoolean() ? compliance.asBoolean()
                : COMPLIANT.contains(compliance.asString("").toLowerCase(Locale.ROOT));
        if (compliant) {
            return Verdict.of(DirectoryAnswer.ENABLED);
        }
        if (intune.complianceGracePeriod().isZero()) {
            return Verdict.of(DirectoryAnswer.NOT_COMPLIANT);
        }
        JsonNode since = object.path(sinceProperty);
        if (since.isMissingNode()) {
            return Verdict.unavailable(what + " without " + sinceProperty + ", needed for ComplianceGracePeriodMinutes");
        }
        try {
            Instant at = Instant.parse(since.asString(""));
            if (clock.instant().isBefore(at.plus(intune.complianceGracePeriod()))) {
                return Verdict.of(DirectoryAnswer.ENABLED);
            }
        } catch (DateTimeParseException e) {
            // No enrollment time: no grace period to be within.
        }
        return Verdict.of(DirectoryAnswer.NOT_COMPLIANT);
    }

    /** Null for a 2xx answer, else what a single object's answer means. */
    private static Verdict single(GraphCalls.Answer answer, String roles) {
        if (answer.ok()) {
            return null;
        }
        if (answer.status() == 404 && NOT_FOUND_CODES.contains(answer.errorCode())) {
            return Verdict.of(DirectoryAnswer.NOT_FOUND);
        }
        return failed(answer, roles);
    }

    private static Verdict failed(GraphCalls.Answer answer, String roles) {
        if (answer.status() == 403) {
            return Verdict.forbidden("Graph refused (403 " + answer.errorCode() + "): this instance needs the application permission " + roles);
        }
        return Verdict.unavailable("Graph answered " + answer.status() + " " + answer.errorCode()
                + answer.retryAfter().map(d -> " (Retry-After " + d.toSeconds() + " s)").orElse(""));
    }

    @Override
    public Optional<UUID> findUserByPrincipalName(String userPrincipalName) {
        GraphCalls.Answer answer = get(List.of("/users/" + URLEncoder.encode(userPrincipalName, StandardCharsets.UTF_8)
                .replace("+", "%20") + "?$select=id")).get(0);
        Verdict verdict = single(answer, USER_ROLES);
        if (verdict != null && verdict.answer() == DirectoryAnswer.NOT_FOUND) {
            return Optional.empty();
        }
        if (verdict != null) {
            throw new DirectoryUnavailableException("Microsoft Graph cannot resolve the userPrincipalName now: " + verdict.unavailable(), null);
        }
        try {
            return Optional.of(UUID.fromString(answer.body().path("id").asString("")));
        } catch (IllegalArgumentException e) {
            throw new DirectoryUnavailableException("Microsoft Graph answered a user without an id", e);
        }
    }

    /**
     * Self-service's question (SCEPman: "a device owned by the caller"): for an Entra device id,
     * whether the user is among the device's {@code registeredOwners} (only their ids are read,
     * which {@code Device.Read.All} shows); for an Intune device id, whether the user is the managed
     * device's primary user ({@code userId}). A GUID in a CN may be either ({@link #lookup} reads it
     * so too): where {@code DeviceDirectory} reads Intune, the managed device with that Intune id
     * answers as well, and with {@code DeviceDirectory=Intune}, where Entra ID's devices are not
     * read, the Intune records with that {@code azureADDeviceId} answer instead of Entra ID (only the
     * active ones, and every one of those must name the user: {@link #activeRecordsName}). A device
     * Graph says does not exist has no owner; any other answer that is not the list or the device
     * asked for is {@link DirectoryUnavailableException}, except that {@code AADAndIntuneOpportunistic}
     * goes on without Intune when Graph refuses its permission, as lookups do.
     */
    @Override
    public boolean isRegisteredOwner(DirectoryObjectType deviceType, UUID deviceId, UUID userId) {
        DeviceDirectory mode = intune.deviceDirectory();
        return switch (deviceType) {
            case INTUNE_DEVICE -> primaryUser(deviceId, userId, false);
            case DEVICE -> switch (mode) {
                case AAD -> registeredOwner(deviceId, userId);
                case INTUNE -> activeRecordsName(get(List.of("/deviceManagement/managedDevices?$filter=azureADDeviceId%20eq%20'" + deviceId
                        + "'&" + MANAGED_DEVICE_SELECT + ",userId")).get(0), userId) || primaryUser(deviceId, userId, false);
                default -> registeredOwner(deviceId, userId)
                        || primaryUser(deviceId, userId, mode == DeviceDirectory.AAD_AND_INTUNE_OPPORTUNISTIC);
            };
            case USER, DOMAIN_CONTROLLER, JAMF_COMPUTER, JAMF_MOBILE_DEVICE, JAMF_USER, JAMF_USER_ON_COMPUTER, JAMF_USER_ON_MOBILE_DEVICE -> false;
        };
    }

    private boolean registeredOwner(UUID entraDeviceId, UUID userId) {
        return anyOf(get(List.of("/devices(deviceId='" + entraDeviceId + "')/registeredOwners?$select=id")).get(0), DEVICE_ROLES, "id", userId);
    }

    /** @param refusedIsNo Graph's refusal of the Intune permission answers "no" (AADAndIntuneOpportunistic) rather than "cannot tell" */
    private boolean primaryUser(UUID intuneId, UUID userId, boolean refusedIsNo) {
        GraphCalls.Answer answer = get(List.of("/deviceManagement/managedDevices/" + intuneId + "?$select=id,userId")).get(0);
        if (refusedIsNo && answer.status() == 403) {
            return false;
        }
        return body(answer, MANAGED_DEVICE_ROLES).map(device -> isUser(device.path("userId"), userId)).orElse(false);
    }

    /**
     * Whether the Intune records of an Entra device id make the user its owner: at least one record
     * is active and every active record names the user as primary user. Intune keeps a reset
     * device's former record until its cleanup rules (off by default) remove it, so a record counts
     * only while it is itself enabled, as a lookup reads it and never in a wipe or retire state
     * (whatever {@code RevokeCertificatesOnWipe} says: ownership is an entitlement to enroll). A
     * record whose state Graph left out is no answer.
     */
    private boolean activeRecordsName(GraphCalls.Answer first, UUID userId) {
        GraphCalls.Answer page = first;
        boolean named = false;
        for (int pages = 1; ; pages++) {
            Optional<JsonNode> body = body(page, MANAGED_DEVICE_ROLES);
            if (body.isEmpty()) {
                return false;
            }
            JsonNode value = body.get().path("value");
            if (!value.isArray()) {
                throw new DirectoryUnavailableException("Microsoft Graph answered a list without value", null);
            }
            for (JsonNode record : value) {
                if (WIPE_OR_RETIRE.contains(record.path("managementState").asString("").toLowerCase(Locale.ROOT))) {
                    continue;
                }
                Verdict state = managedDeviceState(record, true);
                if (!state.known()) {
                    throw new DirectoryUnavailableException("Microsoft Graph: " + state.unavailable(), null);
                }
                if (state.answer() != DirectoryAnswer.ENABLED) {
                    continue;
                }
                if (!isUser(record.path("userId"), userId)) {
                    return false;
                }
                named = true;
            }
            String next = body.get().path("@odata.nextLink").asString("");
            if (next.isEmpty()) {
                return named;
            }
            if (pages >= MAX_PAGES) {
                throw new DirectoryUnavailableException("Microsoft Graph: more than " + MAX_PAGES + " pages of a device's Intune records", null);
            }
            page = calls.next(next);
        }
    }

    /** Whether any object of a list, page by page, has {@code property} naming the user; a list of a device that is not there is empty. */
    private boolean anyOf(GraphCalls.Answer first, String roles, String property, UUID userId) {
        GraphCalls.Answer page = first;
        for (int pages = 1; ; pages++) {
            Optional<JsonNode> body = body(page, roles);
            if (body.isEmpty()) {
                return false;
            }
            JsonNode value = body.get().path("value");
            if (!value.isArray()) {
                throw new DirectoryUnavailableException("Microsoft Graph answered a list without value", null);
            }
            for (JsonNode object : value) {
                if (isUser(object.path(property), userId)) {
                    return true;
                }
            }
            String next = body.get().path("@odata.nextLink").asString("");
            if (next.isEmpty()) {
                return false;
            }
            if (pages >= MAX_PAGES) {
                throw new DirectoryUnavailableException("Microsoft Graph: more than " + MAX_PAGES + " pages of a device's owners", null);
            }
            page = calls.next(next);
        }
    }

    private static boolean isUser(JsonNode id, UUID userId) {
        return guid(id.asString("")).filter(userId::equals).isPresent();
    }

    @Override
    public Optional<String> securityIdentifier(DirectoryObjectType type, UUID objectId) {
        String path = switch (type) {
            case USER -> "/users/" + objectId + "?$select=id,onPremisesSecurityIdentifier";
            case INTUNE_DEVICE -> {
                // Intune keeps no SID: the device's is its Entra record's.
                GraphCalls.Answer managed = get(List.of("/deviceManagement/managedDevices/" + objectId + "?$select=id,azureADDeviceId"))
                        .get(0);
                Optional<JsonNode> body = body(managed, MANAGED_DEVICE_ROLES);
                Optional<UUID> entraId = body.flatMap(b -> guid(b.path("azureADDeviceId").asString("")));
                if (entraId.isEmpty() || entraId.get().equals(new UUID(0, 0))) {
                    yield null;
                }
                yield "/devices(deviceId='" + entraId.get() + "')?$select=id,onPremisesSecurityIdentifier";
            }
            case DEVICE, DOMAIN_CONTROLLER -> "/devices(deviceId='" + objectId + "')?$select=id,onPremisesSecurityIdentifier";
            case JAMF_COMPUTER, JAMF_MOBILE_DEVICE, JAMF_USER, JAMF_USER_ON_COMPUTER, JAMF_USER_ON_MOBILE_DEVICE -> null;
        };
        if (path == null) {
            return Optional.empty();
        }
        GraphCalls.Answer answer = get(List.of(path)).get(0);
        return body(answer, type == DirectoryObjectType.USER ? USER_ROLES : DEVICE_ROLES)
                .map(b -> b.path("onPremisesSecurityIdentifier").asString("")).filter(sid -> !sid.isBlank());
    }

    /** The body of a found object; empty when Graph says there is none; throws when it cannot tell. */
    private static Optional<JsonNode> body(GraphCalls.Answer answer, String roles) {
        Verdict verdict = single(answer, roles);
        if (verdict == null) {
            return Optional.of(answer.body());
        }
        if (verdict.answer() == DirectoryAnswer.NOT_FOUND) {
            return Optional.empty();
        }
        throw new DirectoryUnavailableException("Microsoft Graph cannot tell now: " + verdict.unavailable(), null);
    }

    /** Graph's answers to these calls; what each taught about its reading is kept for {@link #check()}. */
    private List<GraphCalls.Answer> get(List<String> urls) {
        List<GraphCalls.Answer> answers;
        try {
            answers = calls.get(urls);
        } catch (DirectoryUnavailableException e) {
            urls.stream().map(Reading::of).distinct().forEach(reading -> outcomes.record(reading,
                    ConnectionStatus.notConnected(reading.row(), unanswered(e), Optional.empty())));
            throw e;
        }
        for (int i = 0; i < answers.size(); i++) {
            Reading reading = Reading.of(urls.get(i));
            outcomes.record(reading, statusOf(reading, answers.get(i)));
        }
        return answers;
    }

    /** The next page of Intune's managed devices. */
    private GraphCalls.Answer next(String nextLink) {
        try {
            GraphCalls.Answer answer = calls.next(nextLink);
            outcomes.record(Reading.INTUNE_DEVICES, statusOf(Reading.INTUNE_DEVICES, answer));
            return answer;
        } catch (DirectoryUnavailableException e) {
            outcomes.record(Reading.INTUNE_DEVICES, ConnectionStatus.notConnected(Reading.INTUNE_DEVICES.row(), unanswered(e), Optional.empty()));
            throw e;
        }
    }

    /** Why a call got no answer, said as Graph's: a connection's failure names only the call it failed. */
    private static String unanswered(DirectoryUnavailableException e) {
        String message = String.valueOf(e.getMessage());
        return message.startsWith("Microsoft Graph") || message.startsWith("no token") ? message : "no answer from Microsoft Graph: " + message;
    }

    private ConnectionStatus statusOf(Reading reading, GraphCalls.Answer answer) {
        if (answer.ok() || answer.status() == 404 && NOT_FOUND_CODES.contains(answer.errorCode())) {
            return ConnectionStatus.connected(reading.row(), "Microsoft Graph " + calls.graph() + " answers");
        }
        if (answer.status() == 403) {
            return ConnectionStatus.notConnected(reading.row(), "Graph refused (403 " + answer.errorCode()
                    + "): this instance needs the application permission " + reading.roles + ", with admin consent", Optional.of(reading.roles));
        }
        if (answer.status() == 429) {
            // Graph answers and the permission works; lookups meanwhile answer tryLater, which is not an outage.
            return ConnectionStatus.connected(reading.row(), "Microsoft Graph answers, but throttles this instance (429"
                    + answer.retryAfter().map(d -> ", Retry-After " + d.toSeconds() + " s").orElse("") + ")");
        }
        return ConnectionStatus.notConnected(reading.row(), "Graph answered " + answer.status() + " " + answer.errorCode(), Optional.empty());
    }

    /**
     * A row for each directory this instance reads through Graph: those its {@code DeviceDirectory}
     * asks for devices, and any other it has asked since it started (users, Intune devices by
     * their Intune id). What a lookup taught in the last {@link Connection#RECENT} stands; the
     * others are asked about an object no directory holds, all in one call.
     */
    @Override
    public List<ConnectionStatus> check() {
        DeviceDirectory mode = intune.deviceDirectory();
        List<Reading> shown = new ArrayList<>();
        for (Reading reading : Reading.values()) {
            boolean required = switch (reading) {
                case ENTRA_DEVICES -> mode != DeviceDirectory.INTUNE;
                case INTUNE_DEVICES -> mode != DeviceDirectory.AAD;
                case USERS -> false;
            };
            if (required || outcomes.asked(reading)) {
                shown.add(reading);
            }
        }
        List<Reading> unknown = shown.stream().filter(reading -> outcomes.recent(reading).isEmpty()).toList();
        if (!unknown.isEmpty()) {
            try {
                get(unknown.stream().map(reading -> reading.probe).toList());
            } catch (DirectoryUnavailableException e) {
                // Recorded for each reading asked.
            }
        }
        List<ConnectionStatus> rows = new ArrayList<>();
        for (Reading reading : shown) {
            ConnectionStatus status = outcomes.latest(reading).map(Outcomes.Seen::status)
                    .orElseGet(() -> ConnectionStatus.notConnected(reading.row(), "Microsoft Graph gave no answer", Optional.empty()));
            if (reading == Reading.INTUNE_DEVICES && mode == DeviceDirectory.AAD_AND_INTUNE_OPPORTUNISTIC && status.missingPermission().isPresent()) {
                // SCEPman's default mode goes on without Intune: Entra ID alone decides, which is not an outage.
                status = new ConnectionStatus(status.name(), ConnectionStatus.State.NOT_CONFIGURED, "Graph refuses Intune's managed devices, "
                        + "so devices are looked up in Entra ID only (AADAndIntuneOpportunistic); grant " + MANAGED_DEVICE_ROLES
                        + " to add Intune", status.missingPermission());
            }
            rows.add(status);
        }
        return rows;
    }

    private static Optional<UUID> guid(String text) {
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String managedDevicePath(UUID intuneId) {
        return "/deviceManagement/managedDevices/" + intuneId + "?" + MANAGED_DEVICE_SELECT;
    }

    /** For the homepage: Graph's address and how devices are looked up, without credentials. */
    @Override
    public String describe() {
        DeviceDirectory mode = intune.deviceDirectory();
        StringBuilder out = new StringBuilder("Microsoft Graph ").append(calls.graph()).append(" (DeviceDirectory ").append(mode.spelling());
        if (intune.complianceCheck()) {
            out.append(", ComplianceCheck Always, grace period ").append(intune.complianceGracePeriod().toMinutes()).append(" min");
        }
        if (mode == DeviceDirectory.AAD_AND_INTUNE_OPPORTUNISTIC && clock.instant().isBefore(intuneRefusedAt.plus(OPPORTUNISTIC_RECHECK))) {
            out.append("; Intune refused (no DeviceManagementManagedDevices.Read.All): devices from Entra ID only");
        }
        return out.append(')').toString();
    }
}
