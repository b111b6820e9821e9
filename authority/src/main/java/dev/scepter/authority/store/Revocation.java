package dev.scepter.authority.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A manual revocation, or a delivery hold ({@link #deliveryHold}).
 *
 * @param reason    the CRLReason code (RFC 5280 section 5.3.1)
 * @param revokedAt when it took effect
 * @param revokedBy who revoked it
 */
public record Revocation(int reason, Instant revokedAt, String revokedBy) {

    /**
     * Who a delivery hold names as its author. A revocation by an API user names the token
     * ({@code Revocations}), the directory's hold is no record: this mark is the store's only
     * sign of a hold that {@link CertificateStore#release} may lift.
     */
    public static final String AWAITING_DELIVERY = "scepter: awaiting the MDM's success notification";

    /** CRLReason certificateHold (RFC 5280 section 5.3.1). */
    private static final int CERTIFICATE_HOLD = 6;

    /**
     * A certificate recorded on hold until its MDM acknowledges its delivery (Intune's
     * {@code WaitForSuccessNotificationResponse}): not good for OCSP or the CRL before then.
     */
    public static Revocation deliveryHold(Instant since) {
        return new Revocation(CERTIFICATE_HOLD, since, AWAITING_DELIVERY);
    }

    /** Whether this is a {@link #deliveryHold}, which {@link CertificateStore#release} lifts. */
    public boolean isDeliveryHold() {
        return reason == CERTIFICATE_HOLD && AWAITING_DELIVERY.equals(revokedBy);
    }

    public Revocation {
        if (reason < 0 || reason > 10 || reason == 7) {
            throw new IllegalArgumentException("not a CRLReason code: " + reason);
        }
        Objects.requireNonNull(revokedAt, "revokedAt");
        Objects.requireNonNull(revokedBy, "revokedBy");
    }
}
