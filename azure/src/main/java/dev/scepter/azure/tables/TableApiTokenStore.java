package dev.scepter.azure.tables;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.TableEntity;
import dev.scepter.authority.token.ApiRole;
import dev.scepter.authority.token.ApiToken;
import dev.scepter.authority.token.ApiTokenStore;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ApiTokenStore} on the {@code ApiTokens} table: one partition, the token's name as the row
 * key (so a second token of that name is Table Storage's 409), its SHA-256 in hex, never its value.
 * Roles are kept as the SQL stores keep them: role names, comma-separated.
 */
final class TableApiTokenStore implements ApiTokenStore {

    private static final Logger log = LoggerFactory.getLogger(TableApiTokenStore.class);
    private static final String PARTITION = "token";

    private final TableClient table;
    private final Tables.Guard guard;

    TableApiTokenStore(TableClient table, Tables.Guard guard) {
        this.table = table;
        this.guard = guard;
    }

    @Override
    public void create(ApiToken token) {
        TableEntity entity = new TableEntity(PARTITION, Tables.key(token.name()));
        entity.addProperty("Name", token.name());
        entity.addProperty("ValueSha256", HexFormat.of().formatHex(token.valueHash()));
        entity.addProperty("Roles", roleNames(token.roles()));
        entity.addProperty("CreatedAt", Tables.time(token.createdAt()));
        token.expiresAt().ifPresent(at -> entity.addProperty("ExpiresAt", Tables.time(at)));
        call(() -> {
            if (findByValueHash(token.valueHash()).isPresent()) {
                throw Tables.refuse(new IllegalStateException("an API token with the same value exists"));
            }
            try {
                table.createEntity(entity);
            } catch (RuntimeException e) {
                if (Tables.status(e, 409)) {
                    throw Tables.refuse(new IllegalStateException("an API token named '" + token.name() + "' exists", e));
                }
                throw e;
            }
            return null;
        });
    }

    @Override
    public List<ApiToken> list() {
        return call(() -> Tables.list(table, Tables.eq("PartitionKey", PARTITION), null).stream()
                .map(TableApiTokenStore::read).sorted(Comparator.comparing(ApiToken::name)).toList());
    }

    @Override
    public boolean revoke(String name) {
        return call(() -> {
            // The SDK takes a delete of nothing for success, so whether it existed is read first; of two
            // nodes revoking it at once, the conditional delete lets one say it did.
            TableEntity found;
            try {
                found = table.getEntity(PARTITION, Tables.key(name));
            } catch (RuntimeException e) {
                if (Tables.status(e, 404) && !TableCertificateStore.isTableMissing(e)) {
                    return false;
                }
                throw e;
            }
            try {
                return table.deleteEntityWithResponse(found, true, null, null).getStatusCode() != 404;
            } catch (RuntimeException e) {
                if (Tables.status(e, 404) || Tables.status(e, 412)) {
                    return false;
                }
                throw e;
            }
        });
    }

    @Override
    public Optional<ApiToken> findByValueHash(byte[] valueHash) {
        String filter = Tables.eq("PartitionKey", PARTITION) + " and " + Tables.eq("ValueSha256", HexFormat.of().formatHex(valueHash));
        return call(() -> Tables.list(table, filter, null).stream().map(TableApiTokenStore::read).findFirst());
    }

    /** The roles of the token with this name as kept: for tests that look past the port. */
    String storedRoles(String name) {
        return call(() -> Tables.string(table.getEntity(PARTITION, Tables.key(name)), "Roles"));
    }

    private static String roleNames(Set<ApiRole> roles) {
        return roles.stream().sorted(Comparator.naturalOrder()).map(ApiRole::value).collect(Collectors.joining(","));
    }

    private static ApiToken read(TableEntity entity) {
        String name = Tables.string(entity, "Name");
        Set<ApiRole> roles = EnumSet.noneOf(ApiRole.class);
        String stored = Tables.string(entity, "Roles");
        for (String roleName : (stored == null ? "" : stored).split(",")) {
            if (roleName.isBlank()) {
                continue;
            }
            ApiRole.fromValue(roleName).ifPresentOrElse(roles::add,
                    () -> log.warn("API token '{}' has a role this version does not know, left out: {}", name, roleName));
        }
        return new ApiToken(name, HexFormat.of().parseHex(Tables.string(entity, "ValueSha256")), roles,
                Tables.instant(entity, "CreatedAt"), Optional.ofNullable(Tables.instant(entity, "ExpiresAt")));
    }

    private <T> T call(java.util.function.Supplier<T> work) {
        return Tables.call(guard, Tables.API_TOKENS, work);
    }
}
