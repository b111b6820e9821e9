package dev.scepter.authority.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.authority.InMemoryAuditLog;
import dev.scepter.authority.audit.AuditEvent;
import dev.scepter.authority.directory.DirectoryAdministration.PutOutcome;
import dev.scepter.authority.directory.EmbeddedDirectory.Entry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class DirectoryAdministrationTest {

    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    private final MapDirectory directory = new MapDirectory();
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final List<UUID> changed = new CopyOnWriteArrayList<>();
    private final DirectoryAdministration administration = administration(Optional.of(directory));

    @Test
    void aPutCreatesThenUpdatesEachAuditedAndToldToTheListeners() {
        UUID device = UUID.randomUUID();

        assertThat(administration.put("admin", new Entry(DirectoryObjectType.DEVICE, device, true, Optional.of("laptop-1"))))
                .isEqualTo(PutOutcome.CREATED);
        assertThat(administration.put("admin", new Entry(DirectoryObjectType.DEVICE, device, false, Optional.of("laptop-1"))))
                .isEqualTo(PutOutcome.UPDATED);

        assertThat(administration.get(DirectoryObjectType.DEVICE, device)).map(Entry::enabled).contains(false);
        assertThat(changed).containsExactly(device, device);
        assertThat(audit.events).containsExactly(
                new AuditEvent(NOW, "admin", "directory.devices.put", device + " enabled=true owner=none", "success"),
                new AuditEvent(NOW, "admin", "directory.devices.put", device + " enabled=false owner=none", "success"));
    }

    @Test
    void aPutTheDirectoryRefusesIsNeitherAuditedNorToldToTheListeners() {
        directory.refusePutsWith = new IllegalStateException("another user has this userPrincipalName");

        assertThatThrownBy(() -> administration.put("admin",
                new Entry(DirectoryObjectType.USER, UUID.randomUUID(), true, Optional.of("alice@example.com"))))
                .isSameAs(directory.refusePutsWith);

        assertThat(audit.events).isEmpty();
        assertThat(changed).isEmpty();
    }

    @Test
    void aDeleteIsAuditedWithItsOutcomeAndToldEvenWhenNothingWasThere() {
        UUID user = UUID.randomUUID();
        administration.put("admin", new Entry(DirectoryObjectType.USER, user, true, Optional.of("alice@example.com")));

        assertThat(administration.delete("admin", DirectoryObjectType.USER, user)).isTrue();
        assertThat(administration.delete("admin", DirectoryObjectType.USER, user)).isFalse();

        assertThat(audit.events).extracting(AuditEvent::action, AuditEvent::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("directory.users.put", "success"),
                org.assertj.core.groups.Tuple.tuple("directory.users.delete", "success"),
                org.assertj.core.groups.Tuple.tuple("directory.users.delete", "not found"));
        assertThat(changed).containsExactly(user, user, user);
    }

    @Test
    void withAnExternalDirectoryInUseItManagesNothing() {
        DirectoryAdministration external = administration(Optional.empty());

        assertThat(external.manages()).isFalse();
        assertThatThrownBy(() -> external.get(DirectoryObjectType.DEVICE, UUID.randomUUID()))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> external.delete("admin", DirectoryObjectType.DEVICE, UUID.randomUUID()))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(audit.events).isEmpty();
    }

    private DirectoryAdministration administration(Optional<EmbeddedDirectory> embedded) {
        DirectoryAdministration administration = new DirectoryAdministration(embedded, audit, Clock.fixed(NOW, ZoneOffset.UTC));
        administration.onChanged(changed::add);
        return administration;
    }

    /** Devices and users in a map: enough for the administration's rules (the JDBC one passes the storage contract). */
    private static final class MapDirectory implements EmbeddedDirectory {

        private final Map<String, Entry> entries = new ConcurrentHashMap<>();
        RuntimeException refusePutsWith;

        @Override
        public void put(Entry entry) {
            if (refusePutsWith != null) {
                throw refusePutsWith;
            }
            entries.put(entry.type() + "/" + entry.objectId(), entry);
        }

        @Override
        public Optional<Entry> get(DirectoryObjectType type, UUID objectId) {
            return Optional.ofNullable(entries.get(type + "/" + objectId));
        }

        @Override
        public boolean delete(DirectoryObjectType type, UUID objectId) {
            return entries.remove(type + "/" + objectId) != null;
        }

        @Override
        public boolean isEmpty() {
            return entries.isEmpty();
        }

        @Override
        public DirectoryAnswer lookup(DirectoryObjectType type, UUID objectId) {
            return get(type, objectId).map(e -> e.enabled() ? DirectoryAnswer.ENABLED : DirectoryAnswer.DISABLED)
                    .orElse(DirectoryAnswer.NOT_FOUND);
        }

        @Override
        public Optional<UUID> findUserByPrincipalName(String userPrincipalName) {
            return Optional.empty();
        }

        @Override
        public Optional<String> securityIdentifier(DirectoryObjectType type, UUID objectId) {
            return Optional.empty();
        }

        @Override
        public String describe() {
            return "map";
        }
    }
}
