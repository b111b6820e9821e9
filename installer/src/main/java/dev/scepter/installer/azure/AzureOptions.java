package dev.scepter.installer.azure;

/**
 * {@code complete-installation --target azure}'s options; they mirror the parameters of
 * SCEPman's {@code Complete-SCEPmanInstallation}. Null means not given.
 */
public record AzureOptions(String scepmanAppServiceName, String certMasterAppServiceName, String scepmanResourceGroup,
        String certMasterResourceGroup, String subscriptionId, boolean searchAllSubscriptions, String deploymentSlotName,
        boolean skipAppRoleAssignments, boolean skipCertificateMaster, String apiAppName, String certMasterAppName,
        String storageAccountName, boolean leastPrivilege) {

    public static final String DEFAULT_API_APP_NAME = "SCEPman-api";
    public static final String DEFAULT_CERTMASTER_APP_NAME = "SCEPman-CertMaster";

    public AzureOptions {
        apiAppName = apiAppName == null ? DEFAULT_API_APP_NAME : apiAppName;
        certMasterAppName = certMasterAppName == null ? DEFAULT_CERTMASTER_APP_NAME : certMasterAppName;
    }

    /** Only the app service's name: what the homepage's command gives. The withers below are for the other options. */
    public static AzureOptions forApp(String scepmanAppServiceName) {
        return new AzureOptions(scepmanAppServiceName, null, null, null, null, false, null, false, false, null, null, null, false);
    }


    public AzureOptions withCertMasterAppServiceName(String value) {
        return new AzureOptions(scepmanAppServiceName, value, scepmanResourceGroup, certMasterResourceGroup, subscriptionId, searchAllSubscriptions, deploymentSlotName, skipAppRoleAssignments, skipCertificateMaster, apiAppName, certMasterAppName, storageAccountName, leastPrivilege);
    }



    public AzureOptions withSubscriptionId(String value) {
        return new AzureOptions(scepmanAppServiceName, certMasterAppServiceName, scepmanResourceGroup, certMasterResourceGroup, value, searchAllSubscriptions, deploymentSlotName, skipAppRoleAssignments, skipCertificateMaster, apiAppName, certMasterAppName, storageAccountName, leastPrivilege);
    }

    public AzureOptions withSearchAllSubscriptions(boolean value) {
        return new AzureOptions(scepmanAppServiceName, certMasterAppServiceName, scepmanResourceGroup, certMasterResourceGroup, subscriptionId, value, deploymentSlotName, skipAppRoleAssignments, skipCertificateMaster, apiAppName, certMasterAppName, storageAccountName, leastPrivilege);
    }

    public AzureOptions withDeploymentSlotName(String value) {
        return new AzureOptions(scepmanAppServiceName, certMasterAppServiceName, scepmanResourceGroup, certMasterResourceGroup, subscriptionId, searchAllSubscriptions, value, skipAppRoleAssignments, skipCertificateMaster, apiAppName, certMasterAppName, storageAccountName, leastPrivilege);
    }

    public AzureOptions withSkipAppRoleAssignments(boolean value) {
        return new AzureOptions(scepmanAppServiceName, certMasterAppServiceName, scepmanResourceGroup, certMasterResourceGroup, subscriptionId, searchAllSubscriptions, deploymentSlotName, value, skipCertificateMaster, apiAppName, certMasterAppName, storageAccountName, leastPrivilege);
    }

    public AzureOptions withSkipCertificateMaster(boolean value) {
        return new AzureOptions(scepmanAppServiceName, certMasterAppServiceName, scepmanResourceGroup, certMasterResourceGroup, subscriptionId, searchAllSubscriptions, deploymentSlotName, skipAppRoleAssignments, value, apiAppName, certMasterAppName, storageAccountName, leastPrivilege);
    }



    public AzureOptions withStorageAccountName(String value) {
        return new AzureOptions(scepmanAppServiceName, certMasterAppServiceName, scepmanResourceGroup, certMasterResourceGroup, subscriptionId, searchAllSubscriptions, deploymentSlotName, skipAppRoleAssignments, skipCertificateMaster, apiAppName, certMasterAppName, value, leastPrivilege);
    }

    public AzureOptions withLeastPrivilege(boolean value) {
        return new AzureOptions(scepmanAppServiceName, certMasterAppServiceName, scepmanResourceGroup, certMasterResourceGroup, subscriptionId, searchAllSubscriptions, deploymentSlotName, skipAppRoleAssignments, skipCertificateMaster, apiAppName, certMasterAppName, storageAccountName, value);
    }
}
