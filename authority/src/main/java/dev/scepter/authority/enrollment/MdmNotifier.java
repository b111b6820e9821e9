package dev.scepter.authority.enrollment;

import org.bouncycastle.cert.X509CertificateHolder;

/**
 * Told how an enrollment ended, for an MDM that wants to know (Intune's success and failure
 * notifications for the SCEP transactions it vouched for). Each endpoint has its own;
 * {@link #NONE} where no MDM listens.
 *
 * <p>Contract: {@link #issued} is called once per certificate, after it is recorded and audited
 * (a retransmission answered with the same certificate is not a new issuance); {@link #refused}
 * once per refused request, with the refusal the requester gets. Neither is called for a request
 * the protocol refused before it became an enrollment (a message that does not decode or
 * verify), nor for a refusal the MDM itself caused (its verifier had no answer,
 * {@link EnrollmentOutcome.Reason#VERIFIER_UNAVAILABLE}, or it refused a delivery). A directory
 * outage after the challenge was accepted is, on an endpoint with a notifier, a refusal it is told
 * of ({@link EnrollmentOutcome.Reason#DIRECTORY_UNAVAILABLE}) rather than an exception for the
 * protocol: an MDM that vouched for a request waits to hear how it ended. Calls run on
 * the requester's thread, so a notifier keeps them short or hands them off.
 *
 * <p>A notifier that throws changes nothing, with two exceptions: the certificate stays issued
 * and is answered, the refusal stays a refusal, and the notification is logged as not delivered
 * (without the exception's message, which may carry what was being sent). The exceptions are
 * {@link DeliveryRefusedException} from {@link #issued}, and any exception from {@link #issued}
 * of a notifier that {@link #holdsDelivery()}: its MDM's protocol says the certificate must not
 * leave without its acknowledgement (Intune with {@code WaitForSuccessNotificationResponse}), and a
 * notification that failed was not acknowledged. The recorded certificate is then revoked at once,
 * audited with the reason, and the requester is refused
 * ({@link EnrollmentOutcome.Reason#DELIVERY_REFUSED}). A notifier that {@link #holdsDelivery()}
 * has the certificate recorded on a delivery hold (certificateHold) that is lifted only once
 * {@link #issued} returns: until then OCSP does not vouch for it, and a retransmission or a poll
 * of the same transaction, on any node, gets {@link EnrollmentOutcome.Reason#DELIVERY_PENDING},
 * not the certificate.
 */
public interface MdmNotifier {

    /** Notifies nobody. */
    MdmNotifier NONE = new MdmNotifier() {
        @Override
        public void issued(EnrollmentContext enrollment, X509CertificateHolder certificate) {
        }

        @Override
        public void refused(EnrollmentContext enrollment, EnrollmentOutcome.Rejected refusal) {
        }

        @Override
        public String toString() {
            return "MdmNotifier.NONE";
        }
    };

    /**
     * Whether {@link #issued} waits for the MDM's acknowledgement of the delivery (Intune's
     * {@code WaitForSuccessNotificationResponse}): the certificate is then recorded on hold until it
     * returns.
     */
    default boolean holdsDelivery() {
        return false;
    }

    /**
     * The certificate was issued and recorded for this enrollment.
     *
     * @throws DeliveryRefusedException when the certificate must not be delivered
     */
    void issued(EnrollmentContext enrollment, X509CertificateHolder certificate);

    /** The enrollment was refused; {@code refusal} says why, in words safe to log. */
    void refused(EnrollmentContext enrollment, EnrollmentOutcome.Rejected refusal);
}
