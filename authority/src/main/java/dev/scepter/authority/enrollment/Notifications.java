package dev.scepter.authority.enrollment;

import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * Tells an endpoint's {@link MdmNotifier} how an enrollment ended. What was decided stands
 * whatever the notifier does, except that a notifier may refuse a certificate's delivery
 * ({@link DeliveryRefusedException}), and that a notifier which {@link MdmNotifier#holdsDelivery()}
 * and fails in any other way has not acknowledged it either: the delivery is refused then too.
 * Any other failure is logged as a notification not delivered, not passed on.
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
            // An MDM that must acknowledge the delivery has not, whatever went wrong in telling it:
            // the certificate must not leave. Otherwise the notification is lost, not the certificate.
            return endpoint.notifier().holdsDelivery()
                    ? Optional.of("the MDM was not notified (" + e.getClass().getSimpleName() + "), so it did not acknowledge the delivery")
                    : Optional.empty();
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

    /**
     * Logs a notification that was not delivered. Only where it failed is logged, not its message: an
     * exception a notifier did not expect may carry what it was sending (a token, a request body).
     */
    private static void failed(EnrollmentEndpoint endpoint, EnrollmentContext context, String what, RuntimeException e) {
        StackTraceElement[] trace = e.getStackTrace();
        String where = trace.length == 0 ? "" : " at " + trace[0].getClassName() + "." + trace[0].getMethodName();
        LOG.log(System.Logger.Level.WARNING, "Could not notify {0} of the {1} on endpoint {2}, transaction {3}: not delivered ({4}{5})",
                endpoint.notifier(), what, endpoint.name(), context.transactionId().orElse("-"), e.getClass().getName(), where);
    }
}
