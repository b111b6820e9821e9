package dev.scepter.installer.azure;

import dev.scepter.settings.Setting;

/** The application settings the installer reads and writes: the core's own (from {@link Setting}), Certificate Master's and SCEPman's. */
final class AppSettingNames {

    static final String APPLICATION_ID = Setting.AUTH_APPLICATION_ID.key();
    static final String APPLICATION_KEY = Setting.AUTH_APPLICATION_KEY.key();
    static final String MANAGED_IDENTITY_SINCE = Setting.AUTH_MANAGED_IDENTITY_ENABLED_ON_UNIX_TIME.key();
    static final String MANAGED_IDENTITY_HOST = Setting.AUTH_MANAGED_IDENTITY_ENABLED_FOR_WEBSITE_HOSTNAME.key();
    static final String PERMISSION_LEVEL = Setting.AUTH_MANAGED_IDENTITY_PERMISSION_LEVEL.key();
    static final String TENANT_ID = Setting.AUTH_TENANT_ID.key();
    static final String BACKUP_PREFIX = Setting.BACKUP_PREFIX;
    static final String API_SCOPE = "AppConfig:AuthConfig:SCEPmanAPIScope";
    static final String CERTMASTER_URL = "AppConfig:CertMaster:URL";
    static final String DIRECT_CSR = "AppConfig:DirectCSRValidation:Enabled";
    static final String SCEPMAN_URL = "AppConfig:SCEPman:URL";
    static final String CORE_TABLE_ENDPOINT = "AppConfig:CertificateStorage:TableStorageEndpoint";
    static final String CERTMASTER_TABLE_ENDPOINT = "AppConfig:AzureStorage:TableStorageEndpoint";
    static final String KEY_VAULT_URL = "AppConfig:KeyVaultConfig:KeyVaultURL";

    private AppSettingNames() {
    }
}
