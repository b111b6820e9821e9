package dev.scepter.installer.azure;

import dev.scepter.installer.azure.AzureState.Instance;
import dev.scepter.installer.azure.ResourceManager.KeyVault;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * The key vault of the CA key: the core's identities (never Certificate Master's) get what signing
 * needs, as roles on a vault that uses Azure RBAC, or as an access policy on one that does not.
 */
final class KeyVaultPlanner implements Plan.Planner {

    static final Map<String, List<String>> POLICY = Map.of(
            "keys", List.of("get", "create", "unwrapKey", "sign"),
            "secrets", List.of("get", "list"),
            "certificates", List.of("get", "list", "create", "managecontacts"));
    static final List<String> ROLES = List.of(ResourceManager.KEY_VAULT_CRYPTO_OFFICER,
            ResourceManager.KEY_VAULT_CERTIFICATES_OFFICER, ResourceManager.KEY_VAULT_SECRETS_USER);

    private final ResourceManager arm;

    KeyVaultPlanner(ResourceManager arm) {
        this.arm = arm;
    }

    @Override
    public Plan plan(AzureState state) {
        KeyVault vault = state.vault();
        if (vault == null) {
            return Plan.EMPTY;
        }
        String subscription = state.target().subscription().id();
        List<Change> changes = new ArrayList<>();
        for (Instance core : state.cores()) {
            String principal = core.app().principalId();
            if (vault.rbac()) {
                List<String> missing = ROLES.stream().filter(r -> !core.vaultRoles().contains(r)).toList();
                if (!missing.isEmpty()) {
                    changes.add(new Change("Grant " + missing.stream().map(KeyVaultPlanner::roleName).collect(Collectors.joining(", "))
                            + " on key vault " + vault.name() + " to the managed identity of " + core.label(), applied -> {
                                for (String role : missing) {
                                    arm.assignRole(subscription, vault.id(), applied.app(core).principalId(), role);
                                }
                            }));
                }
            } else if (principal == null || !hasAccessPolicy(vault, principal)) {
                changes.add(new Change("Add an access policy on key vault " + vault.name() + " for the managed identity of " + core.label()
                        + " (keys get, create, unwrapKey, sign; secrets get, list; certificates get, list, create, managecontacts)",
                        applied -> arm.addAccessPolicy(vault, state.target().subscription().tenantId(), applied.app(core).principalId(), POLICY)));
            }
        }
        return Plan.of(changes);
    }

    /** Whether the principal's policy holds every permission of {@link #POLICY} ("all" holds them all). */
    static boolean hasAccessPolicy(KeyVault vault, String principal) {
        for (JsonNode policy : vault.accessPolicies()) {
            if (policy.path("objectId").asString("").equalsIgnoreCase(principal)) {
                JsonNode permissions = policy.path("permissions");
                return POLICY.entrySet().stream().allMatch(e -> {
                    Set<String> held = MicrosoftGraph.strings(permissions.path(e.getKey())).stream()
                            .map(p -> p.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
                    return held.contains("all") || e.getValue().stream().allMatch(p -> held.contains(p.toLowerCase(Locale.ROOT)));
                });
            }
        }
        return false;
    }

    private static String roleName(String id) {
        return switch (id) {
            case ResourceManager.KEY_VAULT_CRYPTO_OFFICER -> "Key Vault Crypto Officer";
            case ResourceManager.KEY_VAULT_CERTIFICATES_OFFICER -> "Key Vault Certificates Officer";
            default -> "Key Vault Secrets User";
        };
    }
}
