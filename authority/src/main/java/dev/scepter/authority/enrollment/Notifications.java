package dev.scepter.authority.enrollment;

import org.bouncycastle.cert.X509CertificateHolder;

/**
 * Tells an endpoint's {@link MdmNotifier} how an enrollment ended. What was decided stands
 * whatever the notifier does: a certificate that is recorded is answered, so a notifier that
 * fails is logged, not passed on.
 */
final class Notifications {

    private static final System.Logger LOG = System.getLogger(Notifications.class.getName());

    private Notifications() {
    }

    static void issued(EnrollmentEndpoint endpoint, EnrollmentRequest request, X509CertificateHolder certificate) {
        EnrollmentContext context = EnrollmentContext.of(endpoint, request);
        try {
            endpoint.notifier().issued(context, certificate);
        } catch (RuntimeException e) {
            failed(endpoint, context, "issuance of " + certificate.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT), e);
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
