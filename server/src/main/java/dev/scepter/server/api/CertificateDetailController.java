package dev.scepter.server.api;

import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.directory.DirectoryUnavailableException;
import dev.scepter.authority.inventory.CertificateHistory;
import dev.scepter.authority.inventory.CertificateInventory;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.Revocation;
import dev.scepter.authority.validity.CertificateStatus;
import dev.scepter.authority.validity.DelegatedResponder;
import dev.scepter.authority.validity.StatusDecision;
import dev.scepter.authority.validity.Validity;
import dev.scepter.server.security.ApiCaller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/manage/certificates/{serial}} (role {@code Manage.All}): one certificate, its live
 * status as OCSP decides it ({@link Validity#decide}) with the reason in words, and the history of
 * what it was issued for (every certificate of the same device, user or unbound subject, which one
 * replaced which, which renewal did not happen). Certificate Master's detail page shows this; the
 * reason is decided here, once, not re-derived by the portal.
 */
@RestController
public final class CertificateDetailController {

    private final CertificateInventory inventory;
    private final Validity validity;
    private final Clock clock;

    public CertificateDetailController(CertificateInventory inventory, Validity validity, Clock clock) {
        this.inventory = inventory;
        this.validity = validity;
        this.clock = clock;
    }

    @Operation(summary = "One certificate: its record, its live status with the reason in words, and its device's or user's certificate history")
    @ApiResponse(responseCode = "200", description = "The certificate, its status and its history")
    @ApiResponse(responseCode = "404", description = "No certificate of ours has this serial number (SCEPman's error code 7012)")
    @GetMapping("/api/manage/certificates/{serial}")
    public Map<String, Object> certificate(@PathVariable String serial, @AuthenticationPrincipal(errorOnInvalidType = true) ApiCaller caller) {
        BigInteger serialNumber = ManageController.serial(serial);
        IssuedCertificate certificate = inventory.find(caller.name(), serialNumber)
                .orElseThrow(() -> new ApiProblem(HttpStatus.NOT_FOUND, "Certificate not found.", Optional.of(7012)));
        Instant now = clock.instant();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("certificate", ManageController.item(certificate));
        result.put("status", status(certificate, now));
        CertificateHistory history = inventory.history(certificate, Set.of(DelegatedResponder.ENDPOINT));
        result.put("history", history.entries().stream().map(entry -> {
            Map<String, Object> item = ManageController.item(entry.certificate());
            item.put("replaces", entry.replaces().map(ManageController::hex).orElse(null));
            item.put("replacedBy", entry.replacedBy().map(ManageController::hex).orElse(null));
            item.put("renewalMissed", entry.renewalMissed());
            return item;
        }).toList());
        result.put("historyComplete", history.complete());
        return result;
    }

    /** The live status: OCSP's decision, in fields and in words. */
    private Map<String, Object> status(IssuedCertificate certificate, Instant now) {
        Map<String, Object> status = new LinkedHashMap<>();
        boolean expired = !certificate.notAfter().isAfter(now);
        boolean notYetValid = certificate.notBefore().isAfter(now);
        status.put("expired", expired);
        StatusDecision decision;
        try {
            decision = validity.decide(certificate.serialNumber());
        } catch (DirectoryUnavailableException e) {
            status.put("ocspStatus", "unavailable");
            status.put("source", "DIRECTORY");
            status.put("explanation", "The directory that decides this certificate (" + validity.directoryDescription()
                    + ") cannot answer now, so OCSP answers nothing rather than a guess. Try again shortly.");
            return status;
        }
        CertificateStatus ocsp = decision.status();
        status.put("ocspStatus", ocsp instanceof CertificateStatus.Good ? "good" : ocsp instanceof CertificateStatus.OnHold ? "onHold"
                : ocsp instanceof CertificateStatus.Revoked ? "revoked" : "unknown");
        status.put("source", decision.source().name());
        if (ocsp instanceof CertificateStatus.Revoked revoked) {
            status.put("reasonCode", revoked.reason());
            status.put("reason", ReasonNames.name(revoked.reason()));
            status.put("since", revoked.revokedAt().toString());
        } else if (ocsp instanceof CertificateStatus.OnHold) {
            status.put("reasonCode", 6);
            status.put("reason", ReasonNames.name(6));
        }
        decision.manual().ifPresent(manual -> status.put("revokedBy", manual.revokedBy()));
        decision.binding().ifPresent(binding -> status.put("boundObject", Map.of("type", binding.type().name(),
                "id", binding.objectId().toString())));
        decision.directoryAnswer().ifPresent(answer -> status.put("directoryAnswer", answer.name()));
        String explanation = explanation(decision);
        if (expired) {
            explanation = "Expired on " + certificate.notAfter() + ". " + explanation;
        } else if (notYetValid) {
            explanation = "Not valid before " + certificate.notBefore() + ". " + explanation;
        }
        status.put("explanation", explanation);
        return status;
    }

    private String explanation(StatusDecision decision) {
        String object = decision.binding().map(b -> what(b.type()) + " " + b.objectId()).orElse("its object");
        String directory = "the directory (" + validity.directoryDescription() + ")";
        return switch (decision.source()) {
            case CA_CERTIFICATE -> "Good: this is the CA's own certificate.";
            case NOT_ISSUED -> "Unknown to OCSP: the CA has no record of issuing this serial.";
            case UNBOUND -> "Good: bound to no device or user, so it stays good until it is revoked by hand or expires.";
            case MANUAL -> manual(decision.manual().orElseThrow());
            case DIRECTORY -> switch (decision.directoryAnswer().orElseThrow()) {
                case ENABLED -> "Good: the " + object + " exists and is enabled in " + directory + ".";
                case DISABLED -> "On hold (certificateHold): the " + object + " is disabled in " + directory
                        + ". OCSP answers good again as soon as it is enabled.";
                case NOT_COMPLIANT -> "On hold (certificateHold): the " + object + " is not compliant in Intune and its grace period"
                        + " is over. OCSP answers good again once it is compliant.";
                case RETIRED -> "Revoked for good (" + ReasonNames.name(decision.status() instanceof CertificateStatus.Revoked r ? r.reason() : 5)
                        + "): the " + object + " is being wiped or retired in Intune.";
                case NOT_FOUND -> "Revoked for good (" + ReasonNames.name(decision.status() instanceof CertificateStatus.Revoked r ? r.reason() : 5)
                        + "): the " + object + " no longer exists in " + directory + " (deleted). A new certificate needs a new enrollment.";
            };
        };
    }

    private static String manual(Revocation revocation) {
        if (revocation.isDeliveryHold()) {
            return "On hold since " + revocation.revokedAt() + ": the MDM has not yet confirmed that it delivered the certificate"
                    + " (Intune's success notification); it becomes good when it does.";
        }
        return "Revoked by hand on " + revocation.revokedAt() + " by " + revocation.revokedBy() + ", reason "
                + ReasonNames.name(revocation.reason()) + ". A manual revocation is final.";
    }

    private static String what(DirectoryObjectType type) {
        return switch (type) {
            case USER, JAMF_USER, JAMF_USER_ON_COMPUTER, JAMF_USER_ON_MOBILE_DEVICE -> "user";
            case DEVICE, DOMAIN_CONTROLLER -> "device";
            case INTUNE_DEVICE -> "Intune device";
            case JAMF_COMPUTER -> "Jamf computer";
            case JAMF_MOBILE_DEVICE -> "Jamf mobile device";
        };
    }

    /** RFC 5280 section 5.3.1's CRLReason names. */
    static final class ReasonNames {
        private static final List<String> NAMES = List.of("unspecified", "keyCompromise", "cACompromise", "affiliationChanged",
                "superseded", "cessationOfOperation", "certificateHold", "", "removeFromCRL", "privilegeWithdrawn", "aACompromise");

        static String name(int code) {
            return code >= 0 && code < NAMES.size() && !NAMES.get(code).isEmpty() ? NAMES.get(code) : "code " + code;
        }

        private ReasonNames() {
        }
    }
}
