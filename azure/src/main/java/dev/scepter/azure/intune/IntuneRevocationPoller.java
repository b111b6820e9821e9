package dev.scepter.azure.intune;

import dev.scepter.authority.revocation.Revocations;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.RevocationOutcome;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Revokes what Intune asks to be revoked. Intune does not revoke a third-party CA's certificates
 * itself (a device retired, wiped or taken out of a profile's scope): it queues revocation requests
 * that the CA downloads ({@code CertificateAuthorityRequests/downloadRevocationRequests} on the
 * {@code PkiConnectorFEService}), carries out, and answers
 * ({@code uploadRevocationResults}) (ms_contracts.md 1.5, Microsoft's {@code IntuneRevocationClient}).
 *
 * <p>Each of our certificates is revoked through the authority's {@link Revocations} (audited,
 * actor {@code Intune}, CRLReason cessationOfOperation: Intune asks because the device no longer
 * needs it, not because a key was compromised). Results carry Intune's {@code CARequestErrorCodes}:
 * 0 revoked; 4004 not ours or not found; 4005 already revoked; 4002 a serial number that is not
 * one; 4101 our store could not be reached (retryable). {@code succeeded} is true exactly with 0.
 * A store that keeps the first revocation makes several nodes polling at once safe: each request
 * revokes its certificate once, whichever node takes it.
 *
 * <p>Intune speaks only for what it enrolled: a certificate is revoked at its request only when
 * its record says it was issued through an Intune endpoint. Any other serial of this CA (a
 * static, Jamf or API certificate) is not Intune's to revoke, whatever a request names: it is
 * answered 4004, as a certificate Intune did not enroll here, and logged.
 */
public final class IntuneRevocationPoller {

    private static final System.Logger LOG = System.getLogger(IntuneRevocationPoller.class.getName());
    /** Exactly what Microsoft's Java and C# clients send ({@code DEFAULT_SERVICE_VERSION}); it looks like a typo, but it is the contract. */
    public static final String API_VERSION = "5019-05-05";
    /** The most one download may ask for (Microsoft's library checks 1..500). */
    static final int MAX_REQUESTS = 500;
    /** A poll takes a few batches at most; what is left waits for the next poll. */
    private static final int MAX_BATCHES = 10;
    static final int CESSATION_OF_OPERATION = 5;
    static final String ACTOR = "Intune";

    /** What one poll did, for the log and the tests. */
    public record Poll(int requested, int revoked, int failed) {
    }

    private final IntuneClient client;
    private final Revocations revocations;
    private final CertificateStore store;
    private final String issuerName;
    private final Set<String> intuneEndpoints;

    /**
     * @param store           where each named certificate's record is read, to tell who issued it
     * @param issuerName      our CA's name, as the success notifications name it ({@code issuingCertificateAuthority})
     * @param intuneEndpoints the enrollment endpoints through which Intune enrolls (their names, as records carry them)
     */
    public IntuneRevocationPoller(IntuneClient client, Revocations revocations, CertificateStore store, String issuerName,
            Set<String> intuneEndpoints) {
        this.client = Objects.requireNonNull(client, "client");
        this.revocations = Objects.requireNonNull(revocations, "revocations");
        this.store = Objects.requireNonNull(store, "store");
        this.issuerName = Objects.requireNonNull(issuerName, "issuerName");
        this.intuneEndpoints = Set.copyOf(intuneEndpoints);
    }

    /**
     * Downloads Intune's pending revocation requests, carries them out and uploads the results.
     *
     * @throws IntuneUnavailableException when Intune gave no usable answer (the next poll tries again)
     */
    public Poll pollOnce() {
        int requested = 0;
        int revoked = 0;
        int failed = 0;
        for (int batch = 0; batch < MAX_BATCHES; batch++) {
            ObjectNode parameters = dev.scepter.azure.http.JsonHttp.JSON.createObjectNode();
            parameters.putObject("downloadParameters").put("maxRequests", MAX_REQUESTS).put("issuerName", issuerName);
            JsonNode answer = client.post(IntuneClient.PKI_CONNECTOR_SERVICE, "CertificateAuthorityRequests/downloadRevocationRequests",
                    API_VERSION, parameters);
            List<JsonNode> requests = new ArrayList<>();
            answer.path("value").forEach(requests::add);
            if (requests.isEmpty()) {
                break;
            }
            ObjectNode upload = dev.scepter.azure.http.JsonHttp.JSON.createObjectNode();
            ArrayNode results = upload.putArray("results");
            for (JsonNode request : requests) {
                Result result = carryOut(request);
                results.addObject().put("requestContext", request.path("requestContext").asString(""))
                        .put("succeeded", result.code() == 0).put("errorCode", Integer.toString(result.code()))
                        .put("errorMessage", result.message());
                if (result.code() == 0) {
                    revoked++;
                } else {
                    failed++;
                }
            }
            requested += requests.size();
            JsonNode uploaded = client.post(IntuneClient.PKI_CONNECTOR_SERVICE, "CertificateAuthorityRequests/uploadRevocationResults",
                    API_VERSION, upload);
            if (!uploaded.path("value").asBoolean(false)) {
                // Intune keeps the requests it did not take results for and hands them out again.
                LOG.log(System.Logger.Level.WARNING, "Intune did not accept the results of {0} revocation requests", requests.size());
            }
            if (requests.size() < MAX_REQUESTS) {
                break;
            }
        }
        if (requested > 0) {
            LOG.log(System.Logger.Level.INFO, "Intune asked for {0} revocations: {1} revoked, {2} not", requested, revoked, failed);
        }
        return new Poll(requested, revoked, failed);
    }

    private record Result(int code, String message) {
    }

    private Result carryOut(JsonNode request) {
        String serialText = request.path("serialNumber").asString("").trim();
        String requestIssuer = request.path("issuerName").asString("");
        BigInteger serial;
        try {
            serial = new BigInteger(serialText, 16);
        } catch (NumberFormatException e) {
            return new Result(4002, "not a hexadecimal serial number: " + abbreviate(serialText));
        }
        if (!requestIssuer.isEmpty() && !sameName(requestIssuer, issuerName)) {
            return new Result(4004, "not issued by " + issuerName);
        }
        String serialHex = serial.toString(16).toUpperCase(Locale.ROOT);
        Optional<IssuedCertificate> record;
        try {
            record = store.find(issuerName, serial);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not read {0} for Intune''s revocation request: {1}", serialHex, e.getClass().getName());
            return new Result(4101, "the certificate store cannot be reached; try again");
        }
        // An unknown serial goes on to be revoked and so audited as not found, like every attempt on ours.
        if (record.isPresent() && !intuneEndpoints.contains(record.get().endpoint())) {
            LOG.log(System.Logger.Level.WARNING, "Intune asked to revoke {0}, which was issued through endpoint {1}, not Intune''s: skipped",
                    serialHex, record.get().endpoint());
            return new Result(4004, "no certificate with serial number " + serialHex + " that Intune enrolled here");
        }
        RevocationOutcome outcome;
        try {
            outcome = revocations.revoke(ACTOR, serial, CESSATION_OF_OPERATION, null);
        } catch (RuntimeException e) {
            // The store's outage: Intune asks again.
            LOG.log(System.Logger.Level.WARNING, "Could not revoke {0} for Intune: {1}", serialText, e.toString());
            return new Result(4101, "the certificate store cannot be reached; try again");
        }
        return switch (outcome) {
            case REVOKED -> new Result(0, null);
            case NOT_FOUND -> new Result(4004, "no certificate with serial number " + serialHex);
            case ALREADY_REVOKED -> new Result(4005, "already revoked");
        };
    }

    private static String abbreviate(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }

    /** Distinguished names compared as names (RFC 5280 section 7.1: case and spacing aside), not as strings. */
    static boolean sameName(String one, String other) {
        try {
            return org.bouncycastle.asn1.x500.style.BCStyle.INSTANCE.areEqual(new org.bouncycastle.asn1.x500.X500Name(one),
                    new org.bouncycastle.asn1.x500.X500Name(other));
        } catch (IllegalArgumentException notAName) {
            return false;
        }
    }
}
