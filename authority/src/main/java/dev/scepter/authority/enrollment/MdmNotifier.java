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
 * verify). Calls run on the requester's thread, so a notifier keeps them short. A notifier that
 * throws changes nothing: the certificate stays issued and is answered, the refusal stays a
 * refusal; the failure is logged.
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

    /** The certificate was issued and recorded for this enrollment. */
    void issued(EnrollmentContext enrollment, X509CertificateHolder certificate);

    /** The enrollment was refused; {@code refusal} says why, in words safe to log. */
    void refused(EnrollmentContext enrollment, EnrollmentOutcome.Rejected refusal);
}
