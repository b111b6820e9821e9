package dev.scepter.authority.enrollment;

import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * Tells an endpoint's {@link MdmNotifier} how an enrollment ended. What was decided stands
 * whatever the notifier does, except that a notifier may refuse a certificate's delivery
 * ({@link DeliveryRefusedException}): any other failure is logged, not passed on.
 */
final class Notifications {

    private static final System.Logger LOG = System.getLogger(Notifications.class.getName());

    private Notifications() {
    }

    /**
     * @return why the MDM refused the certificate's delivery; empty when it may be delivered
     */
    static Optional<String> issued(EnrollmentEndpoint endpoint, EnrollmentRequest request, X509CertificateHolder certificate) {
        EnrollmentContext context = EnrollmentContext.of(endpoint, request);
        try {
            endpoint.notifier().issued(context, certificate);
            return Optional.empty();
        } catch (DeliveryRefusedException e) {
            return Optional.of(e.getMessage() == null ? "the MDM refused the delivery" : e.getMessage());
        } catch (RuntimeException e) {
            failed(endpoint, context, "issuance of " + certificate.getSerialNumber().toString(16).toUpperCase(Locale.ROOT), e);
            return Optional.empty();
        }
    }

    static void refused(EnrollmentEndpoint endpoint, EnrollmentRequest request, EnrollmentOutcome.Rejected refusal) {
        EnrollmentContext context = EnrollmentContext.of(endpoint, request);
        try {
            endpoint.notifier().refused(context, refusal);
        } catch (RuntimeException e) {
            failed(endpoint, context, "refusal", e);
        }
    }

    private static void failed(EnrollmentEndpoint endpoint, EnrollmentContext context, String what, RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "Could not notify {0} of the {1} on endpoint {2}, transaction {3}: {4}",
                endpoint.notifier(), what, endpoint.name(), context.transactionId().orElse("-"), e.toString());
    }
}
