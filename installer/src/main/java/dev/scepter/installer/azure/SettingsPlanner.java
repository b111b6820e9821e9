package dev.scepter.installer.azure;

import static dev.scepter.installer.azure.AppSettingNames.API_SCOPE;
import static dev.scepter.installer.azure.AppSettingNames.APPLICATION_ID;
import static dev.scepter.installer.azure.AppSettingNames.APPLICATION_KEY;
import static dev.scepter.installer.azure.AppSettingNames.BACKUP_PREFIX;
import static dev.scepter.installer.azure.AppSettingNames.CERTMASTER_TABLE_ENDPOINT;
import static dev.scepter.installer.azure.AppSettingNames.CERTMASTER_URL;
import static dev.scepter.installer.azure.AppSettingNames.CORE_TABLE_ENDPOINT;
import static dev.scepter.installer.azure.AppSettingNames.DIRECT_CSR;
import static dev.scepter.installer.azure.AppSettingNames.MANAGED_IDENTITY_HOST;
import static dev.scepter.installer.azure.AppSettingNames.MANAGED_IDENTITY_SINCE;
import static dev.scepter.installer.azure.AppSettingNames.PERMISSION_LEVEL;
import static dev.scepter.installer.azure.AppSettingNames.SCEPMAN_URL;
import static dev.scepter.installer.azure.AppSettingNames.TENANT_ID;

import dev.scepter.installer.AppSettings;
import dev.scepter.installer.InstallationException;
import dev.scepter.installer.azure.AzureState.Instance;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The application settings of Certificate Master, then of every slot and production (last): what
 * tells them their app registrations, storage, permission level and managed identity, with
 * backups of what they replace. A backup that exists is never overwritten: it holds the original.
 */
final class SettingsPlanner implements Plan.Planner {

    /** Applies the wanted values to the settings; @return what changed, said for the user */
    @FunctionalInterface
    private interface Wanted {
        List<String> apply(Instance instance, AppSettings settings, Applied applied, List<String> warnings) throws InstallationException;
    }

    private final ResourceManager arm;
    private final AzureOptions options;
    private final Clock clock;

    SettingsPlanner(ResourceManager arm, AzureOptions options, Clock clock) {
        this.arm = arm;
        this.options = options;
        this.clock = clock;
    }

    @Override
    public Plan plan(AzureState state) throws InstallationException {
        Permissions permissions = Permissions.of(state, options);
        List<Change> changes = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (state.certMaster() != null) {
            plan(state, state.certMaster(), (i, s, a, w) -> certMasterSettings(permissions, i, s, a), changes, warnings);
        }
        for (Instance core : state.cores()) {
            if (core.app().isSlot() && core.settings().get(APPLICATION_KEY).isPresent()) {
                warnings.add("Deployment slot " + core.app().slot() + " still signs in with a 1.x application key. This run switches it to its "
                        + "managed identity, which a slot that still runs SCEPman 1.x cannot use: deploy 2.x to it first, "
                        + "or leave it out by naming another slot with --deployment-slot-name.");
            }
            plan(state, core, (i, s, a, w) -> coreSettings(permissions, i, s, a, w), changes, warnings);
        }
        return new Plan(changes, warnings);
    }

    /** Plans with the values read; applies with those the changes before made, on the settings as they are then. */
    private void plan(AzureState state, Instance instance, Wanted wanted, List<Change> changes, List<String> warnings) throws InstallationException {
        List<String> changed = wanted.apply(instance, instance.settings(), new Applied(state), warnings);
        if (changed.isEmpty()) {
            return;
        }
        changes.add(new Change("Settings of " + instance.label() + ": " + String.join("; ", changed), applied -> {
            // Read again: ARM replaces all settings, so anything changed since discovery must be kept.
            WebApp app = applied.app(instance);
            AppSettings current = arm.appSettings(app);
            wanted.apply(instance, current, applied, new ArrayList<>());
            arm.replaceAppSettings(app, current);
        }));
    }

    private List<String> coreSettings(Permissions permissions, Instance core, AppSettings settings, Applied applied, List<String> warnings)
            throws InstallationException {
        List<String> changes = new ArrayList<>();
        // Switching a 1.x app to an identity that holds no permission yet would cut it off from Graph and Intune.
        boolean keepOneX = settings.get(APPLICATION_KEY).isPresent() && permissions.level(core) < 0;
        if (keepOneX) {
            String warning = "Kept the 1.x application id and key of " + core.label() + ": its managed identity holds no permission yet. "
                    + "Run again once the grants are made, to switch it to the managed identity.";
            if (!warnings.contains(warning)) {
                warnings.add(warning);
            }
        }
        String apiAppId = applied.api().appId();
        Optional<String> oldId = keepOneX ? Optional.empty() : settings.get(APPLICATION_ID);
        boolean switching = false;
        if (oldId.isPresent() && !oldId.get().isBlank() && !oldId.get().equalsIgnoreCase(apiAppId)) {
            if (!isGuid(oldId.get())) {
                throw new InstallationException(APPLICATION_ID + " of " + core.label() + " is \"" + oldId.get()
                        + "\", which is no application id (a GUID). Correct or remove it, then run again.");
            }
            if (settings.backUp(APPLICATION_ID)) {
                changes.add("back up " + APPLICATION_ID + " as " + BACKUP_PREFIX + APPLICATION_ID);
            }
            switching = true;
        }
        if (!keepOneX && settings.set(APPLICATION_ID, apiAppId)) {
            changes.add(APPLICATION_ID + " = " + options.apiAppName() + "'s application id");
        }
        Optional<String> key = keepOneX ? Optional.empty() : settings.get(APPLICATION_KEY);
        if (key.isPresent()) {
            if (settings.backUp(APPLICATION_KEY)) {
                changes.add("back up " + APPLICATION_KEY + " as " + BACKUP_PREFIX + APPLICATION_KEY);
            }
            settings.remove(APPLICATION_KEY);
            changes.add("remove " + APPLICATION_KEY + " (the managed identity replaces it)");
            switching = true;
        }
        boolean certMaster = applied.state().certMaster() != null;
        if (certMaster && settings.set(CERTMASTER_URL, applied.certMasterUrl())) {
            changes.add(CERTMASTER_URL + " = " + applied.certMasterUrl());
        }
        if (certMaster && settings.set(DIRECT_CSR, "true")) {
            changes.add(DIRECT_CSR + " = true");
        }
        tableEndpoint(applied, settings, CORE_TABLE_ENDPOINT, changes);
        String host = applied.app(core).defaultHostName();
        if (settings.set(MANAGED_IDENTITY_HOST, host)) {
            changes.add(MANAGED_IDENTITY_HOST + " = " + host);
        }
        boolean levelChanged = recordPermissionLevel(permissions, core, settings, changes);
        if (!keepOneX) {
            identityTime(permissions, core, settings, switching || levelChanged, changes);
        }
        return changes;
    }

    private List<String> certMasterSettings(Permissions permissions, Instance portal, AppSettings settings, Applied applied) {
        List<String> changes = new ArrayList<>();
        if (settings.set(APPLICATION_ID, applied.certMasterApp().appId())) {
            changes.add(APPLICATION_ID + " = " + options.certMasterAppName() + "'s application id");
        }
        String scope = "api://" + applied.api().appId();
        if (settings.set(API_SCOPE, scope)) {
            changes.add(API_SCOPE + " = " + scope);
        }
        String tenant = applied.state().target().subscription().tenantId();
        if (settings.set(TENANT_ID, tenant)) {
            changes.add(TENANT_ID + " = " + tenant);
        }
        // Set once, as SCEPman's module does: an admin may point it at a custom domain, or at a slot.
        if (settings.get(SCEPMAN_URL).isEmpty()) {
            String url = applied.scepmanUrl(options.deploymentSlotName() != null);
            settings.set(SCEPMAN_URL, url);
            changes.add(SCEPMAN_URL + " = " + url);
        }
        tableEndpoint(applied, settings, CERTMASTER_TABLE_ENDPOINT, changes);
        identityTime(permissions, portal, settings, recordPermissionLevel(permissions, portal, settings, changes), changes);
        return changes;
    }

    /** The table endpoint, once one is configured or an account is to be made: until it is made, the plan says it is not yet known. */
    private static void tableEndpoint(Applied applied, AppSettings settings, String name, List<String> changes) {
        if (applied.tableEndpoint() != null || applied.state().target().storageName() != null) {
            String endpoint = applied.tableEndpoint() == null ? AzureState.UNKNOWN : applied.tableEndpoint();
            if (settings.set(name, endpoint)) {
                changes.add(name + " = " + endpoint);
            }
        }
    }

    /** @return whether the level changed, which means roles were granted (by this run, or by an admin after --skip-app-role-assignments) */
    private static boolean recordPermissionLevel(Permissions permissions, Instance instance, AppSettings settings, List<String> changes) {
        int level = permissions.level(instance);
        boolean changed = settings.set(PERMISSION_LEVEL, String.valueOf(level));
        if (changed) {
            changes.add(PERMISSION_LEVEL + " = " + level);
        }
        return changed;
    }

    /**
     * The app takes tokens from its managed identity only some time after this moment, when the
     * new roles have reached its tokens: so it moves only when this run switched the app to its
     * identity, turned the identity on, or changed its permissions.
     */
    private void identityTime(Permissions permissions, Instance instance, AppSettings settings, boolean switchedOrGranted, List<String> changes) {
        boolean identityPlanned = instance.app().principalId() == null;
        boolean moved = switchedOrGranted || identityPlanned || permissions.grantsPlanned(instance) || settings.get(MANAGED_IDENTITY_SINCE).isEmpty();
        if (moved) {
            settings.set(MANAGED_IDENTITY_SINCE, String.valueOf(clock.instant().getEpochSecond()));
            changes.add(MANAGED_IDENTITY_SINCE + " = the time of this run");
        }
    }

    private static boolean isGuid(String value) {
        try {
            UUID.fromString(value.strip());
            return value.strip().length() == 36;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
