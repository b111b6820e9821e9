package dev.scepter.authority.directory;

import dev.scepter.authority.audit.AuditEvent;
import dev.scepter.authority.audit.AuditLog;
import dev.scepter.authority.directory.EmbeddedDirectory.Entry;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Admins' changes to the embedded directory's devices and users: each audited, and each told to
 * the listeners that hold answers about the object (the directory cache, signed OCSP responses),
 * so that this node answers from the new state at once. Only the embedded directory is managed
 * here; an external one (LDAP, Entra ID) is managed where it lives.
 */
public final class DirectoryAdministration {

    /** Whether a put made the object or changed one that was there. */
    public enum PutOutcome { CREATED, UPDATED }

    private final Optional<EmbeddedDirectory> embedded;
    private final AuditLog audit;
    private final Clock clock;
    private final List<Consumer<UUID>> listeners = new CopyOnWriteArrayList<>();

    /** @param embedded the embedded directory when it is the one in use, else empty */
    public DirectoryAdministration(Optional<EmbeddedDirectory> embedded, AuditLog audit, Clock clock) {
        this.embedded = Objects.requireNonNull(embedded, "embedded");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Told of the object id of each change this node makes. */
    public void onChanged(Consumer<UUID> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Whether the embedded directory is the one in use; when it is not, the other methods throw {@link UnsupportedOperationException}. */
    public boolean manages() {
        return embedded.isPresent();
    }

    /**
     * Creates or updates the object, audited as {@code directory.devices.put} or
     * {@code directory.users.put}.
     *
     * @throws IllegalStateException    when another user holds the userPrincipalName, or
     *                                  concurrent changes kept interfering (nothing is audited)
     * @throws IllegalArgumentException when a name or SID is not one the directory keeps
     */
    public PutOutcome put(String actor, Entry entry) {
        EmbeddedDirectory directory = directory();
        Optional<Entry> before = directory.get(entry.type(), entry.objectId());
        directory.put(entry);
        changed(entry.objectId());
        audit.append(new AuditEvent(clock.instant(), actor, action(entry.type(), "put"),
                entry.objectId() + " enabled=" + entry.enabled() + ownerChange(entry, before), "success"));
        return before.isPresent() ? PutOutcome.UPDATED : PutOutcome.CREATED;
    }

    /**
     * A device's owner, always, and the one it replaces when it changes: owning a device entitles
     * its owner to self-service certificates for it, so who gained or lost that must be on record.
     */
    private static String ownerChange(Entry entry, Optional<Entry> before) {
        if (entry.type() != DirectoryObjectType.DEVICE) {
            return "";
        }
        String now = entry.owner().map(UUID::toString).orElse("none");
        Optional<String> was = before.map(previous -> previous.owner().map(UUID::toString).orElse("none"));
        return " owner=" + now + was.filter(previous -> !previous.equals(now)).map(previous -> " (was " + previous + ")").orElse("");
    }

    public Optional<Entry> get(DirectoryObjectType type, UUID objectId) {
        return directory().get(type, objectId);
    }

    /**
     * Deletes the object, audited as {@code directory.devices.delete} or
     * {@code directory.users.delete} (outcome {@code not found} when there was none).
     *
     * @return whether it existed
     */
    public boolean delete(String actor, DirectoryObjectType type, UUID objectId) {
        boolean deleted = directory().delete(type, objectId);
        changed(objectId);
        audit.append(new AuditEvent(clock.instant(), actor, action(type, "delete"), objectId.toString(),
                deleted ? "success" : "not found"));
        return deleted;
    }

    private void changed(UUID objectId) {
        listeners.forEach(listener -> listener.accept(objectId));
    }

    private EmbeddedDirectory directory() {
        return embedded.orElseThrow(() -> new UnsupportedOperationException("the embedded directory is not in use"));
    }

    /** The audited action, named after the API's collection ({@code /api/directory/devices}). */
    private static String action(DirectoryObjectType type, String verb) {
        return switch (type) {
            case DEVICE -> "directory.devices." + verb;
            case USER -> "directory.users." + verb;
            case INTUNE_DEVICE, DOMAIN_CONTROLLER, JAMF_COMPUTER, JAMF_MOBILE_DEVICE, JAMF_USER, JAMF_USER_ON_COMPUTER,
                    JAMF_USER_ON_MOBILE_DEVICE -> throw new IllegalArgumentException("the embedded directory keeps no " + type);
        };
    }
}
