package dev.scepter.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code AppConfig:CertificateStorage:*}: Azure Table Storage by its endpoint or a connection string, never with a database too. */
class TableStorageSettingsTest {

    private static final String AZURITE = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5LXZhbHVl;"
            + "TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;";

    @Test
    void scepmansEndpointSettingChoosesTableStorageAndIsNoLongerIgnored() throws Exception {
        ScepterSettings settings = ScepterSettings.bind(RawSettings.of(Map.of(
                "AppConfig:CertificateStorage:TableStorageEndpoint", "https://stgscepman.table.core.windows.net/")));

        assertThat(settings.store().tableStorageEndpoint()).contains(URI.create("https://stgscepman.table.core.windows.net/"));
        assertThat(settings.store().tableStorage()).isTrue();
        assertThat(settings.ignored()).isEmpty();
    }

    @Test
    void aConnectionStringIsASecretNeverShown() throws Exception {
        ScepterSettings settings = ScepterSettings.bind(RawSettings.of(Map.of("AppConfig:CertificateStorage:ConnectionString", AZURITE)));

        assertThat(settings.store().tableStorageConnectionString()).contains(AZURITE);
        assertThat(settings.store().toString()).doesNotContain("a2V5LXZhbHVl").contains("tableStorageConnectionString=<hidden>");
        assertThat(ScepterSettings.bind(RawSettings.of(Map.of("AppConfig:CertificateStorage:ConnectionString", "UseDevelopmentStorage=true")))
                .store().tableStorage()).isTrue();
    }

    @Test
    void badValuesStopStartUpNamingTheSettingWithoutEchoingTheSecret() {
        assertThatThrownBy(() -> ScepterSettings.bind(RawSettings.of(Map.of(
                "AppConfig:CertificateStorage:ConnectionString", "AccountName=x;Key=a2V5LXZhbHVl"))))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("AppConfig:CertificateStorage:ConnectionString")
                .hasMessageNotContaining("a2V5LXZhbHVl");
        assertThatThrownBy(() -> ScepterSettings.bind(RawSettings.of(Map.of(
                "AppConfig:CertificateStorage:TableStorageEndpoint", "stgscepman.table.core.windows.net"))))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("AppConfig:CertificateStorage:TableStorageEndpoint");
        assertThatThrownBy(() -> ScepterSettings.bind(RawSettings.of(Map.of(
                "AppConfig:CertificateStorage:TableStorageEndpoint", "https://stgscepman.table.core.windows.net/",
                "AppConfig:CertificateStorage:ConnectionString", AZURITE))))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("not both").hasMessageNotContaining("a2V5LXZhbHVl");
        assertThatThrownBy(() -> ScepterSettings.bind(RawSettings.of(Map.of(
                "AppConfig:CertificateStorage:ConnectionString", AZURITE,
                "AppConfig:Database:Url", "jdbc:postgresql://db.example:5432/scepter"))))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("AppConfig:Database:Url").hasMessageNotContaining("a2V5LXZhbHVl");
    }
}
