package dev.scepter.directory.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class LdapDirectorySettingsTest {

    private static final String PASSWORD = "Pa55-word-not-for-logs";

    private final Map<String, String> values = new HashMap<>(Map.of(
            "AppConfig:LDAP:Urls", "ldaps://dc1.example.com, ldaps://dc2.example.com:3269",
            "AppConfig:LDAP:BindDn", "scepter@example.com",
            "AppConfig:LDAP:BindPassword", PASSWORD,
            "AppConfig:LDAP:BaseDn", "DC=example,DC=com"));

    private LdapDirectorySettings bind() {
        return LdapDirectorySettings.fromSettings(name -> Optional.ofNullable(values.get(name)));
    }

    @Test
    void activeDirectoryDefaults() {
        LdapDirectorySettings settings = bind();

        assertThat(settings.urls()).containsExactly("ldaps://dc1.example.com", "ldaps://dc2.example.com:3269");
        assertThat(settings.tls()).isTrue();
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.responseTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.poolSize()).isEqualTo(10);
        assertThat(settings.caFile()).isNull();
        assertThat(settings.guidAttribute()).isEqualTo("objectGUID");
        assertThat(settings.guidFormat()).isEqualTo(GuidFormat.DOTNET_BINARY);
        assertThat(settings.deviceFilter()).isEqualTo("(objectClass=computer)");
        assertThat(settings.userFilter()).isEqualTo("(objectClass=user)");
        assertThat(settings.upnAttribute()).isEqualTo("userPrincipalName");
        assertThat(settings.usesAccountControl()).isTrue();
        assertThat(settings).isEqualTo(LdapDirectorySettings.activeDirectory(
                List.of("ldaps://dc1.example.com", "ldaps://dc2.example.com:3269"), "scepter@example.com", PASSWORD,
                "DC=example,DC=com"));
    }

    @Test
    void openLdapStyle() {
        values.put("AppConfig:LDAP:Urls", "ldap://ldap.example.com");
        values.put("AppConfig:LDAP:ConnectTimeoutSeconds", "1.5");
        values.put("AppConfig:LDAP:ResponseTimeoutSeconds", "3");
        values.put("AppConfig:LDAP:PoolSize", "4");
        values.put("AppConfig:LDAP:GuidAttribute", "entryUUID");
        values.put("AppConfig:LDAP:GuidFormat", "Rfc4122String");
        values.put("AppConfig:LDAP:DeviceFilter", "(objectClass=device)");
        values.put("AppConfig:LDAP:UserFilter", "(objectClass=inetOrgPerson)");
        values.put("AppConfig:LDAP:UpnAttribute", "mail");
        values.put("AppConfig:LDAP:DisabledFilter", "(|(pwdAccountLockedTime=*)(nsAccountLock=TRUE))");

        LdapDirectorySettings settings = bind();

        assertThat(settings.tls()).isFalse();
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(settings.responseTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.poolSize()).isEqualTo(4);
        assertThat(settings.guidFormat()).isEqualTo(GuidFormat.RFC4122_STRING);
        assertThat(settings.upnAttribute()).isEqualTo("mail");
        assertThat(settings.usesAccountControl()).isFalse();
        assertThat(settings.disabledFilter()).isEqualTo("(|(pwdAccountLockedTime=*)(nsAccountLock=TRUE))");
    }

    @Test
    void theGuidFormatIsReadLeniently() {
        values.put("AppConfig:LDAP:GuidFormat", "dotnet_binary");
        assertThat(bind().guidFormat()).isEqualTo(GuidFormat.DOTNET_BINARY);
        values.put("AppConfig:LDAP:GuidFormat", "rfc4122-binary");
        assertThat(bind().guidFormat()).isEqualTo(GuidFormat.RFC4122_BINARY);
    }

    @Test
    void anonymousWhenNoBindDn() {
        values.remove("AppConfig:LDAP:BindDn");
        values.remove("AppConfig:LDAP:BindPassword");

        LdapDirectorySettings settings = bind();

        assertThat(settings.bindDn()).isNull();
        assertThat(settings.bindPassword()).isNull();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "AppConfig:LDAP:Urls            | http://dc1.example.com               | ldap:// or ldaps://",
            "AppConfig:LDAP:Urls            | ldap://dc1/dc=example,dc=com        | scheme, host and port only",
            "AppConfig:LDAP:Urls            | ldap://dc1, ldaps://dc2             | cleartext",
            "AppConfig:LDAP:BaseDn          | not a dn                            | not a DN",
            "AppConfig:LDAP:BindPassword    | ''                                  | required with bindDn",
            "AppConfig:LDAP:ConnectTimeoutSeconds  | 0                            | positive",
            "AppConfig:LDAP:ResponseTimeoutSeconds | soon                         | seconds",
            "AppConfig:LDAP:PoolSize        | 0                                   | at least 1",
            "AppConfig:LDAP:PoolSize        | many                                | whole number",
            "AppConfig:LDAP:GuidAttribute   | object GUID                         | not an attribute name",
            "AppConfig:LDAP:GuidFormat      | Base64                              | DotNetBinary",
            "AppConfig:LDAP:DeviceFilter    | (objectClass=computer               | not an LDAP filter",
            "AppConfig:LDAP:UserFilter      | (&(objectClass=user)                | not an LDAP filter",
            "AppConfig:LDAP:UpnAttribute    | upn;binary                          | not an attribute name",
            "AppConfig:LDAP:DisabledFilter  | nsAccountLock=TRUE)                 | not an LDAP filter",
    })
    void aWrongSettingIsNamed(String name, String value, String complaint) {
        values.put(name, value);

        assertThatThrownBy(this::bind)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(name + ":")
                .hasMessageContaining(complaint)
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void requiredSettingsAreNamed() {
        values.remove("AppConfig:LDAP:Urls");
        assertThatThrownBy(this::bind).hasMessage("AppConfig:LDAP:Urls: required");
        values.put("AppConfig:LDAP:Urls", "ldap://dc1");
        values.remove("AppConfig:LDAP:BaseDn");
        assertThatThrownBy(this::bind).hasMessage("AppConfig:LDAP:BaseDn: required");
    }

    @Test
    void aPasswordWithoutBindDnIsAMistake() {
        values.remove("AppConfig:LDAP:BindDn");

        assertThatThrownBy(this::bind).hasMessageStartingWith("AppConfig:LDAP:BindDn:").hasMessageNotContaining(PASSWORD);
    }

    @Test
    void aCaFileIsForLdapsOnly() {
        values.put("AppConfig:LDAP:Urls", "ldap://dc1.example.com");
        values.put("AppConfig:LDAP:CaFile", "/etc/ssl/ad-ca.pem");

        assertThatThrownBy(this::bind).hasMessageStartingWith("AppConfig:LDAP:CaFile:");

        values.put("AppConfig:LDAP:Urls", "ldaps://dc1.example.com");
        assertThat(bind().caFile()).isEqualTo(Path.of("/etc/ssl/ad-ca.pem"));
    }

    @Test
    void thePasswordIsNeverShown() {
        LdapDirectorySettings settings = bind();

        assertThat(settings.toString()).doesNotContain(PASSWORD).contains("bindPassword=***")
                .contains("scepter@example.com").contains("ldaps://dc1.example.com");
    }

    @Test
    void everySettingHasAName() {
        assertThat(LdapDirectorySettings.SETTING_NAMES.keySet()).containsExactly(
                java.util.Arrays.stream(LdapDirectorySettings.class.getRecordComponents())
                        .map(java.lang.reflect.RecordComponent::getName).toArray(String[]::new));
        assertThat(LdapDirectorySettings.SETTING_NAMES.values()).allMatch(name -> name.startsWith("AppConfig:LDAP:"));
    }
}
