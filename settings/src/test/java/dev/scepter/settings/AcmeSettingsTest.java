package dev.scepter.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code AppConfig:Acme:*}: off by default, certifying nothing until suffixes or ranges are given; bad values stop start-up. */
class AcmeSettingsTest {

    @Test
    void offAndCertifyingNothingByDefault() throws Exception {
        AcmeSettings acme = ScepterSettings.bind(RawSettings.of(Map.of())).acme();
        assertThat(acme.enabled()).isFalse();
        assertThat(acme.dnsSuffixes()).isEmpty();
        assertThat(acme.ipRanges()).isEmpty();
        assertThat(acme.http01Port()).isEqualTo(80);
        assertThat(acme.tlsAlpn01Port()).isEqualTo(443);
        assertThat(acme.validityPeriodDays()).isEqualTo(90);
        assertThat(acme.profile("default")).isEmpty();
    }

    @Test
    void bindsTheDefaultProfile() throws Exception {
        AcmeSettings acme = ScepterSettings.bind(RawSettings.of(Map.of("AppConfig:Acme:Enabled", "true",
                "AppConfig:Acme:DnsSuffixes", "Example.com, .localhost", "AppConfig:Acme:IpRanges", "10.0.0.0/8;2001:db8::/32",
                "AppConfig:Acme:Http01Port", "8080", "AppConfig:Acme:TlsAlpn01Port", "8443"))).acme();
        assertThat(acme.dnsSuffixes()).containsExactly("example.com", "localhost");
        assertThat(acme.ipRanges()).containsExactly("10.0.0.0/8", "2001:db8::/32");
        assertThat(acme.http01Port()).isEqualTo(8080);
        assertThat(acme.tlsAlpn01Port()).isEqualTo(8443);
        assertThat(acme.profile("default")).contains("default");
        assertThat(acme.profile("other")).isEmpty();
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
            "AppConfig:Acme:DnsSuffixes | exa_mple.com",
            "AppConfig:Acme:IpRanges | 10.0.0.0/33",
            "AppConfig:Acme:IpRanges | example.com/8",
            "AppConfig:Acme:IpRanges | 10.0.0.0/x",
            "AppConfig:Acme:Http01Port | 0",
            "AppConfig:Acme:TlsAlpn01Port | 65536",
            "AppConfig:Acme:ValidityPeriodDays | 0",
            "AppConfig:Acme:Dns01LookupCommand | acme-txt.sh",
            "AppConfig:Acme:Dns01LookupCommand | /nonexistent/acme-txt.sh",
            "AppConfig:Acme:Dns01LookupCommand | /etc/passwd",
            "AppConfig:Acme:Dns01LookupCommand | /usr/bin",
            "AppConfig:Acme:ExternalAccountKeysFile | eab.keys",
            "AppConfig:Acme:ExternalAccountRequired | true"})
    void refusesUnusableValues(String key, String value) {
        assertThatThrownBy(() -> ScepterSettings.bind(RawSettings.of(Map.of(key, value))))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining(key);
    }

    @Test
    void listsAreSeparatedAsEverywhere() {
        assertThat(AcmeSettings.parseDnsSuffixes("a.example b.example")).isEqualTo(List.of("a.example", "b.example"));
    }

    @Test
    void theLookupCommandIsAnExecutableFile() {
        assertThat(AcmeSettings.parseCommand(" /bin/sh ")).isEqualTo("/bin/sh");
    }
}
