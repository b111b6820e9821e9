package dev.scepter.installer.azure.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.TokenRequestContext;
import com.azure.core.exception.ClientAuthenticationException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class AzureSimulatorTest {

    private static final String SUB = "11111111-2222-3333-4444-555555555555";
    private static final String RG = "rg-scepter";
    private static final String RG_SCOPE = "/subscriptions/" + SUB + "/resourceGroups/" + RG;
    private static final String SITES = RG_SCOPE + "/providers/Microsoft.Web/sites/";
    private static final String WEB = "?api-version=2023-12-01";
    private static final String CONTRIBUTOR_ROLE =
            "/subscriptions/" + SUB + "/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c";

    private AzureSimulator sim;
    private HttpClient http;
    private SimSite app;

    @BeforeEach
    void start() {
        sim = new AzureSimulator();
        http = HttpClient.newBuilder().sslContext(sim.sslContext()).build();
        sim.addSubscription(SUB, "Scepter");
        app = sim.addWebApp(SUB, RG, "scepter-app", "westeurope", true);
        sim.addUser("owner@contoso.test").grantArmRole("/subscriptions/" + SUB, "Owner")
                .grantEntraRole("Global Administrator");
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void tokensAreValidForTheApiOfTheirScopeOnly() {
        SimulatorCredential credential = sim.credential("owner@contoso.test");
        String armToken = credential.getToken(new TokenRequestContext().addScopes(sim.armBaseUri() + "/.default"))
                .block().getToken();
        String graphToken = credential.getTokenSync(new TokenRequestContext().addScopes(sim.graphBaseUri() + "/.default"))
                .getToken();
        assertThat(credential.tokensIssued()).isEqualTo(2);

        assertThat(send("GET", sim.armBaseUri() + "/subscriptions?api-version=2022-12-01", armToken, null).statusCode())
                .isEqualTo(200);
        assertError(send("GET", sim.graphBaseUri() + "/v1.0/applications", armToken, null), 401,
                "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.");
        assertError(send("GET", sim.armBaseUri() + "/subscriptions?api-version=2022-12-01", graphToken, null), 401,
                "InvalidAuthenticationToken", "The access token is invalid.");
        assertError(send("GET", sim.armBaseUri() + "/subscriptions?api-version=2022-12-01", null, null), 401,
                "InvalidAuthenticationToken", "The access token is invalid.");
        assertError(send("GET", sim.armBaseUri() + "/subscriptions", armToken, null), 400,
                "MissingApiVersionParameter", null);
    }

    @Test
    void tokenEndpointRefusesUnknownUsersAndForeignScopes() {
        assertThat(tokenCall("owner@contoso.test", sim.graphBaseUri() + "/.default").statusCode()).isEqualTo(200);
        assertThat(tokenCall("nobody@contoso.test", sim.graphBaseUri() + "/.default").statusCode()).isEqualTo(400);
        assertThat(tokenCall("owner@contoso.test", "https://management.azure.com/.default").statusCode()).isEqualTo(400);
        assertThatThrownBy(() -> sim.credential("nobody@contoso.test")
                .getTokenSync(new TokenRequestContext().addScopes(sim.armBaseUri() + "/.default")))
                .isInstanceOf(ClientAuthenticationException.class);
    }

    @Test
    void armAuthorizationFailureNamesTheClientTheActionAndTheScope() {
        SimUser reader = sim.addUser("reader@contoso.test").grantArmRole(RG_SCOPE, "Reader");
        String token = sim.token("reader@contoso.test", sim.armBaseUri() + "/.default");

        assertThat(send("GET", arm(SITES + "scepter-app" + WEB), token, null).statusCode()).isEqualTo(200);
        assertError(send("POST", arm(SITES + "scepter-app/config/appsettings/list" + WEB), token, null), 403,
                "AuthorizationFailed", "The client 'reader@contoso.test' with object id '" + reader.objectId()
                        + "' does not have authorization to perform action 'Microsoft.Web/sites/config/list/action'"
                        + " over scope '" + SITES + "scepter-app' or the scope is invalid.");
        assertThat(sim.writes()).extracting(AzureSimulator.Call::status).isEmpty();
        assertThat(sim.requests()).extracting(AzureSimulator.Call::user).containsOnly("reader@contoso.test");
    }

    @Test
    void listsShowOnlyWhatTheCallerMayRead() {
        sim.addWebApp(SUB, "rg-other", "other-app", "westeurope", false);
        sim.addSubscription("99999999-2222-3333-4444-555555555555", "Someone else's");
        sim.addUser("reader@contoso.test").grantArmRole(RG_SCOPE, "Reader");
        String token = sim.token("reader@contoso.test", sim.armBaseUri() + "/.default");

        JsonNode subscriptions = json(send("GET", arm("/subscriptions?api-version=2022-12-01"), token, null));
        assertThat(subscriptions.get("value")).extracting(s -> s.get("subscriptionId").asString()).containsExactly(SUB);
        JsonNode sites = json(send("GET", arm("/subscriptions/" + SUB + "/providers/Microsoft.Web/sites" + WEB), token,
                null));
        assertThat(sites.get("value")).extracting(s -> s.get("name").asString()).containsExactly("scepter-app");
        JsonNode site = sites.get("value").get(0);
        assertThat(site.get("kind").asString()).isEqualTo("app,linux");
        assertThat(site.at("/properties/defaultHostName").asString()).isEqualTo("scepter-app.azurewebsites.net");
        assertError(send("GET", arm("/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Web/sites"
                + WEB), token, null), 404, "SubscriptionNotFound", null);
    }

    @Test
    void appSettingsPutReplacesThemAllAndLinuxRefusesColons() {
        app.settings().put("Old", "gone");
        String token = armToken();

        assertError(send("PUT", arm(SITES + "scepter-app/config/appsettings" + WEB), token,
                "{\"properties\":{\"AppConfig:Name\":\"x\"}}"), 400, "BadRequest", null);
        assertThat(app.settings()).containsOnlyKeys("Old");

        JsonNode put = json(send("PUT", arm(SITES + "scepter-app/config/appsettings" + WEB), token,
                "{\"properties\":{\"AppConfig__Name\":\"x\",\"B\":\"2\"}}"));
        assertThat(put.get("properties").propertyNames()).containsExactly("AppConfig__Name", "B");
        JsonNode listed = json(send("POST", arm(SITES + "scepter-app/config/appsettings/list" + WEB), token, null));
        assertThat(listed.get("name").asString()).isEqualTo("appsettings");
        assertThat(listed.get("properties").propertyNames()).containsExactly("AppConfig__Name", "B");
        assertThat(app.settings()).isEqualTo(Map.of("AppConfig__Name", "x", "B", "2"));
        assertThat(sim.writes()).extracting(AzureSimulator.Call::method).containsExactly("PUT", "PUT");
    }

    @Test
    void sitePutCreatesOnAnExistingPlanWithItsManagedIdentity() {
        String token = armToken();
        String body = "{\"location\":\"westeurope\",\"kind\":\"app,linux\",\"identity\":{\"type\":\"SystemAssigned\"},"
                + "\"properties\":{\"serverFarmId\":\"%s\",\"httpsOnly\":true,\"siteConfig\":{\"appSettings\":"
                + "[{\"name\":\"A\",\"value\":\"1\"}],\"alwaysOn\":true}}}";

        assertError(send("PUT", arm(SITES + "scepter-new" + WEB), token,
                String.format(body, RG_SCOPE + "/providers/Microsoft.Web/serverfarms/nowhere")), 400, "BadRequest", null);
        JsonNode site = json(send("PUT", arm(SITES + "scepter-new" + WEB), token,
                String.format(body, app.serverFarmId())));
        String principal = site.at("/identity/principalId").asString();
        assertThat(site.at("/properties/reserved").asBoolean()).isTrue();
        assertThat(sim.site(SUB, RG, "scepter-new").settings()).containsEntry("A", "1");
        JsonNode identity = json(send("GET", graph(principal), graphToken(), null));
        assertThat(identity.get("servicePrincipalType").asString()).isEqualTo("ManagedIdentity");
        assertThat(identity.get("displayName").asString()).isEqualTo("scepter-new");
    }

    @Test
    void storageAccountCreationIsPolledThroughItsLocation() {
        sim.addWebApp(SUB, "rg-other", "other-app", "westeurope", false);
        String token = armToken();
        String accounts = RG_SCOPE + "/providers/Microsoft.Storage/storageAccounts/";
        String body = "{\"sku\":{\"name\":\"Standard_LRS\"},\"kind\":\"StorageV2\",\"location\":\"westeurope\","
                + "\"properties\":{\"minimumTlsVersion\":\"TLS1_2\",\"allowSharedKeyAccess\":false}}";

        HttpResponse<String> created = send("PUT", arm(accounts + "scepterdata?api-version=2023-05-01"), token, body);
        assertThat(created.statusCode()).isEqualTo(202);
        assertThat(created.body()).isEmpty();
        assertThat(created.headers().firstValue("Retry-After")).hasValue("0");
        String location = created.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(sim.armBaseUri() + "/subscriptions/" + SUB
                + "/providers/Microsoft.Storage/locations/westeurope/asyncoperations/").endsWith("?monitor=true&api-version=2023-05-01");

        assertThat(send("GET", location, token, null).statusCode()).isEqualTo(202);
        JsonNode account = json(send("GET", location, token, null));
        assertThat(account.at("/properties/provisioningState").asString()).isEqualTo("Succeeded");
        assertThat(account.at("/properties/allowSharedKeyAccess").asBoolean()).isFalse();
        assertThat(account.at("/properties/primaryEndpoints/table").asString())
                .isEqualTo("https://scepterdata.table.core.windows.net/");

        assertThat(send("PUT", arm(accounts + "scepterdata?api-version=2023-05-01"), token, body).statusCode())
                .isEqualTo(200);
        assertError(send("PUT", arm("/subscriptions/" + SUB + "/resourceGroups/rg-other/providers/"
                + "Microsoft.Storage/storageAccounts/scepterdata?api-version=2023-05-01"), token, body), 409,
                "StorageAccountAlreadyTaken", null);
        assertError(send("PUT", arm(accounts + "Scepter-Data?api-version=2023-05-01"), token, body), 400,
                "AccountNameInvalid", null);
        assertThat(sim.storageAccounts()).extracting(SimStorageAccount::name).containsExactly("scepterdata");
    }

    @Test
    void roleAssignmentsNeedOwnerRepeatWith409AndFilterByPrincipal() {
        String principal = app.enableSystemIdentity();
        sim.addUser("contributor@contoso.test").grantArmRole(RG_SCOPE, "Contributor");
        String assignment = RG_SCOPE + "/providers/Microsoft.Authorization/roleAssignments/";
        String body = "{\"properties\":{\"roleDefinitionId\":\"" + CONTRIBUTOR_ROLE + "\",\"principalId\":\""
                + principal + "\",\"principalType\":\"ServicePrincipal\"}}";

        assertError(send("PUT", arm(assignment + "0b6e3c1a-0000-4000-8000-000000000001?api-version=2022-04-01"),
                sim.token("contributor@contoso.test", sim.armBaseUri() + "/.default"), body), 403,
                "AuthorizationFailed", null);
        String token = armToken();
        assertThat(send("PUT", arm(assignment + "0b6e3c1a-0000-4000-8000-000000000001?api-version=2022-04-01"),
                token, body).statusCode()).isEqualTo(201);
        assertError(send("PUT", arm(assignment + "0b6e3c1a-0000-4000-8000-000000000002?api-version=2022-04-01"),
                token, body), 409, "RoleAssignmentExists", "The role assignment already exists.");

        String filter = URLEncoder.encode("principalId eq '" + principal + "'", StandardCharsets.UTF_8);
        JsonNode listed = json(send("GET", arm(SITES + "scepter-app/providers/Microsoft.Authorization/roleAssignments"
                + "?api-version=2022-04-01&%24filter=" + filter), token, null));
        assertThat(listed.get("value")).extracting(a -> a.at("/properties/scope").asString()).containsExactly(RG_SCOPE);
        assertThat(sim.roleAssignments()).containsExactly(new RoleAssignment(RG_SCOPE, CONTRIBUTOR_ROLE, principal));
    }

    @Test
    void replicationDelayHidesANewPrincipalFromItsFirstAssignments() {
        sim.replicationDelay(1);
        String arm = armToken();
        String graph = graphToken();
        JsonNode site = json(send("PATCH", arm(SITES + "scepter-app" + WEB), arm,
                "{\"identity\":{\"type\":\"SystemAssigned\"}}"));
        String principal = site.at("/identity/principalId").asString();
        assertThat(principal).isEqualTo(app.principalId());
        String body = "{\"properties\":{\"roleDefinitionId\":\"" + CONTRIBUTOR_ROLE + "\",\"principalId\":\""
                + principal + "\",\"principalType\":\"ServicePrincipal\"}}";
        String put = arm(RG_SCOPE + "/providers/Microsoft.Authorization/roleAssignments/"
                + "0b6e3c1a-0000-4000-8000-000000000001?api-version=2022-04-01");

        assertError(send("PUT", put, arm, body), 400, "PrincipalNotFound", null);
        assertThat(send("PUT", put, arm, body).statusCode()).isEqualTo(201);

        // A second identity: Graph's app role assignment sees it late too, but a GET of it does not.
        String slotPrincipal = app.addSlot("staging").enableSystemIdentity();
        assertThat(json(send("GET", graph(slotPrincipal), graph, null)).get("displayName").asString())
                .isEqualTo("scepter-app/slots/staging");
        String graphSp = sim.servicePrincipalByAppId(AzureSimulator.MICROSOFT_GRAPH_APP_ID).get("id").asString();
        String assign = "{\"principalId\":\"" + slotPrincipal + "\",\"resourceId\":\"" + graphSp
                + "\",\"appRoleId\":\"df021288-bdef-4463-88db-98f22de89214\"}";
        assertError(send("POST", graph(slotPrincipal + "/appRoleAssignments"), graph, assign), 404,
                "Request_ResourceNotFound", "Resource '" + slotPrincipal
                        + "' does not exist or one of its queried reference-property objects are not present.");
        assertThat(send("POST", graph(slotPrincipal + "/appRoleAssignments"), graph, assign).statusCode()).isEqualTo(201);
    }

    @Test
    void failNextFailsMatchingCallsBeforeAnyChange() {
        String token = armToken();
        sim.failNext("PUT", "/arm/subscriptions/.*/config/appsettings", 429, "TooManyRequests", "Slow down.", 1);

        HttpResponse<String> failed = send("PUT", arm(SITES + "scepter-app/config/appsettings" + WEB), token,
                "{\"properties\":{\"A\":\"1\"}}");
        assertError(failed, 429, "TooManyRequests", "Slow down.");
        assertThat(failed.headers().firstValue("Retry-After")).hasValue("0");
        assertThat(app.settings()).isEmpty();
        assertThat(send("PUT", arm(SITES + "scepter-app/config/appsettings" + WEB), token,
                "{\"properties\":{\"A\":\"1\"}}").statusCode()).isEqualTo(200);
        assertThat(app.settings()).containsEntry("A", "1");
        assertThat(sim.writes()).extracting(AzureSimulator.Call::status).containsExactly(429, 200);
    }

    @Test
    void applicationsAreFoundByEncodedFilterAndPatchedWithGraphRules() {
        sim.addUser("dev@contoso.test");
        assertError(send("POST", sim.graphBaseUri() + "/v1.0/applications",
                sim.token("dev@contoso.test", sim.graphBaseUri() + "/.default"), "{\"displayName\":\"x\"}"), 403,
                "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
        String token = graphToken();
        String role = "{\"id\":\"5f1a3c2e-0000-4000-8000-000000000001\",\"allowedMemberTypes\":[\"Application\"],"
                + "\"value\":\"CSR.Request\",\"displayName\":\"CSR\",\"description\":\"CSR\",\"isEnabled\":true}";
        JsonNode created = json(send("POST", sim.graphBaseUri() + "/v1.0/applications", token,
                "{\"displayName\":\"SCEPman-api\",\"appRoles\":[" + role + "]}"));
        assertThat(created.at("/web/redirectUris").isArray()).isTrue();
        String id = created.get("id").asString();

        String filter = URLEncoder.encode("displayName eq 'SCEPman-api'", StandardCharsets.UTF_8).replace("+", "%20");
        JsonNode found = json(send("GET", sim.graphBaseUri() + "/v1.0/applications?%24filter=" + filter, token, null));
        assertThat(found.get("value")).extracting(a -> a.get("id").asString()).containsExactly(id);

        assertThat(send("PATCH", sim.graphBaseUri() + "/v1.0/applications/" + id, token,
                "{\"web\":{\"homePageUrl\":\"https://scepter-app.azurewebsites.net\"}}").statusCode()).isEqualTo(204);
        JsonNode patched = sim.applications().get(0);
        assertThat(patched.at("/web/homePageUrl").asString()).isEqualTo("https://scepter-app.azurewebsites.net");
        assertThat(patched.at("/web/redirectUris").isArray()).isTrue();
        assertError(send("PATCH", sim.graphBaseUri() + "/v1.0/applications/" + id, token, "{\"appRoles\":[]}"), 400,
                "CannotDeleteOrUpdateEnabledEntitlement", null);
        assertError(send("PATCH", sim.graphBaseUri() + "/v1.0/applications/" + id, token,
                "{\"identifierUris\":[\"https://scepter.example\"]}"), 400, "Request_BadRequest", null);
        assertError(send("POST", sim.graphBaseUri() + "/v1.0/applications", token,
                "{\"displayName\":\"twice\",\"appRoles\":[" + role + "," + role + "]}"), 400, "Request_BadRequest", null);
    }

    @Test
    void appRoleAssignmentsNeedAPrivilegedRoleAndRefuseDuplicates() {
        String principal = app.enableSystemIdentity();
        String graphSp = sim.servicePrincipalByAppId(AzureSimulator.MICROSOFT_GRAPH_APP_ID).get("id").asString();
        String assign = "{\"principalId\":\"" + principal + "\",\"resourceId\":\"" + graphSp
                + "\",\"appRoleId\":\"7ab1d382-f21e-4acd-a863-ba3e13f7da61\"}";
        sim.addUser("appadmin@contoso.test").grantEntraRole("Application Administrator");

        assertError(send("POST", graph(principal + "/appRoleAssignments"),
                sim.token("appadmin@contoso.test", sim.graphBaseUri() + "/.default"), assign), 403,
                "Authorization_RequestDenied", null);
        String token = graphToken();
        JsonNode created = json(send("POST", graph(principal + "/appRoleAssignments"), token, assign));
        assertThat(created.get("resourceDisplayName").asString()).isEqualTo("Microsoft Graph");
        assertError(send("POST", graph(principal + "/appRoleAssignments"), token, assign), 400, "Request_BadRequest",
                "Permission being assigned already exists on the object.");
        assertError(send("POST", graph(principal + "/appRoleAssignments"), token,
                assign.replace("7ab1d382-f21e-4acd-a863-ba3e13f7da61", "12345678-0000-4000-8000-000000000000")), 400,
                "Request_BadRequest", "Permission being assigned was not found on application '"
                        + AzureSimulator.MICROSOFT_GRAPH_APP_ID + "'.");
        assertThat(sim.appRoleAssignments(principal)).containsExactly("7ab1d382-f21e-4acd-a863-ba3e13f7da61");
    }

    @Test
    void servicePrincipalsAndPermissionGrantsAreCreatedOnce() {
        String token = graphToken();
        String appId = json(send("POST", sim.graphBaseUri() + "/v1.0/applications", token,
                "{\"displayName\":\"SCEPman\"}")).get("appId").asString();
        String sps = sim.graphBaseUri() + "/v1.0/servicePrincipals";
        JsonNode sp = json(send("POST", sps, token, "{\"appId\":\"" + appId + "\",\"tags\":[\"WindowsAzureActiveDirectoryIntegratedApp\"]}"));
        assertThat(sp.get("servicePrincipalType").asString()).isEqualTo("Application");
        assertError(send("POST", sps, token, "{\"appId\":\"" + appId + "\"}"), 409,
                "Request_MultipleObjectsWithSameKeyValue", null);
        assertError(send("POST", sps, token, "{\"appId\":\"6a1b7a8e-0000-4000-8000-000000000000\"}"), 400,
                "Request_BadRequest", null);

        sim.withIntune(false);
        assertThat(json(send("GET", sps + "?%24filter=appId%20eq%20%27" + AzureSimulator.INTUNE_APP_ID + "%27", token,
                null)).get("value")).isEmpty();

        String graphSp = sim.servicePrincipalByAppId(AzureSimulator.MICROSOFT_GRAPH_APP_ID).get("id").asString();
        String grant = "{\"clientId\":\"" + sp.get("id").asString() + "\",\"consentType\":\"AllPrincipals\","
                + "\"resourceId\":\"" + graphSp + "\",\"scope\":\"User.Read\"}";
        assertThat(send("POST", sim.graphBaseUri() + "/v1.0/oauth2PermissionGrants", token, grant).statusCode())
                .isEqualTo(201);
        assertError(send("POST", sim.graphBaseUri() + "/v1.0/oauth2PermissionGrants", token, grant), 409,
                "Request_MultipleObjectsWithSameKeyValue", null);
        assertThat(sim.oauth2PermissionGrants()).extracting(PermissionGrant::scope).containsExactly("User.Read");
    }

    @Test
    void keyVaultAccessPoliciesMergePerObjectAndRbacVaultsRefuseThem() {
        sim.addKeyVault(SUB, RG, "scepter-kv", false);
        sim.addKeyVault(SUB, RG, "scepter-rbac", true);
        String token = armToken();
        String vaults = RG_SCOPE + "/providers/Microsoft.KeyVault/vaults/";
        String policy = "{\"properties\":{\"accessPolicies\":[{\"tenantId\":\"" + sim.tenantId()
                + "\",\"objectId\":\"oid\",\"permissions\":{\"keys\":[%s],\"secrets\":[],\"certificates\":[]}}]}}";

        send("PUT", arm(vaults + "scepter-kv/accessPolicies/add?api-version=2023-07-01"), token,
                String.format(policy, "\"get\",\"sign\""));
        assertThat(send("PUT", arm(vaults + "scepter-kv/accessPolicies/add?api-version=2023-07-01"), token,
                String.format(policy, "\"sign\",\"create\"")).statusCode()).isEqualTo(200);
        assertThat(sim.keyVault("scepter-kv").accessPolicies()).singleElement()
                .satisfies(p -> assertThat(p.keys()).containsExactly("get", "sign", "create"));
        assertError(send("PUT", arm(vaults + "scepter-rbac/accessPolicies/add?api-version=2023-07-01"), token,
                String.format(policy, "\"get\"")), 400, "BadRequest", null);
    }

    @Test
    void clientMistakesAreNeverServerErrors() {
        String arm = armToken();
        String graph = graphToken();
        assertError(send("GET", arm("/subscriptions/" + SUB + "/providers/Microsoft.Nothing/things" + WEB), arm, null),
                404, "NotFound", null);
        assertError(send("DELETE", graph("whatever"), graph, null), 404, "Request_ResourceNotFound", null);
        assertError(send("PUT", arm(SITES + "scepter-app/config/appsettings" + WEB), arm, "not json"), 400,
                "InvalidRequestContent", null);
        assertError(send("PUT", arm(SITES + "scepter-app/config/appsettings" + WEB), arm, "{\"properties\":[1]}"), 400,
                "InvalidRequestContent", null);
        assertError(send("POST", sim.graphBaseUri() + "/v1.0/applications", graph, "{\"displayName\":7}"), 400,
                "Request_BadRequest", null);
        assertError(send("GET", sim.graphBaseUri() + "/v1.0/applications?%24filter=startswith(displayName,'x')", graph,
                null), 400, "Request_UnsupportedQuery", null);
        assertThat(sim.requests()).extracting(AzureSimulator.Call::status).doesNotContain(500);
    }

    // ---- helpers ----

    private String armToken() {
        return sim.token("owner@contoso.test", sim.armBaseUri() + "/.default");
    }

    private String graphToken() {
        return sim.token("owner@contoso.test", sim.graphBaseUri() + "/.default");
    }

    private String arm(String path) {
        return sim.armBaseUri() + path;
    }

    private String graph(String servicePrincipalPath) {
        return sim.graphBaseUri() + "/v1.0/servicePrincipals/" + servicePrincipalPath;
    }

    private HttpResponse<String> tokenCall(String upn, String scope) {
        String form = "username=" + URLEncoder.encode(upn, StandardCharsets.UTF_8) + "&scope="
                + URLEncoder.encode(scope, StandardCharsets.UTF_8);
        return exchange(HttpRequest.newBuilder(sim.baseUri().resolve("/sim/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    private HttpResponse<String> send(String method, String uri, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return exchange(request.build());
    }

    private HttpResponse<String> exchange(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 201);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        return Json.MAPPER.readTree(response.body());
    }

    /** Asserts the status, the error code and, when given, the message of an error answer. */
    private static void assertError(HttpResponse<String> response, int status, String code, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = Json.MAPPER.readTree(response.body()).get("error");
        assertThat(error.get("code").asString()).isEqualTo(code);
        if (message != null) {
            assertThat(error.get("message").asString()).isEqualTo(message);
        }
    }
}
