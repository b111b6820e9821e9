package dev.scepter.installer.azure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailureExplainerTest {

    static AzureCallException error(String method, String uri, int status, String code, String message) {
        return new AzureCallException(method, uri, status, code, message);
    }

    @Test
    void aRefusedRoleAssignmentNeedsOwnerOrUserAccessAdministrator() {
        String advice = FailureExplainer.explain(error("PUT", "/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/x", 403,
                "AuthorizationFailed", "The client does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/write'."));
        assertThat(advice).startsWith("Azure refused PUT /subscriptions/s/providers/Microsoft.Authorization/roleAssignments/x: The client")
                .contains("You need the Azure role Owner or User Access Administrator on that scope");
    }

    @Test
    void anyOtherRefusedArmWriteNeedsContributor() {
        assertThat(FailureExplainer.explain(error("PUT", "/subscriptions/s/sites/x", 403, "AuthorizationFailed", "no write")))
                .contains("You need the Azure role Contributor (or Owner) on that scope");
    }

    @Test
    void aRefusedGrantNeedsAPrivilegedRoleAdministratorAndARefusedRegistrationAnApplicationAdministrator() {
        assertThat(FailureExplainer.explain(error("POST", "/v1.0/servicePrincipals/p/appRoleAssignments", 403, "Authorization_RequestDenied",
                "Insufficient privileges"))).contains("Privileged Role Administrator or Global Administrator", "--skip-app-role-assignments");
        assertThat(FailureExplainer.explain(error("POST", "/v1.0/applications", 403, "Authorization_RequestDenied", "Insufficient privileges")))
                .contains("Application Administrator, Cloud Application Administrator or Global Administrator")
                .doesNotContain("--skip-app-role-assignments");
    }

    @Test
    void aFailedSignInIsItsOwnMessageAndAnythingElseAzuresAnswer() {
        assertThat(FailureExplainer.explain(error("GET", "/subscriptions", 401, "SignInFailed", "Run az login."))).isEqualTo("Run az login.");
        assertThat(FailureExplainer.explain((Exception) error("GET", "/x", 500, "InternalServerError", "Something went wrong.")))
                .isEqualTo("GET /x answered 500 InternalServerError: Something went wrong.");
        assertThat(FailureExplainer.explain(new IllegalStateException("plain"))).isEqualTo("plain");
    }
}
