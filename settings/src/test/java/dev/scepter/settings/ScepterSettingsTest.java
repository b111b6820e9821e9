package dev.scepter.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScepterSettingsTest {

    @TempDir
    Path dataDir;

    @Test
    void defaultsAreScepmansForNewInstallations() throws Exception {
        ScepterSettings settings = ScepterSettings.bind(RawSettings.of(Map.of()));
        assertThat(settings.issuance().validityPeriodDays()).isEqualTo(730);
        assertThat(settings.issuance().validityClockSkewMinutes()).isEqualTo(1440);
        assertThat(settings.scep().responseEncryptionAlgorithm()).isEqualTo("2.16.840.1.101.3.4.1.42");
        assertThat(settings.scep().concurrentRequestLimit()).isEqualTo(50);
        assertThat(settings.scep().staticValidation().enabled()).isTrue();
        assertThat(settings.scep().staticValidation().defaultEkus().orElseThrow()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(settings.scep().staticValidation().defaultKeyUsage().orElseThrow()).isEqualTo((1 << 7) | (1 << 5));
        assertThat(settings.rootCa().keySize()).isEqualTo(4096);
        assertThat(settings.rootCa().daysExpiresIn()).isEqualTo(3650);
        assertThat(settings.web().baseUrl()).isEmpty();
        assertThat(settings.store().databaseUrl()).isEmpty();
        assertThat(settings.ignored()).isEmpty();
    }

    @Test
    void namesAreReadCaseInsensitivelyAndInTheLinuxAppServiceForm() throws Exception {
        ScepterSettings settings = ScepterSettings.bind(RawSettings.of(Map.of(
                "appconfig:VALIDITYPERIODDAYS", "200",
                "AppConfig__StaticValidation__DefaultKeyUsage", "DigitalSignature",
                "AppConfig__KeyVaultConfig__RootCertificateConfig__KeySize", "2048")));
        assertThat(settings.issuance().validityPeriodDays()).isEqualTo(200);
        assertThat(settings.scep().staticValidation().defaultKeyUsage().orElseThrow()).isEqualTo(1 << 7);
        assertThat(settings.rootCa().keySize()).isEqualTo(2048);
    }

    @Test
    void everyUnusableValueIsNamedInOneMessageAndSecretsAreNotEchoed() {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("AppConfig:ValidityPeriodDays", "two years");
        given.put("AppConfig:SCEPResponseEncryptionAlgorithm", "1.2.3");
        given.put("AppConfig:KeyVaultConfig:RootCertificateConfig:KeySize", "1024");
        given.put("AppConfig:StaticValidation:RequestPassword", "bad\u0001secret");
        assertThatThrownBy(() -> ScepterSettings.bind(RawSettings.of(given)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("AppConfig:ValidityPeriodDays (from test): 'two years' must be a whole number")
                .hasMessageContaining("AppConfig:SCEPResponseEncryptionAlgorithm")
                .hasMessageContaining("AppConfig:KeyVaultConfig:RootCertificateConfig:KeySize")
                .hasMessageContaining("AppConfig:StaticValidation:RequestPassword")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
    }

    @Test
    void unusedScepmanSettingsAndUnknownNamesAreIgnoredAndListedButOtherNamesAreNot() throws Exception {
        ScepterSettings settings = ScepterSettings.bind(RawSettings.of(Map.of(
                "AppConfig:LicenseKey", "trial",
                "AppConfig:ValidityPeriodDayz", "5",
                "Backup:AppConfig:AuthConfig:ApplicationId", "x")));
        assertThat(settings.ignored()).extracting(IgnoredSetting::name, IgnoredSetting::known)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("AppConfig:LicenseKey", true),
                        org.assertj.core.groups.Tuple.tuple("AppConfig:ValidityPeriodDayz", false));
    }

    @Test
    void theEnvironmentBeatsTheSettingsFileWhichBeatsAppsettingsJson() throws Exception {
        AppSettingsFile.write(dataDir.resolve("appsettings.json"), Map.of(
                "AppConfig:ValidityPeriodDays", "100", "AppConfig:ValidityClockSkewMinutes", "10", "AppConfig:ConcurrentSCEPRequestLimit", "7"));
        Path extra = dataDir.resolve("extra.json");
        AppSettingsFile.write(extra, Map.of("AppConfig:ValidityPeriodDays", "200", "AppConfig:ValidityClockSkewMinutes", "20"));
        Map<String, String> environment = Map.of("AppConfig__ValidityPeriodDays", "300", "PATH", "/usr/bin");

        ScepterSettings settings = ScepterSettings.bind(SettingsSources.load(environment, Optional.of(extra), dataDir));

        assertThat(settings.issuance().validityPeriodDays()).isEqualTo(300);
        assertThat(settings.issuance().validityClockSkewMinutes()).isEqualTo(20);
        assertThat(settings.scep().concurrentRequestLimit()).isEqualTo(7);
        assertThat(settings.ignored()).isEmpty();
    }

    @Test
    void aBrokenSettingsFileIsNamed() throws Exception {
        Files.writeString(dataDir.resolve("appsettings.json"), "{\"AppConfig:BaseUrl\": ");
        assertThatThrownBy(() -> SettingsSources.load(Map.of(), Optional.empty(), dataDir))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("appsettings.json");
        Files.writeString(dataDir.resolve("appsettings.json"), "{\"AppConfig\": {\"BaseUrl\": \"x\"}}");
        assertThatThrownBy(() -> SettingsSources.load(Map.of(), Optional.empty(), dataDir))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("AppConfig:Section:Name");
    }

    @Test
    void appsettingsJsonRoundTripsInOrder() throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("AppConfig:BaseUrl", "https://scepter.example");
        values.put("Backup:AppConfig:AuthConfig:ApplicationKey", "quote \" and \\ backslash");
        Path file = dataDir.resolve("appsettings.json");
        AppSettingsFile.write(file, values);
        assertThat(AppSettingsFile.read(file)).containsExactlyEntriesOf(values);
    }

    @Test
    void everySettingIsDocumentedWithItsDefault() throws Exception {
        // Markdown tables escape the pipe that joins key usage flags.
        String docs = Files.readString(Path.of("..", "docs", "configuration.md")).replace("\\|", "|");
        for (Setting setting : Setting.values()) {
            assertThat(docs).as("docs/configuration.md documents " + setting.key()).contains("`" + setting.key() + "`");
            setting.defaultValue().ifPresent(value ->
                    assertThat(docs).as("docs/configuration.md gives the default of " + setting.key()).contains("`" + value + "`"));
        }
    }

    @Test
    void httpsKeyStoreNeedsItsPassword() {
        assertThatThrownBy(() -> ScepterSettings.bind(RawSettings.of(Map.of("AppConfig:Https:KeyStore", "/x.p12"))))
                .hasMessageContaining("AppConfig:Https:KeyStorePassword: required");
    }

    @Test
    void toStringHidesSecrets() throws Exception {
        ScepterSettings settings = ScepterSettings.bind(RawSettings.of(Map.of("AppConfig:Database:Password", "hunter2",
                "AppConfig:Database:Url", "jdbc:postgresql://db/x")));
        assertThat(settings.toString()).doesNotContain("hunter2").contains("jdbc:postgresql://db/x");
        assertThat(List.of(settings.store().databasePassword().orElseThrow())).containsExactly("hunter2");
    }

    @Test
    void aJamfChallengeLongerThanJamfAcceptsStopsStartUpNamingTheSettingButNotTheSecret() throws Exception {
        String tooLong = "x".repeat(33);
        assertThatThrownBy(() -> ScepterSettings.bind(RawSettings.of(Map.of("AppConfig:JamfValidation:Enabled", "true",
                "AppConfig:JamfValidation:RequestPassword", tooLong))))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("AppConfig:JamfValidation:RequestPassword")
                .hasMessageContaining("at most 32 characters")
                .hasMessageNotContaining(tooLong);
        assertThat(ScepterSettings.bind(RawSettings.of(Map.of("AppConfig:JamfValidation:Enabled", "true",
                "AppConfig:JamfValidation:RequestPassword", "y".repeat(32)))).scep().endpoint("JamfValidation").requestPassword())
                .contains("y".repeat(32));
    }

    @Test
    void jamfAndDomainControllerEndpointsAreOffByDefaultAndNeedAChallengeWhenOn() throws Exception {
        ScepterSettings defaults = ScepterSettings.bind(RawSettings.of(Map.of()));
        assertThat(defaults.scep().endpoint("JamfValidation").enabled()).isFalse();
        assertThat(defaults.scep().endpoint("DCValidation").enabled()).isFalse();
        assertThatThrownBy(() -> ScepterSettings.bind(RawSettings.of(Map.of("AppConfig:DCValidation:Enabled", "true"))))
                .hasMessageContaining("AppConfig:DCValidation:RequestPassword: required when AppConfig:DCValidation:Enabled is true");
        assertThatThrownBy(() -> ScepterSettings.bind(RawSettings.of(Map.of("AppConfig:JamfValidation:Enabled", "true"))))
                .hasMessageContaining("AppConfig:JamfValidation:RequestPassword: required");
    }

    @Test
    void anEndpointsSettingsAreReadUnderItsSectionAndThoseItLacksAreEmpty() throws Exception {
        ScepterSettings settings = ScepterSettings.bind(RawSettings.of(Map.of(
                "AppConfig:JamfValidation:Enabled", "true",
                "AppConfig:JamfValidation:RequestPassword", "jamf-secret",
                "AppConfig:JamfValidation:ValidityPeriodDays", "90",
                "AppConfig:JamfValidation:DefaultEkus", "ServerAuthentication",
                "AppConfig:JamfValidation:DefaultKeyUsage", "DigitalSignature",
                "AppConfig:JamfValidation:AllowDynamicChallenges", "true",
                "AppConfig:IntuneValidation:AllowRequestedSidExtension", "true")));
        EndpointSettings jamf = settings.scep().endpoint("JamfValidation");
        assertThat(jamf.enabled()).isTrue();
        assertThat(jamf.validityPeriodDays()).contains(90);
        assertThat(jamf.defaultEkus()).contains(List.of("1.3.6.1.5.5.7.3.1"));
        assertThat(jamf.defaultKeyUsage()).contains(1 << 7);
        assertThat(jamf.allowDynamicChallenges()).isTrue();
        assertThat(jamf.allowRequestedSidExtension()).isFalse();
        assertThat(jamf.toString()).doesNotContain("jamf-secret");
        EndpointSettings dc = settings.scep().endpoint("DCValidation");
        assertThat(dc.defaultEkus()).as("SCEPman's /dc has no DefaultEkus").isEmpty();
        assertThat(settings.scep().endpoint("IntuneValidation").allowRequestedSidExtension()).isTrue();
        assertThat(settings.issuance().addMicrosoftAadExtensions()).isTrue();
        assertThat(settings.issuance().addSidExtension()).isFalse();
    }

    @Test
    void anEcRootKeyTakesACurveSizeAndDefaultsToP256() throws Exception {
        ScepterSettings ec = ScepterSettings.bind(RawSettings.of(Map.of("AppConfig:KeyVaultConfig:RootCertificateConfig:KeyType", "EC-HSM")));
        assertThat(ec.rootCa().keyType()).isEqualTo("EC");
        assertThat(ec.rootCa().keySize()).isEqualTo(256);
        assertThat(ScepterSettings.bind(RawSettings.of(Map.of("AppConfig:KeyVaultConfig:RootCertificateConfig:KeyType", "EC",
                "AppConfig:KeyVaultConfig:RootCertificateConfig:KeySize", "384"))).rootCa().keySize()).isEqualTo(384);
        assertThatThrownBy(() -> ScepterSettings.bind(RawSettings.of(Map.of("AppConfig:KeyVaultConfig:RootCertificateConfig:KeyType", "EC",
                "AppConfig:KeyVaultConfig:RootCertificateConfig:KeySize", "4096"))))
                .hasMessageContaining("AppConfig:KeyVaultConfig:RootCertificateConfig:KeySize").hasMessageContaining("P-256");
        assertThatThrownBy(() -> ScepterSettings.bind(RawSettings.of(Map.of("AppConfig:KeyVaultConfig:RootCertificateConfig:KeyType", "DSA"))))
                .hasMessageContaining("must be RSA, RSA-HSM, EC or EC-HSM");
    }

    @Test
    void theTenantIdMustBeAGuid() {
        assertThatThrownBy(() -> ScepterSettings.bind(RawSettings.of(Map.of("AppConfig:AuthConfig:TenantId", "contoso"))))
                .hasMessageContaining("AppConfig:AuthConfig:TenantId");
    }

    @Test
    void rewritingTheSettingsFileKeepsItsModeAndANewOneIsTheOwnersOnly() throws Exception {
        Path file = dataDir.resolve("appsettings.json");
        AppSettingsFile.write(file, Map.of("AppConfig:ValidityPeriodDays", "365"));
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        AppSettingsFile.write(file, Map.of("Backup:AppConfig:AuthConfig:ApplicationKey", "secret"));
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
    }
}
