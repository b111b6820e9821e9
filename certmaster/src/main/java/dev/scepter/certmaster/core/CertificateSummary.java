package dev.scepter.certmaster.core;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One certificate as the core's search returns it (SCEPman's management API item, and the core's
 * {@code boundObject}: the GUID of the device or user it is bound to; its SHA-1 {@code thumbprint}).
 */
public record CertificateSummary(String serialNumber, String subject, List<String> sans, Instant issuanceDate, Instant expirationDate,
        Optional<Instant> revocationDate, Optional<Integer> revocationReason, Optional<String> revokedBy, String requester,
        String source, String certificateType, Optional<String> boundObject, Optional<String> thumbprint) {

    /** A certificate bound to no device or user. */
    public CertificateSummary(String serialNumber, String subject, List<String> sans, Instant issuanceDate, Instant expirationDate,
            Optional<Instant> revocationDate, Optional<Integer> revocationReason, Optional<String> revokedBy, String requester,
            String source, String certificateType) {
        this(serialNumber, subject, sans, issuanceDate, expirationDate, revocationDate, revocationReason, revokedBy, requester, source,
                certificateType, Optional.empty(), Optional.empty());
    }

    /** Its state now: revoked wins over expired, as a relying party sees it (OCSP answers revoked). */
    public String status(Instant now) {
        if (revocationDate.isPresent()) {
            return "Revoked";
        }
        if (now.isBefore(issuanceDate)) {
            return "Not yet valid";
        }
        return now.isBefore(expirationDate) ? "Valid" : "Expired";
    }

    public boolean revoked() {
        return revocationDate.isPresent();
    }

    /** The RFC 5280 CRLReason in words (section 5.3.1). */
    public Optional<String> revocationReasonName() {
        return revocationReason.map(RevocationReason::name);
    }
}
