package dev.scepter.settings;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every setting Scepter honours, with its default: the one list that binding, the homepage's list
 * of ignored settings and {@code docs/configuration.md} agree on (a test holds the docs to it).
 * Their order is the order in which problems with their values are reported.
 */
public enum Setting {
    BASE_URL("AppConfig:BaseUrl", null, false),
    VALIDITY_PERIOD_DAYS("AppConfig:ValidityPeriodDays", "730", false),
    VALIDITY_CLOCK_SKEW_MINUTES("AppConfig:ValidityClockSkewMinutes", "1440", false),
    USE_REQUESTED_KEY_USAGES("AppConfig:UseRequestedKeyUsages", "true", false),
    SCEP_RESPONSE_ENCRYPTION_ALGORITHM("AppConfig:SCEPResponseEncryptionAlgorithm", "2.16.840.1.101.3.4.1.42", false),
    CONCURRENT_SCEP_REQUEST_LIMIT("AppConfig:ConcurrentSCEPRequestLimit", "50", false),
    ADD_MICROSOFT_AAD_EXTENSIONS("AppConfig:AddMicrosoftAADExtensions", "true", false),
    ADD_SID_EXTENSION("AppConfig:AddSidExtension", "false", false),
    AUTH_TENANT_ID("AppConfig:AuthConfig:TenantId", null, false),

    STATIC_ENABLED("AppConfig:StaticValidation:Enabled", "true", false),
    STATIC_REQUEST_PASSWORD("AppConfig:StaticValidation:RequestPassword", null, true),
    STATIC_VALIDITY_PERIOD_DAYS("AppConfig:StaticValidation:ValidityPeriodDays", null, false),
    STATIC_DEFAULT_EKUS("AppConfig:StaticValidation:DefaultEkus", "1.3.6.1.5.5.7.3.2", false),
    STATIC_DEFAULT_KEY_USAGE("AppConfig:StaticValidation:DefaultKeyUsage", "DigitalSignature|KeyEncipherment", false),
    STATIC_ALLOW_DYNAMIC_CHALLENGES("AppConfig:StaticValidation:AllowDynamicChallenges", "false", false),
    STATIC_ALLOW_RENEWALS("AppConfig:StaticValidation:AllowRenewals", "false", false),
    STATIC_ALLOW_REQUESTED_SID_EXTENSION("AppConfig:StaticValidation:AllowRequestedSidExtension", "false", false),
    STATIC_REENROLLMENT_ALLOWED_CERTIFICATE_TYPES("AppConfig:StaticValidation:ReenrollmentAllowedCertificateTypes", "Static", false),

    STATIC_AAD_ENABLED("AppConfig:StaticAADValidation:Enabled", "false", false),
    STATIC_AAD_REQUEST_PASSWORD("AppConfig:StaticAADValidation:RequestPassword", null, true),
    STATIC_AAD_VALIDITY_PERIOD_DAYS("AppConfig:StaticAADValidation:ValidityPeriodDays", null, false),
    STATIC_AAD_DEFAULT_EKUS("AppConfig:StaticAADValidation:DefaultEkus", "1.3.6.1.5.5.7.3.2", false),
    STATIC_AAD_DEFAULT_KEY_USAGE("AppConfig:StaticAADValidation:DefaultKeyUsage", "DigitalSignature|KeyEncipherment", false),
    STATIC_AAD_ALLOW_DYNAMIC_CHALLENGES("AppConfig:StaticAADValidation:AllowDynamicChallenges", "false", false),
    STATIC_AAD_ALLOW_REQUESTED_SID_EXTENSION("AppConfig:StaticAADValidation:AllowRequestedSidExtension", "false", false),

    JAMF_ENABLED("AppConfig:JamfValidation:Enabled", "false", false),
    JAMF_REQUEST_PASSWORD("AppConfig:JamfValidation:RequestPassword", null, true),
    JAMF_VALIDITY_PERIOD_DAYS("AppConfig:JamfValidation:ValidityPeriodDays", null, false),
    JAMF_DEFAULT_EKUS("AppConfig:JamfValidation:DefaultEkus", "1.3.6.1.5.5.7.3.2", false),
    JAMF_DEFAULT_KEY_USAGE("AppConfig:JamfValidation:DefaultKeyUsage", "DigitalSignature|KeyEncipherment", false),
    JAMF_ALLOW_DYNAMIC_CHALLENGES("AppConfig:JamfValidation:AllowDynamicChallenges", "false", false),
    JAMF_ALLOW_REQUESTED_SID_EXTENSION("AppConfig:JamfValidation:AllowRequestedSidExtension", "false", false),

    DC_ENABLED("AppConfig:DCValidation:Enabled", "false", false),
    DC_REQUEST_PASSWORD("AppConfig:DCValidation:RequestPassword", null, true),
    DC_VALIDITY_PERIOD_DAYS("AppConfig:DCValidation:ValidityPeriodDays", null, false),
    DC_ALLOW_DYNAMIC_CHALLENGES("AppConfig:DCValidation:AllowDynamicChallenges", "false", false),
    DC_ALLOW_REQUESTED_SID_EXTENSION("AppConfig:DCValidation:AllowRequestedSidExtension", "false", false),

    INTUNE_ALLOW_REQUESTED_SID_EXTENSION("AppConfig:IntuneValidation:AllowRequestedSidExtension", "false", false),
    INTUNE_VALIDITY_PERIOD_DAYS("AppConfig:IntuneValidation:ValidityPeriodDays", null, false),
    INTUNE_ALLOW_RENEWALS("AppConfig:IntuneValidation:AllowRenewals", "false", false),
    INTUNE_REENROLLMENT_ALLOWED_CERTIFICATE_TYPES("AppConfig:IntuneValidation:ReenrollmentAllowedCertificateTypes", "IntuneDevice,IntuneUser", false),
    INTUNE_DEVICE_DIRECTORY("AppConfig:IntuneValidation:DeviceDirectory", "AADAndIntuneOpportunistic", false),
    INTUNE_COMPLIANCE_CHECK("AppConfig:IntuneValidation:ComplianceCheck", "Never", false),
    INTUNE_COMPLIANCE_GRACE_PERIOD_MINUTES("AppConfig:IntuneValidation:ComplianceGracePeriodMinutes", "0", false),
    INTUNE_REVOKE_CERTIFICATES_ON_WIPE("AppConfig:IntuneValidation:RevokeCertificatesOnWipe", "true", false),
    INTUNE_WAIT_FOR_SUCCESS_NOTIFICATION_RESPONSE("AppConfig:IntuneValidation:WaitForSuccessNotificationResponse", "true", false),
    INTUNE_REVOCATION_POLL_SECONDS("AppConfig:IntuneValidation:RevocationPollSeconds", "300", false),
    // Ours: how long one enrollment on the Intune endpoint waits for Intune's answers in all.
    INTUNE_ENROLLMENT_BUDGET_SECONDS("AppConfig:IntuneValidation:EnrollmentBudgetSeconds", "30", false),

    JAMF_URL("AppConfig:JamfValidation:URL", null, false),
    JAMF_CLIENT_ID("AppConfig:JamfValidation:ClientID", null, false),
    JAMF_CLIENT_SECRET("AppConfig:JamfValidation:ClientSecret", null, true),
    JAMF_API_USERNAME("AppConfig:JamfValidation:APIUsername", null, false),
    JAMF_API_PASSWORD("AppConfig:JamfValidation:APIPassword", null, true),

    AZURE_AD_ENDPOINT("AppConfig:AzureCloudConfig:AzureADEndpoint", "https://login.microsoftonline.com", false),
    MS_GRAPH_ENDPOINT("AppConfig:AzureCloudConfig:MSGraphEndpoint", "https://graph.microsoft.com", false),
    MANAGEMENT_ENDPOINT("AppConfig:AzureCloudConfig:ManagementEndpoint", "https://api.manage.microsoft.com", false),
    INTUNE_APP_ID("AppConfig:AzureCloudConfig:IntuneAppId", "0000000a-0000-0000-c000-000000000000", false),
    /** Key Vault's token audience; bound by the keys module (KeyVaultSettings), used when KeyVaultURL is set. */
    KEY_VAULT_ENDPOINT("AppConfig:AzureCloudConfig:KeyVaultEndpoint", "https://vault.azure.net", false),

    DB_CSR_ENABLED("AppConfig:DbCSRValidation:Enabled", "true", false),
    DB_CSR_VALIDITY_PERIOD_DAYS("AppConfig:DbCSRValidation:ValidityPeriodDays", null, false),
    DB_CSR_DEFAULT_EKUS("AppConfig:DbCSRValidation:DefaultEkus", "1.3.6.1.5.5.7.3.2", false),
    DB_CSR_ALLOW_REQUESTED_SID_EXTENSION("AppConfig:DbCSRValidation:AllowRequestedSidExtension", "false", false),
    // Ours: EST's HTTP Basic takes a one-time challenge (POST /api/challenges) as its password.
    DB_CSR_ALLOW_DYNAMIC_CHALLENGES("AppConfig:DbCSRValidation:AllowDynamicChallenges", "false", false),
    DB_CSR_ALLOW_RENEWALS("AppConfig:DbCSRValidation:AllowRenewals", "false", false),
    DB_CSR_REENROLLMENT_ALLOWED_CERTIFICATE_TYPES("AppConfig:DbCSRValidation:ReenrollmentAllowedCertificateTypes", "Static", false),

    // Ours: ACME (RFC 8555) under /acme/default/; which names the default profile may certify.
    ACME_ENABLED("AppConfig:Acme:Enabled", "false", false),
    ACME_DNS_SUFFIXES("AppConfig:Acme:DnsSuffixes", null, false),
    ACME_IP_RANGES("AppConfig:Acme:IpRanges", null, false),
    ACME_VALIDITY_PERIOD_DAYS("AppConfig:Acme:ValidityPeriodDays", "90", false),
    ACME_HTTP01_PORT("AppConfig:Acme:Http01Port", "80", false),
    ACME_TLS_ALPN01_PORT("AppConfig:Acme:TlsAlpn01Port", "443", false),
    ACME_DNS01_LOOKUP_COMMAND("AppConfig:Acme:Dns01LookupCommand", null, false),
    ACME_ALLOW_WILDCARDS("AppConfig:Acme:AllowWildcards", "false", false),
    ACME_EXTERNAL_ACCOUNT_REQUIRED("AppConfig:Acme:ExternalAccountRequired", "false", false),
    ACME_EXTERNAL_ACCOUNT_KEYS_FILE("AppConfig:Acme:ExternalAccountKeysFile", null, false),
    // The profiles served beside default; each one's own settings are AppConfig:Acme:Profiles:NAME:X (AcmeSettings binds them).
    ACME_PROFILES("AppConfig:Acme:Profiles", null, false),

    OCSP_USE_AUTHORIZED_RESPONDER("AppConfig:OCSP:UseAuthorizedResponder", "true", false),
    OCSP_AUTHORIZED_RESPONDER_VALIDITY_HOURS("AppConfig:OCSP:AuthorizedResponderValidityHours", "24", false),
    OCSP_CACHE_SECONDS_IF_DEVICE_EXISTS("AppConfig:OCSP:CacheTimeOutSecondsIfDeviceExists", "600", false),
    OCSP_CACHE_SECONDS_IF_DEVICE_DISABLED("AppConfig:OCSP:CacheTimeOutSecondsIfDeviceIsDisabled", "300", false),
    OCSP_RESPONSE_CACHE_SECONDS("AppConfig:OCSP:ResponseCacheSeconds", "5", false),
    OCSP_CONCURRENT_SIGNING_LIMIT("AppConfig:OCSP:ConcurrentSigningLimit", "32", false),

    // Ours: sign and unwrap with software keys through the native Amazon Corretto Crypto Provider when it loads.
    CRYPTO_NATIVE_PROVIDER("AppConfig:Crypto:NativeProvider", "true", false),

    CRL_REQUEST_TOKEN("AppConfig:CRL:RequestToken", null, true),
    CRL_SOURCE("AppConfig:CRL:Source", "None", false),
    CRL_VALIDITY_DAYS("AppConfig:CRL:ValidityDays", "0.1", false),
    CRL_ADD_CDP("AppConfig:CRL:AddCdp", "false", false),

    DIRECTORY_TYPE("AppConfig:Directory:Type", "Embedded", false),
    DIRECTORY_CACHE_SECONDS("AppConfig:Directory:CacheSeconds", "5", false),
    STORE_REVOCATION_REFRESH_SECONDS("AppConfig:Store:RevocationRefreshSeconds", "5", false),

    // Bound by the LDAP adapter itself (LdapDirectorySettings), which names each in its errors;
    // listed here so that they are known, documented and never reported as ignored.
    LDAP_URLS("AppConfig:LDAP:Urls", null, false),
    LDAP_BIND_DN("AppConfig:LDAP:BindDn", null, false),
    LDAP_BIND_PASSWORD("AppConfig:LDAP:BindPassword", null, true),
    LDAP_BASE_DN("AppConfig:LDAP:BaseDn", null, false),
    LDAP_CONNECT_TIMEOUT_SECONDS("AppConfig:LDAP:ConnectTimeoutSeconds", null, false),
    LDAP_RESPONSE_TIMEOUT_SECONDS("AppConfig:LDAP:ResponseTimeoutSeconds", null, false),
    LDAP_POOL_SIZE("AppConfig:LDAP:PoolSize", null, false),
    LDAP_CA_FILE("AppConfig:LDAP:CaFile", null, false),
    LDAP_GUID_ATTRIBUTE("AppConfig:LDAP:GuidAttribute", null, false),
    LDAP_GUID_FORMAT("AppConfig:LDAP:GuidFormat", null, false),
    LDAP_DEVICE_FILTER("AppConfig:LDAP:DeviceFilter", null, false),
    LDAP_USER_FILTER("AppConfig:LDAP:UserFilter", null, false),
    LDAP_UPN_ATTRIBUTE("AppConfig:LDAP:UpnAttribute", null, false),
    LDAP_DISABLED_FILTER("AppConfig:LDAP:DisabledFilter", null, false),

    ROOT_SUBJECT("AppConfig:KeyVaultConfig:RootCertificateConfig:Subject", "CN=Scepter-Root-CA-V1,O=Scepter", false),
    ROOT_KEY_TYPE("AppConfig:KeyVaultConfig:RootCertificateConfig:KeyType", "RSA", false),
    /** No default of its own: 4096 bits for RSA, P-256 for EC (see {@link RootCaSettings#keySize()}). */
    ROOT_KEY_SIZE("AppConfig:KeyVaultConfig:RootCertificateConfig:KeySize", null, false),
    ROOT_DAYS_EXPIRES_IN("AppConfig:KeyVaultConfig:RootCertificateConfig:DaysExpiresIn", "3650", false),
    ROOT_ADD_EXTENDED_KEY_USAGE("AppConfig:KeyVaultConfig:RootCertificateConfig:AddExtendedKeyUsage", "true", false),

    // Bound by the keys module itself (KeyVaultSettings), which names each in its errors; the URL
    // chooses Key Vault for the CA key, as in SCEPman.
    KEY_VAULT_URL("AppConfig:KeyVaultConfig:KeyVaultURL", null, false),
    ROOT_CERTIFICATE_NAME("AppConfig:KeyVaultConfig:RootCertificateConfig:CertificateName", "Scepter-Root-CA-V1", false),

    // Bound by the keys module itself (Pkcs11Settings), which names each in its errors; listed here
    // so that they are known, documented and never reported as ignored. Library chooses the token.
    PKCS11_LIBRARY("AppConfig:KeyVaultConfig:Pkcs11:Library", null, false),
    PKCS11_SLOT("AppConfig:KeyVaultConfig:Pkcs11:Slot", null, false),
    PKCS11_KEY_LABEL("AppConfig:KeyVaultConfig:Pkcs11:KeyLabel", "scepter-ca", false),
    PKCS11_PIN_FILE("AppConfig:KeyVaultConfig:Pkcs11:PinFile", null, false),
    PKCS11_PIN("AppConfig:KeyVaultConfig:Pkcs11:Pin", null, true),

    DATABASE_URL("AppConfig:Database:Url", null, false),
    DATABASE_USER("AppConfig:Database:User", null, false),
    DATABASE_PASSWORD("AppConfig:Database:Password", null, true),
    TABLE_STORAGE_ENDPOINT("AppConfig:CertificateStorage:TableStorageEndpoint", null, false),
    TABLE_STORAGE_CONNECTION_STRING("AppConfig:CertificateStorage:ConnectionString", null, true),

    AUTH_APPLICATION_ID("AppConfig:AuthConfig:ApplicationId", null, false),
    AUTH_APPLICATION_KEY("AppConfig:AuthConfig:ApplicationKey", null, true),
    AUTH_MANAGED_IDENTITY_ENABLED_ON_UNIX_TIME("AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", null, false),
    AUTH_MANAGED_IDENTITY_PERMISSION_LEVEL("AppConfig:AuthConfig:ManagedIdentityPermissionLevel", null, false),
    AUTH_MANAGED_IDENTITY_ENABLED_FOR_WEBSITE_HOSTNAME("AppConfig:AuthConfig:ManagedIdentityEnabledForWebsiteHostname", null, false),
    AUTH_SIGN_IN_APPLICATION_ID("AppConfig:AuthConfig:SignInApplicationId", null, false),
    AUTH_SIGN_IN_CERTIFICATE_FILE("AppConfig:AuthConfig:SignInCertificateFile", null, false),
    AUTH_SIGN_IN_CERTIFICATE_PASSWORD("AppConfig:AuthConfig:SignInCertificatePassword", null, true),
    AUTH_SIGN_IN_CLIENT_SECRET("AppConfig:AuthConfig:SignInClientSecret", null, true),

    HTTPS_PORT("AppConfig:Https:Port", null, false),
    HTTPS_KEY_STORE("AppConfig:Https:KeyStore", null, false),
    HTTPS_KEY_STORE_PASSWORD("AppConfig:Https:KeyStorePassword", null, true),
    HTTPS_HOST_NAMES("AppConfig:Https:HostNames", null, false),
    // Ours, after App Service's "client certificate mode": Ignore, or Optional (asked for, checked against our CA when sent).
    HTTPS_CLIENT_CERTIFICATE_MODE("AppConfig:Https:ClientCertificateMode", "Ignore", false),
    TRUST_FORWARDED_HEADERS("AppConfig:TrustForwardedHeaders", "false", false),
    // Ours: how long the homepage's and /probe's connection rows stand before a request starts the next check.
    PROBE_CONNECTION_CHECK_SECONDS("AppConfig:Probe:ConnectionCheckSeconds", "30", false),
    // Ours: SCEPman runs Certificate Master as an App Service of its own. Beside the core, the portal is on the core's public port.
    CERT_MASTER_ENABLED("AppConfig:CertMaster:Enabled", "true", false),
    CERT_MASTER_OIDC_ISSUER("AppConfig:CertMaster:Oidc:Issuer", null, false),
    CERT_MASTER_OIDC_CLIENT_ID("AppConfig:CertMaster:Oidc:ClientId", null, false),
    CERT_MASTER_OIDC_CLIENT_SECRET("AppConfig:CertMaster:Oidc:ClientSecret", null, true),
    CERT_MASTER_OIDC_CLIENT_SECRET_FILE("AppConfig:CertMaster:Oidc:ClientSecretFile", null, false),
    CERT_MASTER_OIDC_TIMEOUT_SECONDS("AppConfig:CertMaster:Oidc:TimeoutSeconds", "10", false),
    CERT_MASTER_LOCAL_ACCOUNTS_ENABLED("AppConfig:CertMaster:LocalAccounts:Enabled", "true", false);

    /** SCEPman's backups of replaced settings: {@code Backup:} and the name (its module writes {@code BackUp:}; names compare case-insensitively). */
    public static final String BACKUP_PREFIX = "Backup:";

    private static final Map<String, Setting> BY_CANONICAL_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(s -> RawSettings.canonical(s.key), Function.identity()));

    private final String key;
    private final String defaultValue;
    private final boolean secret;

    Setting(String key, String defaultValue, boolean secret) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.secret = secret;
    }

    /** The setting's name as SCEPman (or, for our own, our docs) spell it. */
    /** Where complete-installation keeps this setting's replaced value. */
    public String backupKey() {
        return BACKUP_PREFIX + key;
    }

    public String key() {
        return key;
    }

    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** A secret's value is never shown or logged. */
    public boolean isSecret() {
        return secret;
    }

    public static Optional<Setting> byName(String name) {
        return Optional.ofNullable(BY_CANONICAL_NAME.get(RawSettings.canonical(name)));
    }
}
