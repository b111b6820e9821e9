package dev.scepter.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The section records: what each binds, the checks across its own settings, and that none shows a secret. */
class SettingSectionsTest {

    private static ScepterSettings bind(String... pairs) throws InvalidSettingException {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            values.put(pairs[i], pairs[i + 1]);
        }
        return ScepterSettings.bind(RawSettings.of(values));
    }

    @Test
    void problemsInEverySectionAreReportedAtOnceValuesFirstThenCombinationsEachInTheListsOrder() {
        // Given in an order unlike the list's, so that the message's order is the binder's own. The whole message
        // is the one binding gave before the sections (checked against it); the type list quotes the item again.
        assertThatThrownBy(() -> bind(
                "AppConfig:Https:KeyStore", "/x.p12",
                "AppConfig:CRL:AddCdp", "true",
                "AppConfig:OCSP:ResponseCacheSeconds", "-1",
                "AppConfig:DCValidation:Enabled", "true",
                "AppConfig:Directory:Type", "Azure",
                "AppConfig:StaticValidation:ReenrollmentAllowedCertificateTypes", "Laptop",
                "AppConfig:StaticValidation:AllowDynamicChallenges", "maybe",
                "AppConfig:ValidityPeriodDays", "0"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("Invalid settings:\n"
                        + "  AppConfig:ValidityPeriodDays (from test): '0' must be a whole number from 1 to 36500\n"
                        + "  AppConfig:StaticValidation:AllowDynamicChallenges (from test): 'maybe' must be true or false\n"
                        + "  AppConfig:StaticValidation:ReenrollmentAllowedCertificateTypes (from test): 'Laptop' 'Laptop' is not a certificate type "
                        + "(DomainController, Static, IntuneUser, IntuneDevice, JamfUser, JamfUserWithDevice, JamfUserWithComputer, "
                        + "JamfDevice, JamfComputer)\n"
                        + "  AppConfig:OCSP:ResponseCacheSeconds (from test): '-1' must be a whole number from 0 to 3600\n"
                        + "  AppConfig:Directory:Type (from test): 'Azure' must be one of Embedded, Ldap, Graph\n"
                        + "  AppConfig:DCValidation:RequestPassword: required when AppConfig:DCValidation:Enabled is true "
                        + "(unless AppConfig:DCValidation:AllowDynamicChallenges is, and only one-time challenges are used)\n"
                        + "  AppConfig:CRL:AddCdp: needs AppConfig:CRL:RequestToken, which the CRL's URL carries\n"
                        + "  AppConfig:Https:KeyStorePassword: required when AppConfig:Https:KeyStore is set");
    }

    @Test
    void aValueThatCannotBeUsedDoesNotHideTheChecksAfterIt() throws Exception {
        // AllowDynamicChallenges cannot be read, so it stands as its default (false) and the challenge is still required.
        assertThatThrownBy(() -> bind("AppConfig:StaticAADValidation:Enabled", "true",
                "AppConfig:StaticAADValidation:AllowDynamicChallenges", "yes"))
                .hasMessageContaining("AppConfig:StaticAADValidation:AllowDynamicChallenges (from test): 'yes' must be true or false")
                .hasMessageContaining("AppConfig:StaticAADValidation:RequestPassword: required when");
        assertThat(bind("AppConfig:StaticAADValidation:Enabled", "true", "AppConfig:StaticAADValidation:AllowDynamicChallenges", "true")
                .scep().staticAadValidation().allowDynamicChallenges()).isTrue();
    }

    @Test
    void theDirectorySectionNamesItsTypeAndCarriesTheLdapSettingsForTheAdapter() throws Exception {
        ScepterSettings settings = bind("AppConfig:Directory:Type", "LDAP", "AppConfig:Directory:CacheSeconds", "0",
                "AppConfig__LDAP__Urls", "ldap://dc.example", "AppConfig:LDAP:BindPassword", "ldap-secret", "AppConfig:LDAP:BaseDn", " ");
        DirectorySettings directory = settings.directory();
        assertThat(directory.type()).isEqualTo(DirectoryType.LDAP);
        assertThat(directory.cacheSeconds()).isZero();
        assertThat(directory.ldapSetting("appconfig:ldap:urls")).contains("ldap://dc.example");
        assertThat(directory.ldapSetting("AppConfig:LDAP:BaseDn")).as("blank is not given").isEmpty();
        assertThat(directory.ldapSetting("AppConfig:LDAP:NoSuchSetting")).isEmpty();
        assertThat(directory.toString()).contains("ldap://dc.example").doesNotContain("ldap-secret");
        assertThat(bind().directory().type()).isEqualTo(DirectoryType.EMBEDDED);
    }

    @Test
    void theDirectoryIsGraphByDefaultWhenAMicrosoftSignInIsConfiguredSoThatAScepmanConfigurationStartsAsItIs() throws Exception {
        assertThat(bind("AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", "1700000000").directory().type())
                .isEqualTo(DirectoryType.GRAPH);
        assertThat(bind("AppConfig:AuthConfig:ApplicationId", "9c3c4f4e-0d7f-4a39-b1c5-0d7e6b0c1a11",
                "AppConfig:AuthConfig:ApplicationKey", "key").directory().type()).isEqualTo(DirectoryType.GRAPH);
        assertThat(bind("AppConfig:AuthConfig:SignInApplicationId", "9c3c4f4e-0d7f-4a39-b1c5-0d7e6b0c1a11",
                "AppConfig:AuthConfig:TenantId", "72f988bf-86f1-41af-91ab-2d7cd011db47",
                "AppConfig:AuthConfig:SignInClientSecret", "secret").directory().type()).isEqualTo(DirectoryType.GRAPH);
        assertThat(bind("AppConfig:AuthConfig:ApplicationId", "9c3c4f4e-0d7f-4a39-b1c5-0d7e6b0c1a11").directory().type())
                .as("2.x: the application id alone names the API's app, not a way to sign in").isEqualTo(DirectoryType.EMBEDDED);
        assertThat(bind("AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", "1700000000", "AppConfig:Directory:Type", "Embedded")
                .directory().type()).as("a type given wins").isEqualTo(DirectoryType.EMBEDDED);
        assertThat(bind("AppConfig:Directory:Type", "graph").directory().type()).isEqualTo(DirectoryType.GRAPH);
        assertThat(bind("AppConfig:Directory:Type", "graph").directory().typeGiven()).isTrue();
        assertThat(bind("AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", "1700000000").directory().typeGiven())
                .as("Graph by default only: start-up checks the embedded directory").isFalse();
    }

    @Test
    void eachSectionBindsItsOwnSettings() throws Exception {
        ScepterSettings settings = bind("AppConfig:CRL:Source", "storage", "AppConfig:CRL:ValidityDays", "2",
                "AppConfig:OCSP:AuthorizedResponderValidityHours", "1.5", "AppConfig:OCSP:ConcurrentSigningLimit", "4",
                "AppConfig:Store:RevocationRefreshSeconds", "30", "AppConfig:DbCSRValidation:Enabled", "false",
                "AppConfig:DbCSRValidation:DefaultEkus", "ServerAuth", "AppConfig:Https:HostNames", "a.example b.example",
                "AppConfig:AuthConfig:TenantId", "0b5d7a9e-1c33-4f43-9b6e-1f6f3b7c8a11");
        assertThat(settings.crl().source()).isEqualTo(CrlSettings.Source.STORAGE);
        assertThat(settings.crl().validity()).isEqualTo(Duration.ofDays(2));
        assertThat(settings.ocsp().authorizedResponderValidity()).isEqualTo(Duration.ofMinutes(90));
        assertThat(settings.ocsp().concurrentSigningLimit()).isEqualTo(4);
        assertThat(settings.store().revocationRefreshSeconds()).isEqualTo(30);
        assertThat(settings.dbCsr().enabled()).isFalse();
        assertThat(settings.dbCsr().defaultEkus()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(settings.web().httpsHostNames()).containsExactly("a.example", "b.example");
        assertThat(settings.auth().tenantId()).hasValueSatisfying(id -> assertThat(id.toString()).startsWith("0b5d7a9e"));
        assertThat(settings.issuance().clockSkew()).isEqualTo(Duration.ofDays(1));
        assertThat(settings.scep().endpoints()).extracting(EndpointSettings::section).containsExactly("StaticValidation",
                "StaticAADValidation", "JamfValidation", "DCValidation", "IntuneValidation");
        assertThatThrownBy(() -> settings.scep().endpoint("RadiusValidation")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void noSectionShowsASecret() throws Exception {
        ScepterSettings settings = bind(
                "AppConfig:StaticValidation:RequestPassword", "secret-static",
                "AppConfig:CRL:RequestToken", "secret-crl",
                "AppConfig:Database:Password", "secret-db",
                "AppConfig:AuthConfig:ApplicationKey", "secret-app",
                "AppConfig:Https:KeyStore", "/x.p12", "AppConfig:Https:KeyStorePassword", "secret-https",
                "AppConfig:LDAP:BindPassword", "secret-ldap");
        assertThat(settings.toString()).doesNotContain("secret").contains("x.p12");
        for (Object section : new Object[] {settings.scep(), settings.scep().staticValidation(), settings.crl(), settings.store(),
                settings.auth(), settings.web(), settings.directory()}) {
            assertThat(section.toString()).as(section.getClass().getSimpleName()).doesNotContain("secret");
        }
        assertThat(settings.crl().requestToken()).contains("secret-crl");
        assertThat(settings.web().httpsKeyStore()).contains(Path.of("/x.p12"));
        assertThat(settings.web().httpsKeyStorePassword()).contains("secret-https");
        assertThat(settings.auth().applicationKey()).contains("secret-app");
    }

    @Test
    void certificateMastersOidcSignInNeedsItsClientAndOneSecretAndLocalAccountsGoOffOnlyBesideIt() throws Exception {
        CertMasterSignIn none = bind().web().certMasterSignIn();
        assertThat(none.oidcIssuer()).isEmpty();
        assertThat(none.localAccounts()).isTrue();
        CertMasterSignIn oidc = bind("AppConfig:CertMaster:Oidc:Issuer", "https://login.microsoftonline.com/t/v2.0",
                "AppConfig:CertMaster:Oidc:ClientId", "client", "AppConfig:CertMaster:Oidc:ClientSecret", "secret-oidc",
                "AppConfig:CertMaster:LocalAccounts:Enabled", "false").web().certMasterSignIn();
        assertThat(oidc.oidcIssuer()).hasValue(java.net.URI.create("https://login.microsoftonline.com/t/v2.0"));
        assertThat(oidc.oidcClientSecret()).hasValue("secret-oidc");
        assertThat(oidc.localAccounts()).isFalse();
        assertThat(oidc.toString()).doesNotContain("secret-oidc");
        assertThatThrownBy(() -> bind("AppConfig:CertMaster:Oidc:Issuer", "https://idp.example.com"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("AppConfig:CertMaster:Oidc:ClientId: required")
                .hasMessageContaining("exactly one is required");
        assertThatThrownBy(() -> bind("AppConfig:CertMaster:Oidc:Issuer", "http://idp.example.com", "AppConfig:CertMaster:Oidc:ClientId", "c",
                "AppConfig:CertMaster:Oidc:ClientSecretFile", "/s"))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("must be an https:// URL");
        assertThatThrownBy(() -> bind("AppConfig:CertMaster:LocalAccounts:Enabled", "false"))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("may be false only when AppConfig:CertMaster:Oidc:Issuer is set");
        assertThatThrownBy(() -> bind("AppConfig:CertMaster:Oidc:ClientSecret", "secret-oidc"))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("has no use without")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret-oidc"));
    }

    @Test
    void theTimeAndBudgetSettingsBindWithinTheirBoundsAndAValueOutsideStopsStartUpNamingTheSetting() throws Exception {
        String[] oidc = {"AppConfig:CertMaster:Oidc:Issuer", "https://idp.example.com", "AppConfig:CertMaster:Oidc:ClientId", "c",
            "AppConfig:CertMaster:Oidc:ClientSecret", "s"};
        ScepterSettings defaults = bind(oidc);
        assertThat(defaults.web().certMasterSignIn().oidcTimeoutSeconds()).isEqualTo(10);
        assertThat(defaults.web().connectionCheckSeconds()).isEqualTo(30);
        assertThat(defaults.intune().enrollmentBudget()).isEqualTo(Duration.ofSeconds(30));
        ScepterSettings set = bind(with(oidc, "AppConfig:CertMaster:Oidc:TimeoutSeconds", "30", "AppConfig:Probe:ConnectionCheckSeconds", "300",
                "AppConfig:IntuneValidation:EnrollmentBudgetSeconds", "1"));
        assertThat(set.web().certMasterSignIn().oidcTimeoutSeconds()).isEqualTo(30);
        assertThat(set.web().connectionCheckSeconds()).isEqualTo(300);
        assertThat(set.intune().enrollmentBudget()).isEqualTo(Duration.ofSeconds(1));
        Map<String, String[]> outside = Map.of(
                "AppConfig:CertMaster:Oidc:TimeoutSeconds", new String[] {"0", "31", "ten"},
                "AppConfig:Probe:ConnectionCheckSeconds", new String[] {"0", "301", "ten"},
                "AppConfig:IntuneValidation:EnrollmentBudgetSeconds", new String[] {"0", "301", "ten"});
        outside.forEach((key, values) -> {
            for (String value : values) {
                assertThatThrownBy(() -> bind(with(oidc, key, value))).as(key + "=" + value)
                        .isInstanceOf(InvalidSettingException.class)
                        .hasMessageContaining(key + " (from ")
                        .hasMessageContaining("'" + value + "' must be a whole number from 1 to");
            }
        });
        assertThatThrownBy(() -> bind("AppConfig:CertMaster:Oidc:TimeoutSeconds", "5"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("AppConfig:CertMaster:Oidc:TimeoutSeconds: has no use without AppConfig:CertMaster:Oidc:Issuer");
    }

    private static String[] with(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    @Test
    void certificateMasterBesideTheCoreIsOnUnlessTurnedOffAndABadValueIsNamed() throws Exception {
        assertThat(bind().web().certMasterEnabled()).isTrue();
        assertThat(bind("AppConfig:CertMaster:Enabled", "false").web().certMasterEnabled()).isFalse();
        assertThatThrownBy(() -> bind("AppConfig:CertMaster:Enabled", "off"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("AppConfig:CertMaster:Enabled")
                .hasMessageContaining("must be true or false");
    }
}
