package dev.scepter.installer.azure;

/**
 * Turns Azure's and Entra ID's refusals into what the person running the installer can do about
 * them: which role they lack, and on what.
 */
final class FailureExplainer {

    private FailureExplainer() {
    }

    /** A step's failure: Azure's answer explained, anything else by its message. */
    static String explain(Exception e) {
        return e instanceof AzureCallException call ? explain(call) : e.getMessage();
    }

    static String explain(AzureCallException e) {
        String what = e.method() + " " + e.uri();
        if (e.code().equals("AuthorizationFailed")) {
            boolean roleAssignment = e.detail().contains("roleAssignments/write");
            return "Azure refused " + what + ": " + e.detail() + "\nYou need the Azure role "
                    + (roleAssignment ? "Owner or User Access Administrator" : "Contributor (or Owner)")
                    + " on that scope: ask a subscription owner to grant it.";
        }
        if (e.code().equals("Authorization_RequestDenied")) {
            boolean grant = e.uri().contains("appRoleAssignments") || e.uri().contains("oauth2PermissionGrants");
            return "Entra ID refused " + what + ": " + e.detail() + "\nYou need the Entra ID role "
                    + (grant ? "Privileged Role Administrator or Global Administrator (or run with --skip-app-role-assignments "
                            + "and have one of them make the grants it prints)"
                            : "Application Administrator, Cloud Application Administrator or Global Administrator")
                    + ". Run again once you have it.";
        }
        if (e.code().equals("SignInFailed")) {
            return e.detail();
        }
        return e.getMessage();
    }
}
