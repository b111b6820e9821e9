package dev.scepter.settings;

import java.time.Duration;
import java.util.Objects;

/**
 * How Intune and the device directory are used ({@code AppConfig:IntuneValidation:*}, SCEPman's
 * names, except {@code RevocationPollSeconds} and {@code EnrollmentBudgetSeconds}). The Intune endpoint's issuance settings
 * (validity, renewals, SID) are its {@link EndpointSettings}, in {@link ScepSettings}.
 *
 * @param deviceDirectory                    where a device certificate's device is looked up
 * @param complianceCheck                    whether a device must also be compliant in Intune
 * @param complianceGracePeriod              how long after its Intune enrollment a device counts as compliant anyway
 * @param revokeCertificatesOnWipe           whether a device being wiped or retired loses its certificates for good
 * @param waitForSuccessNotificationResponse whether the certificate leaves only after Intune acknowledged the success notification
 * @param revocationPoll                     how often Intune is asked which certificates it wants revoked; zero: never
 * @param enrollmentBudget                   how long one enrollment waits for Intune's answers in all (validation,
 *                                           success notification, their retries and sign-ins)
 */
public record IntuneSettings(DeviceDirectory deviceDirectory, boolean complianceCheck, Duration complianceGracePeriod,
        boolean revokeCertificatesOnWipe, boolean waitForSuccessNotificationResponse, Duration revocationPoll, Duration enrollmentBudget) {

    /** {@code AppConfig:IntuneValidation:DeviceDirectory}, spelled as SCEPman spells it. */
    public enum DeviceDirectory {
        /** Entra ID devices only. */
        AAD("AAD"),
        /** Intune managed devices only. */
        INTUNE("Intune"),
        /** Both, asked together; a device either knows is good. */
        AAD_AND_INTUNE("AADAndIntune"),
        /** Like {@link #AAD_AND_INTUNE}, but like {@link #AAD} while the Intune permission is missing (SCEPman's default). */
        AAD_AND_INTUNE_OPPORTUNISTIC("AADAndIntuneOpportunistic"),
        /** SCEPman 2.2+: {@link #AAD_AND_INTUNE} plus Intune's list of certificates to revoke. */
        AAD_AND_INTUNE_AND_ENDPOINTLIST("AADAndIntuneAndEndpointlist");

        private final String spelling;

        DeviceDirectory(String spelling) {
            this.spelling = spelling;
        }

        public String spelling() {
            return spelling;
        }
    }

    public IntuneSettings {
        Objects.requireNonNull(deviceDirectory, "deviceDirectory");
        Objects.requireNonNull(complianceGracePeriod, "complianceGracePeriod");
        Objects.requireNonNull(revocationPoll, "revocationPoll");
        Objects.requireNonNull(enrollmentBudget, "enrollmentBudget");
    }

    static IntuneSettings bind(SettingsBinder binder) {
        return new IntuneSettings(
                binder.required(Setting.INTUNE_DEVICE_DIRECTORY, SettingParsers.oneOf(DeviceDirectory.values(), DeviceDirectory::spelling)),
                binder.required(Setting.INTUNE_COMPLIANCE_CHECK, value -> switch (value.toLowerCase(java.util.Locale.ROOT)) {
                    case "always" -> true;
                    case "never" -> false;
                    default -> throw new IllegalArgumentException("must be Always or Never");
                }),
                Duration.ofMinutes(binder.wholeNumber(Setting.INTUNE_COMPLIANCE_GRACE_PERIOD_MINUTES, 0, 525_600)),
                binder.bool(Setting.INTUNE_REVOKE_CERTIFICATES_ON_WIPE),
                binder.bool(Setting.INTUNE_WAIT_FOR_SUCCESS_NOTIFICATION_RESPONSE),
                Duration.ofSeconds(binder.wholeNumber(Setting.INTUNE_REVOCATION_POLL_SECONDS, 0, 86_400)),
                Duration.ofSeconds(binder.wholeNumber(Setting.INTUNE_ENROLLMENT_BUDGET_SECONDS, 1, 300)));
    }
}
