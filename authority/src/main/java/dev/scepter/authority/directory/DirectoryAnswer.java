package dev.scepter.authority.directory;

/** What the directory says about one object now. */
public enum DirectoryAnswer {
    /** The object exists and is enabled: its certificates are good. */
    ENABLED,
    /** The object exists but is disabled: its certificates are on hold until it is enabled again. */
    DISABLED,
    /** The object does not exist (deleted, or never was): its certificates are revoked for good. */
    NOT_FOUND
}
