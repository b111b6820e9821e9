package dev.scepter.installer.azure.sim;

/** An ARM role assignment as tests assert it. */
public record RoleAssignment(String scope, String roleDefinitionId, String principalId) {
}
