package dev.scepter.installer.azure;

import java.net.URI;
import picocli.CommandLine.Option;

/**
 * {@code complete-installation --target azure}'s options, defined once: the command binds this
 * class as its picocli argument group, and the installer reads it. They mirror the parameters of
 * SCEPman's {@code Complete-SCEPmanInstallation}. Null means not given.
 *
 * <p>Only picocli writes the fields, while it parses; everything else gets a copy from a
 * {@code with...} method, so a value handed to the installer does not change under it.
 */
public final class AzureOptions {

    public static final String DEFAULT_API_APP_NAME = "SCEPman-api";
    public static final String DEFAULT_CERTMASTER_APP_NAME = "SCEPman-CertMaster";
    public static final String DEFAULT_GRAPH_BASE_URI = "https://graph.microsoft.com";
    public static final String DEFAULT_ARM_BASE_URI = "https://management.azure.com";

    @Option(names = "--scepman-app-service-name", paramLabel = "NAME", description = "The core's app service (asked when missing).")
    private String scepmanAppServiceName;

    @Option(names = "--scepman-resource-group", paramLabel = "GROUP", description = "Its resource group (default: found).")
    private String scepmanResourceGroup;

    @Option(names = "--subscription-id", paramLabel = "ID", description = "Its subscription (default: the only one, or asked).")
    private String subscriptionId;

    @Option(names = "--search-all-subscriptions", description = "Find the subscription by searching all for the app service.")
    private boolean searchAllSubscriptions;

    @Option(names = "--deployment-slot-name", paramLabel = "SLOT", description = "Update only this deployment slot (default: every slot, then production).")
    private String deploymentSlotName;

    @Option(names = "--certmaster-app-service-name", paramLabel = "NAME",
            description = "Certificate Master's app service (default: found by its settings; created on a 1.x upgrade).")
    private String certMasterAppServiceName;

    @Option(names = "--certmaster-resource-group", paramLabel = "GROUP", description = "Its resource group (default: the core's).")
    private String certMasterResourceGroup;

    @Option(names = "--skip-certificate-master", description = "Leave Certificate Master alone.")
    private boolean skipCertificateMaster;

    @Option(names = "--storage-account-name", paramLabel = "NAME", description = "The storage account to create on a 1.x upgrade (asked when missing).")
    private String storageAccountName;

    @Option(names = "--skip-app-role-assignments",
            description = "Do not grant Graph and Intune permissions; print what a Privileged Role Administrator must grant.")
    private boolean skipAppRoleAssignments;

    @Option(names = "--least-privilege",
            description = "Grant Device.Read.All, User.Read.All and Application.Read.All instead of Directory.Read.All.")
    private boolean leastPrivilege;

    @Option(names = "--api-app-name", paramLabel = "NAME", defaultValue = DEFAULT_API_APP_NAME,
            description = "The core API's app registration (default: ${DEFAULT-VALUE}).")
    private String apiAppName = DEFAULT_API_APP_NAME;

    @Option(names = "--certmaster-app-name", paramLabel = "NAME", defaultValue = DEFAULT_CERTMASTER_APP_NAME,
            description = "Certificate Master's app registration (default: ${DEFAULT-VALUE}).")
    private String certMasterAppName = DEFAULT_CERTMASTER_APP_NAME;

    @Option(names = "--graph-base-uri", paramLabel = "URI", defaultValue = DEFAULT_GRAPH_BASE_URI,
            description = "Microsoft Graph (default: ${DEFAULT-VALUE}; national clouds differ).")
    private URI graphBaseUri = URI.create(DEFAULT_GRAPH_BASE_URI);

    @Option(names = "--arm-base-uri", paramLabel = "URI", defaultValue = DEFAULT_ARM_BASE_URI,
            description = "Azure Resource Manager (default: ${DEFAULT-VALUE}).")
    private URI armBaseUri = URI.create(DEFAULT_ARM_BASE_URI);

    /** Every option at its default; picocli fills in what is given. */
    public AzureOptions() {
    }

    private AzureOptions copy() {
        AzureOptions copy = new AzureOptions();
        copy.scepmanAppServiceName = scepmanAppServiceName;
        copy.scepmanResourceGroup = scepmanResourceGroup;
        copy.subscriptionId = subscriptionId;
        copy.searchAllSubscriptions = searchAllSubscriptions;
        copy.deploymentSlotName = deploymentSlotName;
        copy.certMasterAppServiceName = certMasterAppServiceName;
        copy.certMasterResourceGroup = certMasterResourceGroup;
        copy.skipCertificateMaster = skipCertificateMaster;
        copy.storageAccountName = storageAccountName;
        copy.skipAppRoleAssignments = skipAppRoleAssignments;
        copy.leastPrivilege = leastPrivilege;
        copy.apiAppName = apiAppName;
        copy.certMasterAppName = certMasterAppName;
        copy.graphBaseUri = graphBaseUri;
        copy.armBaseUri = armBaseUri;
        return copy;
    }

    /** Only the app service's name: what the homepage's command gives. The withers below are for the other options. */
    public static AzureOptions forApp(String scepmanAppServiceName) {
        AzureOptions options = new AzureOptions();
        options.scepmanAppServiceName = scepmanAppServiceName;
        return options;
    }

    public String scepmanAppServiceName() {
        return scepmanAppServiceName;
    }

    public String scepmanResourceGroup() {
        return scepmanResourceGroup;
    }

    public String subscriptionId() {
        return subscriptionId;
    }

    public boolean searchAllSubscriptions() {
        return searchAllSubscriptions;
    }

    public String deploymentSlotName() {
        return deploymentSlotName;
    }

    public String certMasterAppServiceName() {
        return certMasterAppServiceName;
    }

    public String certMasterResourceGroup() {
        return certMasterResourceGroup;
    }

    public boolean skipCertificateMaster() {
        return skipCertificateMaster;
    }

    public String storageAccountName() {
        return storageAccountName;
    }

    public boolean skipAppRoleAssignments() {
        return skipAppRoleAssignments;
    }

    public boolean leastPrivilege() {
        return leastPrivilege;
    }

    public String apiAppName() {
        return apiAppName;
    }

    public String certMasterAppName() {
        return certMasterAppName;
    }

    public URI graphBaseUri() {
        return graphBaseUri;
    }

    public URI armBaseUri() {
        return armBaseUri;
    }

    public AzureOptions withScepmanResourceGroup(String value) {
        AzureOptions copy = copy();
        copy.scepmanResourceGroup = value;
        return copy;
    }

    public AzureOptions withSubscriptionId(String value) {
        AzureOptions copy = copy();
        copy.subscriptionId = value;
        return copy;
    }

    public AzureOptions withSearchAllSubscriptions(boolean value) {
        AzureOptions copy = copy();
        copy.searchAllSubscriptions = value;
        return copy;
    }

    public AzureOptions withDeploymentSlotName(String value) {
        AzureOptions copy = copy();
        copy.deploymentSlotName = value;
        return copy;
    }

    public AzureOptions withCertMasterAppServiceName(String value) {
        AzureOptions copy = copy();
        copy.certMasterAppServiceName = value;
        return copy;
    }

    public AzureOptions withCertMasterResourceGroup(String value) {
        AzureOptions copy = copy();
        copy.certMasterResourceGroup = value;
        return copy;
    }

    public AzureOptions withSkipCertificateMaster(boolean value) {
        AzureOptions copy = copy();
        copy.skipCertificateMaster = value;
        return copy;
    }

    public AzureOptions withStorageAccountName(String value) {
        AzureOptions copy = copy();
        copy.storageAccountName = value;
        return copy;
    }

    public AzureOptions withSkipAppRoleAssignments(boolean value) {
        AzureOptions copy = copy();
        copy.skipAppRoleAssignments = value;
        return copy;
    }

    public AzureOptions withLeastPrivilege(boolean value) {
        AzureOptions copy = copy();
        copy.leastPrivilege = value;
        return copy;
    }

    public AzureOptions withApiAppName(String value) {
        AzureOptions copy = copy();
        copy.apiAppName = value;
        return copy;
    }

    public AzureOptions withCertMasterAppName(String value) {
        AzureOptions copy = copy();
        copy.certMasterAppName = value;
        return copy;
    }

    public AzureOptions withGraphBaseUri(URI value) {
        AzureOptions copy = copy();
        copy.graphBaseUri = value;
        return copy;
    }

    public AzureOptions withArmBaseUri(URI value) {
        AzureOptions copy = copy();
        copy.armBaseUri = value;
        return copy;
    }
}
