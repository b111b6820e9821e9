package dev.scepter.installer.azure.sim;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * A user of the simulated tenant, who signs in through {@code /sim/token}. Its ARM rights are role
 * assignments like any other (so ARM lists them, too); its Entra rights are directory roles.
 */
public final class SimUser {

    static final Set<String> ARM_ROLES = Set.of("Owner", "Contributor", "User Access Administrator", "Reader");
    static final Set<String> ENTRA_ROLES = Set.of("Global Administrator", "Privileged Role Administrator",
            "Application Administrator", "Cloud Application Administrator");

    private final Object lock;
    private final ArmApi arm;
    private final String upn;
    private final String objectId = UUID.randomUUID().toString();
    private final Set<String> entraRoles = new HashSet<>();

    SimUser(Object lock, ArmApi arm, String upn) {
        this.lock = lock;
        this.arm = arm;
        this.upn = upn;
    }

    public String upn() {
        return upn;
    }

    public String objectId() {
        return objectId;
    }

    /**
     * Assigns a built-in ARM role ({@code Owner}, {@code Contributor},
     * {@code User Access Administrator}, {@code Reader}) at a scope such as
     * {@code /subscriptions/{id}} or {@code /subscriptions/{id}/resourceGroups/{rg}}; it applies to
     * everything below that scope.
     */
    public SimUser grantArmRole(String scope, String roleName) {
        if (!ARM_ROLES.contains(roleName)) {
            throw new IllegalArgumentException("not a simulated ARM role: " + roleName);
        }
        synchronized (lock) {
            arm.seedRoleAssignment(scope, roleName, objectId);
        }
        return this;
    }

    /**
     * Gives a directory role: {@code Global Administrator}, {@code Privileged Role Administrator},
     * {@code Application Administrator} or {@code Cloud Application Administrator}.
     */
    public SimUser grantEntraRole(String roleName) {
        if (!ENTRA_ROLES.contains(roleName)) {
            throw new IllegalArgumentException("not a simulated Entra role: " + roleName);
        }
        synchronized (lock) {
            entraRoles.add(roleName);
        }
        return this;
    }

    /** Whether the user holds one of the given directory roles; called under the simulator's lock. */
    boolean hasEntraRole(Set<String> anyOf) {
        for (String role : anyOf) {
            if (entraRoles.contains(role)) {
                return true;
            }
        }
        return false;
    }
}
