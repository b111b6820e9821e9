package dev.scepter.installer.azure;

import dev.scepter.installer.InstallationException;
import dev.scepter.installer.azure.AzureState.Directory;
import dev.scepter.installer.azure.AzureState.Instance;
import dev.scepter.installer.azure.Manifests.Permission;
import dev.scepter.installer.azure.MicrosoftGraph.ServicePrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The Graph and Intune application permissions each managed identity should hold (see
 * {@link Manifests}), measured against what it holds: what is missing, and the permission level
 * reached. Reads nothing; the directory was read by discovery.
 */
final class Permissions {

    /** A grant as Graph lists it: the resource's service principal and the app role's id on it. */
    record Grant(String resourceId, String appRoleId) {

        String key() {
            return resourceId + " " + appRoleId;
        }
    }

    private final Directory directory;
    private final boolean leastPrivilege;
    private final boolean skipAppRoleAssignments;

    Permissions(Directory directory, boolean leastPrivilege, boolean skipAppRoleAssignments) {
        this.directory = directory;
        this.leastPrivilege = leastPrivilege;
        this.skipAppRoleAssignments = skipAppRoleAssignments;
    }

    static Permissions of(AzureState state, AzureOptions options) {
        return new Permissions(state.directory(), options.leastPrivilege(), options.skipAppRoleAssignments());
    }

    /**
     * Some clouds lack a Graph role (SCEPman's module #76): then the level stays below it, which is
     * said as a warning; but level 0 must exist.
     *
     * @return the warnings for the roles the tenant does not define
     */
    static List<String> checkDefined(ServicePrincipal graph, ServicePrincipal intune, boolean leastPrivilege) throws InstallationException {
        Permissions permissions = new Permissions(new Directory(graph, intune, null, null, false), leastPrivilege, false);
        List<Permission> all = new ArrayList<>(Manifests.corePermissions(leastPrivilege, intune != null));
        all.addAll(Manifests.certMasterPermissions());
        List<String> warnings = new ArrayList<>();
        for (Permission p : all) {
            if (permissions.definedInTenant(p)) {
                continue;
            }
            if (p.level() == 0) {
                throw new InstallationException(permissions.resourceOf(p).displayName() + " defines no app role " + p.value()
                        + " in this tenant, and the core cannot work without it.");
            }
            String warning = p.value() + " is not defined in this tenant: the permission level stays below " + p.level() + ".";
            if (!warnings.contains(warning)) {
                warnings.add(warning);
            }
        }
        return warnings;
    }

    List<Permission> of(Instance instance) {
        return instance.certMaster() ? Manifests.certMasterPermissions() : Manifests.corePermissions(leastPrivilege, directory.intune() != null);
    }

    /** The grant of a permission this tenant defines (checked in discovery). */
    Grant grant(Permission permission) {
        ServicePrincipal resource = resourceOf(permission);
        return new Grant(resource.id(), resource.appRoleId(permission.value()).orElseThrow());
    }

    /** The permissions the instance lacks that this tenant defines, so that they can be granted. */
    List<Permission> missing(Instance instance) {
        List<Permission> missing = new ArrayList<>();
        for (Permission p : of(instance)) {
            if (definedInTenant(p) && !instance.granted().contains(grant(p).key())) {
                missing.add(p);
            }
        }
        return missing;
    }

    /** Whether the plan grants the instance what it lacks: not with {@code --skip-app-role-assignments}. */
    boolean grantsPlanned(Instance instance) {
        return !skipAppRoleAssignments && !missing(instance).isEmpty();
    }

    /** The permission level the instance has after this run: what it holds, plus what the plan grants. */
    int level(Instance instance) {
        List<Permission> missing = grantsPlanned(instance) ? List.of() : missing(instance);
        Predicate<Permission> granted = p -> definedInTenant(p) && !missing.contains(p);
        return Manifests.level(of(instance), granted);
    }

    private ServicePrincipal resourceOf(Permission permission) {
        return permission.resourceAppId().equals(MicrosoftGraph.INTUNE_APP_ID) ? directory.intune() : directory.graph();
    }

    private boolean definedInTenant(Permission permission) {
        ServicePrincipal resource = resourceOf(permission);
        return resource != null && resource.appRoleId(permission.value()).isPresent();
    }
}
