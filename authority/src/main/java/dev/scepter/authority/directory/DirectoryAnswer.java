package dev.scepter.authority.directory;

/**
 * What the directory says about one object now. Each value says what becomes of the object's
 * certificates (SCEPman's rules, scepman_features.md 1.5): good, on hold (revoked with reason
 * certificateHold, RFC 5280 section 5.3.1, which lifts when the state does) or revoked for good.
 */
public enum DirectoryAnswer {
    /** The object exists and is enabled: its certificates are good. */
    ENABLED,
    /** The object exists but is disabled: its certificates are on hold until it is enabled again. */
    DISABLED,
    /**
     * The device exists but is not compliant ({@code AppConfig:IntuneValidation:ComplianceCheck=Always})
     * and its grace period is over: its certificates are on hold until it is compliant again.
     */
    NOT_COMPLIANT,
    /**
     * The Intune device is being wiped or retired ({@code AppConfig:IntuneValidation:RevokeCertificatesOnWipe}):
     * its certificates are revoked for good, as if it were deleted.
     */
    RETIRED,
    /** The object does not exist (deleted, or never was): its certificates are revoked for good. */
    NOT_FOUND
}
