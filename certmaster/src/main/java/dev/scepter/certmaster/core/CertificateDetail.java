package dev.scepter.certmaster.core;

import java.util.List;
import java.util.Optional;

/**
 * One certificate as the core's {@code GET /api/manage/certificates/{serial}} explains it: its
 * record, the status OCSP answers now and why (decided by the core, shown as it is), and the
 * certificates of the same device or user.
 */
public record CertificateDetail(CertificateSummary certificate, Status status, List<HistoryEntry> history, boolean historyComplete) {

    /** The live status: OCSP's answer ({@code good}, {@code onHold}, {@code revoked}, {@code unknown}, {@code unavailable}) and why. */
    public record Status(String ocspStatus, String source, Optional<String> reason, Optional<String> revokedBy, String explanation,
            boolean expired) {

        /** Its label on the page. */
        public String label() {
            return switch (ocspStatus) {
                case "good" -> expired ? "Expired" : "Good";
                case "onHold" -> "On hold";
                case "revoked" -> "Revoked";
                case "unavailable" -> "Unknown now";
                default -> "Unknown";
            };
        }
    }

    /** One certificate of the history, and which one it replaced and was replaced by. */
    public record HistoryEntry(CertificateSummary certificate, Optional<String> replaces, Optional<String> replacedBy,
            boolean renewalMissed) {
    }

    public CertificateDetail {
        history = List.copyOf(history);
    }
}
