package dev.scepter.installer.azure;

import static dev.scepter.installer.azure.AppSettingNames.SCEPMAN_URL;
import static dev.scepter.installer.azure.AppSettingNames.TENANT_ID;

import dev.scepter.installer.azure.AzureState.Instance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The app services and their system-assigned managed identities: turns on the identity of each
 * core and slot (and of Certificate Master) that has none, and creates Certificate Master when
 * there is none (an upgrade from 1.x), with its identity.
 */
final class IdentityPlanner implements Plan.Planner {

    private final ResourceManager arm;
    private final AzureOptions options;

    IdentityPlanner(ResourceManager arm, AzureOptions options) {
        this.arm = arm;
        this.options = options;
    }

    @Override
    public Plan plan(AzureState state) {
        List<Change> changes = new ArrayList<>();
        for (Instance instance : state.instances()) {
            if (instance.app().principalId() == null && !instance.toCreate()) {
                changes.add(new Change("Turn on the system-assigned managed identity of " + instance.label(),
                        applied -> applied.app(instance, arm.enableSystemIdentity(applied.app(instance)))));
            }
        }
        if (state.createCertMaster()) {
            Instance certMaster = state.certMaster();
            WebApp production = state.production();
            changes.add(new Change("Create the Certificate Master app service " + certMaster.app().name()
                    + " (https only, managed identity) on the plan of " + production.name(), applied -> {
                        Map<String, String> settings = new LinkedHashMap<>();
                        settings.put(TENANT_ID, state.target().subscription().tenantId());
                        settings.put(SCEPMAN_URL, applied.scepmanUrl(options.deploymentSlotName() != null));
                        applied.app(certMaster, arm.createWebApp(production, certMaster.app().resourceGroup(), certMaster.app().name(), settings));
                    }));
        }
        return Plan.of(changes);
    }
}
