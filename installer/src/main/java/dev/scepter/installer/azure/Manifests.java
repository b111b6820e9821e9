package dev.scepter.installer.azure;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the installer registers in Entra ID and grants, as SCEPman 2.x's module does (see
 * docs/installation.md): the app roles of SCEPman-api and SCEPman-CertMaster, and the Graph and
 * Intune application permissions of the managed identities, by permission level.
 */
public final class Manifests {

    private Manifests() {
    }

    /** An app role: allowed for applications (daemons, managed identities), users, or both. */
    public record AppRole(String value, String displayName, String description, boolean applications, boolean users) {

        /** A stable id per role value, so that two runs, or two installers, never add the same role twice. */
        String id() {
            return UUID.nameUUIDFromBytes(("scepter-app-role:" + value).getBytes(StandardCharsets.UTF_8)).toString();
        }

        ObjectNode toGraph() {
            ObjectNode role = AzureRest.object();
            ArrayNode types = role.putArray("allowedMemberTypes");
            if (applications) {
                types.add("Application");
            }
            if (users) {
                types.add("User");
            }
            role.put("description", description);
            role.put("displayName", displayName);
            role.put("id", id());
            role.put("isEnabled", true);
            role.put("value", value);
            return role;
        }
    }

    /** SCEPman-api: who may call the core's API, and for what. */
    public static final List<AppRole> API_ROLES = List.of(
            new AppRole("CSR.Request", "CSR Requesters", "Request certificates by submitting a CSR (Certificate Master).", true, false),
            new AppRole("CSR.Request.Db", "CSR Requesters (recorded)", "Request certificates that are recorded in the certificate store.", true, false),
            new AppRole("CSR.Request.Direct", "CSR Requesters (direct)", "Request certificates checked against DbCSRValidation rules.", true, false),
            new AppRole("CSR.SelfService", "Self-service requesters", "Users request certificates for themselves.", false, true),
            new AppRole("Manage.All", "Managers", "Search, download and revoke certificates.", true, true),
            new AppRole("Challenge.Create", "Challenge creators", "Mint one-time SCEP challenges (Scepter).", true, true),
            new AppRole("Directory.Manage", "Directory managers", "Manage the embedded directory (Scepter).", true, true));

    /** SCEPman-CertMaster: what a signed-in admin may do in the portal. */
    public static final List<AppRole> CERTMASTER_ROLES = certMasterRoles();

    private static List<AppRole> certMasterRoles() {
        List<AppRole> roles = new ArrayList<>();
        roles.add(new AppRole("Admin.Full", "Full Admin", "Everything in Certificate Master.", false, true));
        for (String area : List.of("Manage.All", "Manage.Storage", "Manage.Intune")) {
            roles.add(new AppRole(area, area, "Certificate Master: " + area + ".", false, true));
            roles.add(new AppRole(area + ".Read", area + ".Read", "Certificate Master: " + area + " (read only).", false, true));
        }
        for (String kind : List.of("All", "Client", "User", "CodeSigning", "SubCa", "Server")) {
            roles.add(new AppRole("Request." + kind, "Request." + kind, "Certificate Master: request " + kind + " certificates.", false, true));
            roles.add(new AppRole("Request." + kind + ".Csr", "Request." + kind + ".Csr", "Certificate Master: request " + kind + " certificates from a CSR.", false, true));
            roles.add(new AppRole("Request." + kind + ".Form", "Request." + kind + ".Form", "Certificate Master: request " + kind + " certificates from a form.", false, true));
        }
        return List.copyOf(roles);
    }

    /** An application permission on Microsoft Graph or Intune, by its value, and the level it belongs to. */
    public record Permission(String resourceAppId, String value, int level) {
    }

    /** The core's managed identity: level 0 is needed to work at all; 1 adds Intune's device data; 2 risky users. */
    public static List<Permission> corePermissions(boolean leastPrivilege, boolean intune) {
        List<Permission> permissions = new ArrayList<>();
        if (leastPrivilege) {
            permissions.add(new Permission(MicrosoftGraph.GRAPH_APP_ID, "Device.Read.All", 0));
            permissions.add(new Permission(MicrosoftGraph.GRAPH_APP_ID, "User.Read.All", 0));
            permissions.add(new Permission(MicrosoftGraph.GRAPH_APP_ID, "Application.Read.All", 0));
        } else {
            permissions.add(new Permission(MicrosoftGraph.GRAPH_APP_ID, "Directory.Read.All", 0));
        }
        if (intune) {
            permissions.add(new Permission(MicrosoftGraph.INTUNE_APP_ID, "scep_challenge_provider", 0));
        }
        permissions.add(new Permission(MicrosoftGraph.GRAPH_APP_ID, "DeviceManagementManagedDevices.Read.All", 1));
        permissions.add(new Permission(MicrosoftGraph.GRAPH_APP_ID, "DeviceManagementConfiguration.Read.All", 1));
        permissions.add(new Permission(MicrosoftGraph.GRAPH_APP_ID, "IdentityRiskyUser.Read.All", 2));
        return permissions;
    }

    /** Certificate Master's managed identity reads Intune's certificate list. */
    public static List<Permission> certMasterPermissions() {
        return List.of(new Permission(MicrosoftGraph.GRAPH_APP_ID, "DeviceManagementManagedDevices.Read.All", 2),
                new Permission(MicrosoftGraph.GRAPH_APP_ID, "DeviceManagementConfiguration.Read.All", 2));
    }

    /** The highest level whose permissions, and those of every level below, are all granted; -1 if level 0 is not. */
    public static int level(List<Permission> permissions, java.util.function.Predicate<Permission> granted) {
        int level = -1;
        for (int l = 0; l <= 2; l++) {
            final int current = l;
            boolean complete = permissions.stream().filter(p -> p.level() <= current).allMatch(granted);
            if (!complete) {
                break;
            }
            level = l;
        }
        return level;
    }
}
