package dev.scepter.server.api;

import dev.scepter.authority.audit.AuditTrail;
import dev.scepter.authority.audit.PersonNames;
import dev.scepter.authority.inventory.CertificateInventory;
import dev.scepter.authority.revocation.Revocations;
import dev.scepter.authority.store.CertificateKind;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.RevocationOutcome;
import dev.scepter.authority.store.SearchPage;
import dev.scepter.authority.store.SearchQuery;
import dev.scepter.authority.validity.DelegatedResponder;
import dev.scepter.server.security.ApiCaller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * SCEPman's management API: {@code PATCH /api/manage/revoke/{serial}} and
 * {@code GET /api/manage/search} (role {@code Manage.All}, declared in the route table), and our
 * {@code GET /api/manage/audit}.
 */
@RestController
public final class ManageController {

    /** The body of a revocation, as SCEPman takes it. */
    public record RevokeBody(Integer revocationReason, String revoker) {
    }

    private final Revocations revocations;
    private final CertificateInventory inventory;
    private final AuditTrail audit;
    private final Clock clock;

    public ManageController(Revocations revocations, CertificateInventory inventory, AuditTrail audit, Clock clock) {
        this.revocations = revocations;
        this.inventory = inventory;
        this.audit = audit;
        this.clock = clock;
    }

    @Operation(summary = "Revoke a certificate by its serial number (hex), with an RFC 5280 reason code")
    @ApiResponse(responseCode = "200", description = "Revoked")
    @ApiResponse(responseCode = "404", description = "No certificate of ours has this serial number (SCEPman's error code 7012)")
    @ApiResponse(responseCode = "409", description = "Already revoked (SCEPman's error code 5013)")
    @ApiResponse(responseCode = "400", description = "Not a CRLReason code, not a hexadecimal serial, or a revoker that breaks the rule for names")
    @PatchMapping("/api/manage/revoke/{serial}")
    public Map<String, Object> revoke(@PathVariable String serial, @RequestBody(required = false) RevokeBody body,
            @AuthenticationPrincipal(errorOnInvalidType = true) ApiCaller caller) {
        int reason = body == null || body.revocationReason() == null ? 0 : body.revocationReason();
        if (reason < 0 || reason > 10 || reason == 7) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "revocationReason must be a CRLReason code: 0 to 10, but not 7 (RFC 5280 section 5.3.1).");
        }
        String revoker = revoker(body == null ? null : body.revoker(), caller.name());
        BigInteger serialNumber = serial(serial);
        RevocationOutcome outcome = revocations.revoke(caller.name(), serialNumber, reason, revoker);
        return switch (outcome) {
            case REVOKED -> Map.of("serialNumber", hex(serialNumber), "revocationReason", reason);
            case NOT_FOUND -> throw new ApiProblem(HttpStatus.NOT_FOUND, "Certificate not found.", Optional.of(7012));
            case ALREADY_REVOKED -> throw new ApiProblem(HttpStatus.CONFLICT, "The certificate is already revoked.", Optional.of(5013));
        };
    }

    /**
     * SCEPman's free-text revoker, absent or blank for none. The certificate and the trail record
     * it as "{revoker} through API user {caller}", so it is held to the rule for any person's name
     * a caller gives ({@link PersonNames}, as a requester's): a revoker on two lines, with a
     * bidirectional override or with " through API user " in it could pass for another actor.
     */
    static String revoker(String revoker, String caller) {
        if (revoker == null || revoker.isBlank()) {
            return null;
        }
        String name = revoker.strip();
        String problem = PersonNames.problem(name, caller);
        if (problem != null) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "revoker must be " + problem + ".");
        }
        return name;
    }

    /** The most days {@code expiresWithinDays} takes: ten years, beyond any certificate's validity. */
    static final int MAX_EXPIRY_DAYS = 3650;

    @Operation(summary = "Search issued certificates: SCEPman's search (text, validity, certType, pages with a continuation token)"
            + " and our filters (endpoint, expiry, bound object, no successor)")
    @ApiResponse(responseCode = "200", description = "A page of certificates")
    @GetMapping("/api/manage/search")
    public Map<String, Object> search(@RequestParam Optional<String> searchText, @RequestParam Optional<Integer> pageSize,
            @RequestParam Optional<String> continuationToken, @RequestParam Optional<String> certValidity,
            @RequestParam Optional<List<String>> certType, @RequestParam Optional<List<String>> endpoint,
            @RequestParam Optional<Integer> expiresWithinDays, @RequestParam Optional<String> boundObject,
            @RequestParam Optional<Boolean> withoutSuccessor,
            @RequestParam Optional<Boolean> includeOcspResponders, @AuthenticationPrincipal(errorOnInvalidType = true) ApiCaller caller) {
        SearchQuery.Validity validity = certValidity.map(ManageController::validity).orElse(SearchQuery.Validity.ANY);
        int size = pageSize.orElse(50);
        if (size < 1 || size > 1000) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "pageSize must be from 1 to 1000.");
        }
        Instant now = clock.instant();
        SearchQuery.Filters filters = filters(certType, endpoint, expiresWithinDays, boundObject, withoutSuccessor, now);
        SearchPage page;
        try {
            // The responder's own certificates (a new one at every start) are no device's: left out unless asked for.
            page = inventory.search(caller.name(), new SearchQuery(searchText.filter(t -> !t.isBlank()), validity, now, size,
                    continuationToken.filter(t -> !t.isBlank()),
                    includeOcspResponders.orElse(false) ? Set.of() : Set.of(DelegatedResponder.ENDPOINT), filters));
        } catch (IllegalArgumentException e) {
            // The store refuses a continuation token it did not give out (the only argument it checks).
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "continuationToken is not one this server gave out; search again without it.");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("items", page.items().stream().map(ManageController::item).toList());
        result.put("continuationToken", page.continuationToken().orElse(null));
        return result;
    }

    /** Our filters beyond SCEPman's, each checked: a bad value is a 400 that names the parameter. */
    private static SearchQuery.Filters filters(Optional<List<String>> certType, Optional<List<String>> endpoint,
            Optional<Integer> expiresWithinDays, Optional<String> boundObject, Optional<Boolean> withoutSuccessor, Instant now) {
        Set<CertificateKind> kinds = new java.util.HashSet<>();
        for (String type : certType.orElse(List.of())) {
            if (type.isBlank() || type.equalsIgnoreCase("Any")) {
                kinds.clear();
                break;
            }
            kinds.add(CertificateKind.parse(type.strip())
                    .orElseThrow(() -> new ApiProblem(HttpStatus.BAD_REQUEST, "certType must be Static, DC, User, Device or Any.")));
        }
        Set<String> endpoints = new java.util.HashSet<>();
        for (String name : endpoint.orElse(List.of())) {
            if (!name.isBlank()) {
                if (name.length() > 200) {
                    throw new ApiProblem(HttpStatus.BAD_REQUEST, "endpoint is at most 200 characters.");
                }
                endpoints.add(name.strip());
            }
        }
        if (endpoints.size() > 20) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "At most 20 endpoints.");
        }
        Optional<Instant> expiresBefore = Optional.empty();
        if (expiresWithinDays.isPresent()) {
            int days = expiresWithinDays.get();
            if (days < 0 || days > MAX_EXPIRY_DAYS) {
                throw new ApiProblem(HttpStatus.BAD_REQUEST, "expiresWithinDays must be from 0 to " + MAX_EXPIRY_DAYS + ".");
            }
            expiresBefore = Optional.of(now.plus(Duration.ofDays(days)));
        }
        Optional<UUID> object = boundObject.filter(t -> !t.isBlank()).map(ManageController::guid);
        return new SearchQuery.Filters(endpoints, kinds, expiresBefore, object, withoutSuccessor.orElse(false));
    }

    private static UUID guid(String text) {
        if (!text.strip().matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "boundObject is a GUID (8-4-4-4-12 hexadecimal digits).");
        }
        return UUID.fromString(text.strip());
    }

    @Operation(summary = "The newest audit events (who did what, when), at most 1000")
    @ApiResponse(responseCode = "200", description = "The events, newest first")
    @GetMapping("/api/manage/audit")
    public List<Map<String, Object>> audit(@RequestParam Optional<Integer> limit) {
        int size = limit.orElse(100);
        if (size < 1 || size > 1000) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "limit must be from 1 to 1000.");
        }
        return audit.latest(size).stream().map(event -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("at", event.at().toString());
            view.put("actor", event.actor());
            view.put("action", event.action());
            view.put("target", event.target());
            view.put("outcome", event.outcome());
            return view;
        }).toList();
    }

    private static SearchQuery.Validity validity(String value) {
        for (SearchQuery.Validity validity : SearchQuery.Validity.values()) {
            if (validity.name().equalsIgnoreCase(value)) {
                return validity;
            }
        }
        throw new ApiProblem(HttpStatus.BAD_REQUEST, "certValidity must be Any, Active, Expired or Revoked.");
    }

    /** Serials are hexadecimal without separators, read case-insensitively (as openssl x509 -serial prints them). */
    static BigInteger serial(String text) {
        if (!text.matches("[0-9a-fA-F]{1,64}")) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "A serial number is hexadecimal, without separators.");
        }
        return new BigInteger(text, 16);
    }

    static String hex(BigInteger serial) {
        return serial.toString(16).toUpperCase(Locale.ROOT);
    }

    static Map<String, Object> item(IssuedCertificate certificate) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("serialNumber", certificate.serialHex());
        item.put("subject", certificate.subject());
        item.put("sans", certificate.subjectAltNames());
        item.put("upn", certificate.subjectAltNames().stream().filter(s -> s.startsWith("upn:")).map(s -> s.substring(4)).findFirst().orElse(null));
        item.put("issuanceDate", certificate.notBefore().toString());
        item.put("expirationDate", certificate.notAfter().toString());
        item.put("revocationDate", certificate.revocation().map(r -> r.revokedAt().toString()).orElse(null));
        item.put("revocationReason", certificate.revocation().map(r -> r.reason()).orElse(null));
        item.put("revokedBy", certificate.revocation().map(r -> r.revokedBy()).orElse(null));
        item.put("requester", certificate.requester());
        item.put("source", certificate.endpoint());
        item.put("certificateType", certificate.endpoint().equals(DelegatedResponder.ENDPOINT) ? "OcspResponder"
                : CertificateKind.of(certificate).apiName());
        item.put("thumbprint", certificate.thumbprint());
        item.put("boundObject", certificate.binding().map(b -> Map.of("type", b.type().name(), "id", b.objectId().toString()))
                .orElse(null));
        return item;
    }
}
