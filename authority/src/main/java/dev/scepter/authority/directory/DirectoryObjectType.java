package dev.scepter.authority.directory;

/** What kind of directory object a certificate can be bound to. */
public enum DirectoryObjectType {
    DEVICE,
    USER
}
