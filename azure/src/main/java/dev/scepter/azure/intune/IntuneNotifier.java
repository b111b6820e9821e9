package dev.scepter.azure.intune;

import dev.scepter.authority.enrollment.DeliveryRefusedException;
import dev.scepter.authority.enrollment.EnrollmentContext;
import dev.scepter.authority.enrollment.EnrollmentOutcome;
import dev.scepter.authority.enrollment.MdmNotifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * Tells Intune how the requests it validated ended ({@code ScepActions/successNotification} and
 * {@code failureNotification}, ms_contracts.md 1.4), as Microsoft's protocol requires of a
 * third-party CA. Only transactions Intune validated are notified (not renewals, which Intune never
 * saw).
 *
 * <p>With {@code WaitForSuccessNotificationResponse} (the default) the certificate leaves only
 * when Intune answered the success notification with {@code Success}: any other answer, or none,
 * refuses its delivery ({@link DeliveryRefusedException}), and the enrollment revokes it.
 * Without it, notifications are sent on {@code background} while the device gets its certificate
 * (SCEPman makes this configurable because the round trip adds to every enrollment); their
 * failures are logged. Failure notifications never hold a request.
 */
public final class IntuneNotifier implements MdmNotifier {

    private static final System.Logger LOG = System.getLogger(IntuneNotifier.class.getName());
    /** E_FAIL, as a signed 32-bit HRESULT (what .NET's {@code Exception.HResult} gives, and other clients send). */
    static final long E_FAIL = 0x80004005L - 0x1_0000_0000L;
    /** Intune's example: {@code 2018-06-11T16:11:20.0904778Z}, ISO 8601 in UTC with seven fraction digits. */
    static final DateTimeFormatter EXPIRATION = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final ScepActions actions;
    private final boolean waitForSuccessNotificationResponse;
    private final Executor background;

    public IntuneNotifier(ScepActions actions, boolean waitForSuccessNotificationResponse, Executor background) {
        this.actions = Objects.requireNonNull(actions, "actions");
        this.waitForSuccessNotificationResponse = waitForSuccessNotificationResponse;
        this.background = Objects.requireNonNull(background, "background");
    }

    @Override
    public void issued(EnrollmentContext enrollment, X509CertificateHolder certificate) {
        if (!actions.validated(enrollment)) {
            return;
        }
        String thumbprint = thumbprint(certificate);
        String serial = certificate.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
        String expiration = EXPIRATION.format(certificate.getNotAfter().toInstant());
        String issuer = BCStyle.INSTANCE.toString(certificate.getIssuer());
        if (!waitForSuccessNotificationResponse) {
            later(enrollment, "success", () -> actions.successNotification(enrollment, thumbprint, serial, expiration, issuer));
            return;
        }
        ScepActions.Answer answer;
        try {
            answer = actions.successNotification(enrollment, thumbprint, serial, expiration, issuer);
        } catch (IntuneUnavailableException e) {
            throw new DeliveryRefusedException("Intune's success notification failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // Microsoft's rule: whatever made the notification fail, the certificate must not leave.
            // Only its kind: the message of an exception not of ours may carry what was being sent, and this one is audited.
            throw new DeliveryRefusedException("Intune's success notification could not be sent: " + e.getClass().getSimpleName(), e);
        }
        if (!answer.success()) {
            throw new DeliveryRefusedException("Intune answered the success notification with " + answer.code()
                    + (answer.errorDescription().isEmpty() ? "" : " (" + answer.errorDescription() + ")"));
        }
    }

    /** With {@code WaitForSuccessNotificationResponse}: the certificate is on hold until Intune's answer. */
    @Override
    public boolean holdsDelivery() {
        return waitForSuccessNotificationResponse;
    }

    @Override
    public void refused(EnrollmentContext enrollment, EnrollmentOutcome.Rejected refusal) {
        if (!actions.validated(enrollment)) {
            return;
        }
        later(enrollment, "failure", () -> actions.failureNotification(enrollment, E_FAIL, refusal.detail()));
    }

    private void later(EnrollmentContext enrollment, String what, java.util.function.Supplier<ScepActions.Answer> call) {
        try {
            background.execute(() -> {
                try {
                    ScepActions.Answer answer = call.get();
                    if (!answer.success()) {
                        LOG.log(System.Logger.Level.WARNING, "Intune answered the {0} notification of transaction {1} with {2}", what,
                                enrollment.transactionId().orElse("-"), answer.code());
                    }
                } catch (IntuneUnavailableException e) {
                    LOG.log(System.Logger.Level.WARNING, "Could not send Intune the {0} notification of transaction {1}: {2}", what,
                            enrollment.transactionId().orElse("-"), e.getMessage());
                } catch (RuntimeException e) {
                    // Not one of ours: its message may carry what was being sent, so only its kind is logged.
                    LOG.log(System.Logger.Level.WARNING, "Could not send Intune the {0} notification of transaction {1}: not delivered ({2})",
                            what, enrollment.transactionId().orElse("-"), e.getClass().getName());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.WARNING, "Dropped Intune''s {0} notification of transaction {1}: too many are waiting", what,
                    enrollment.transactionId().orElse("-"));
        }
    }

    /** SHA-1 of the DER certificate, upper-case hex: the thumbprint Windows and Intune show. */
    static String thumbprint(X509CertificateHolder certificate) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        } catch (IOException e) {
            throw new UncheckedIOException("a certificate we built cannot be encoded", e);
        }
    }

    @Override
    public String toString() {
        return "IntuneNotifier";
    }
}
