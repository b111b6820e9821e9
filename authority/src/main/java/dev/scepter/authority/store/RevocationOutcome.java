package dev.scepter.authority.store;

/** What a manual revocation came to. */
public enum RevocationOutcome {
    REVOKED,
    NOT_FOUND,
    ALREADY_REVOKED
}
