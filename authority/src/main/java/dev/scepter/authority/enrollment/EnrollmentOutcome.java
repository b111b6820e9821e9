package dev.scepter.authority.enrollment;

import dev.scepter.authority.store.IssuedCertificate;
import org.bouncycastle.cert.X509CertificateHolder;

/** What an enrollment came to: a refusal is a value the protocol turns into its own answer. */
public sealed interface EnrollmentOutcome {

    /** The certificate was issued and recorded. */
    record Issued(X509CertificateHolder certificate, IssuedCertificate record) implements EnrollmentOutcome {
    }

    /** The request was refused; {@code detail} is safe to log and to show to the requester. */
    record Rejected(Reason reason, String detail) implements EnrollmentOutcome {
    }

    enum Reason {
        /** The challenge is missing or wrong. */
        BAD_CHALLENGE,
        /** The request is not signed by the key it certifies. */
        BAD_PROOF_OF_POSSESSION,
        /** The request cannot become a certificate under our rules. */
        BAD_REQUEST,
        /**
         * The certificate that signed a renewal does not authorise it ({@link Renewals}): not ours,
         * not valid now, revoked, or of a type the endpoint does not renew.
         */
        RENEWAL_REFUSED,
        /**
         * A renewal asks for other names than the certificate it renews ({@link Renewals}): a
         * client's mistake (or an attempt), not a certificate that may not renew.
         */
        RENEWAL_NAMES_DIFFER,
        /**
         * The remote service that vouches for each request (Intune's validation API) gave no usable
         * answer ({@link VerifierUnavailableException}); nothing was issued.
         */
        VERIFIER_UNAVAILABLE,
        /**
         * The directory could not be reached while the request was bound or its certificate built,
         * after an MDM vouched for it; the MDM is told, nothing was issued. Elsewhere such an
         * outage is not a refusal but passes as {@code DirectoryUnavailableException}, which the
         * protocol answers with its own "come back later".
         */
        DIRECTORY_UNAVAILABLE,
        /**
         * The CA's key could not sign now ({@link dev.scepter.authority.ca.CaKeyUnavailableException}:
         * a key service throttling or unavailable) after an MDM vouched for the request; the MDM is
         * told, nothing was issued. Elsewhere it passes as the exception, which each protocol
         * answers with its own "come back later".
         */
        CA_KEY_UNAVAILABLE,
        /**
         * The certificate was issued and recorded, but the endpoint's MDM refused its delivery
         * ({@link DeliveryRefusedException}: Intune's success notification failed); it was revoked
         * at once and never left.
         */
        DELIVERY_REFUSED,
        /**
         * A retransmission of a request whose certificate is recorded but awaits its MDM's
         * decision on this node (Intune's success notification under way): nothing is handed out
         * yet; the protocol says "pending", and a later poll or retransmission gets the outcome.
         */
        DELIVERY_PENDING
    }
}
