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
        assertThat(acme.profile("default").map(AcmeProfileSettings::name)).contains("default");
        assertThat(acme.profile("default").orElseThrow().dnsSuffixes()).containsExactly("example.com", "localhost");
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

    @Test
    void declaresProfilesBesideDefaultEachWithItsOwnNames() throws Exception {
        java.util.Map<String, String> given = new java.util.HashMap<>(Map.of("AppConfig:Acme:Enabled", "true",
                "AppConfig:Acme:DnsSuffixes", "example.com", "AppConfig:Acme:IpRanges", "10.0.0.0/8", "AppConfig:Acme:AllowWildcards", "true",
                "AppConfig:Acme:ValidityPeriodDays", "60", "AppConfig:Acme:Profiles", "lab, servers-2"));
        // The environment's spelling, as App Service on Linux and systemd give it.
        given.put("AppConfig__Acme__Profiles__lab__DnsSuffixes", "Lab.Example.com");
        given.put("AppConfig:Acme:Profiles:lab:ValidityPeriodDays", "7");
        given.put("AppConfig:Acme:Profiles:servers-2:IpRanges", "192.0.2.0/24");
        RawSettings raw = RawSettings.of(given);
        AcmeSettings acme = ScepterSettings.bind(raw).acme();
        assertThat(acme.served()).extracting(AcmeProfileSettings::name).containsExactly("default", "lab", "servers-2");
        AcmeProfileSettings lab = acme.profile("lab").orElseThrow();
        assertThat(lab.dnsSuffixes()).containsExactly("lab.example.com");
        assertThat(lab.ipRanges()).as("never default's").isEmpty();
        assertThat(lab.allowWildcards()).as("never default's").isFalse();
        assertThat(lab.validityPeriodDays()).isEqualTo(7);
        AcmeProfileSettings servers = acme.profile("servers-2").orElseThrow();
        assertThat(servers.dnsSuffixes()).as("never default's").isEmpty();
        assertThat(servers.ipRanges()).containsExactly("192.0.2.0/24");
        assertThat(servers.validityPeriodDays()).as("default's unless it says").isEqualTo(60);
        assertThat(acme.profile("default").orElseThrow().dnsSuffixes()).containsExactly("example.com");
        assertThat(acme.profile("Lab")).isEmpty();
        assertThat(acme.profile("other")).isEmpty();
        assertThat(IgnoredSetting.in(raw)).as("a profile's settings are honoured, not ignored").isEmpty();
    }

    @Test
    void aProfileTakesDefaultsExternalAccountBindingUnlessItSaysOtherwise(@org.junit.jupiter.api.io.TempDir java.nio.file.Path folder)
            throws Exception {
        String keys = folder.resolve("eab.keys").toString();
        String labKeys = folder.resolve("lab-eab.keys").toString();
        AcmeSettings acme = ScepterSettings.bind(RawSettings.of(Map.of("AppConfig:Acme:Enabled", "true",
                "AppConfig:Acme:ExternalAccountRequired", "true", "AppConfig:Acme:ExternalAccountKeysFile", keys,
                "AppConfig:Acme:Profiles", "lab servers",
                "AppConfig:Acme:Profiles:lab:DnsSuffixes", "lab.example", "AppConfig:Acme:Profiles:lab:ExternalAccountKeysFile", labKeys,
                "AppConfig:Acme:Profiles:servers:DnsSuffixes", "servers.example", "AppConfig:Acme:Profiles:servers:ExternalAccountRequired", "false"))).acme();
        assertThat(acme.profile("lab").orElseThrow().externalAccountRequired()).isTrue();
        assertThat(acme.profile("lab").orElseThrow().externalAccountKeysFile()).contains(labKeys);
        assertThat(acme.profile("servers").orElseThrow().externalAccountRequired()).isFalse();
        assertThat(acme.profile("servers").orElseThrow().externalAccountKeysFile()).contains(keys);
        // Which setting each came from, for messages that send the admin to the right one.
        assertThat(acme.profile("lab").orElseThrow().externalAccountRequiredSetting()).isEqualTo("AppConfig:Acme:ExternalAccountRequired");
        assertThat(acme.profile("lab").orElseThrow().externalAccountKeysFileSetting()).isEqualTo("AppConfig:Acme:Profiles:lab:ExternalAccountKeysFile");
        assertThat(acme.profile("servers").orElseThrow().externalAccountRequiredSetting()).isEqualTo("AppConfig:Acme:Profiles:servers:ExternalAccountRequired");
        assertThat(acme.profile("servers").orElseThrow().externalAccountKeysFileSetting()).isEqualTo("AppConfig:Acme:ExternalAccountKeysFile");
    }

    @ParameterizedTest(name = "{0} = {1}, {2} = {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "AppConfig:Acme:Profiles | Lab | AppConfig:Acme:Profiles:lab:DnsSuffixes | lab.example | AppConfig:Acme:Profiles",
            "AppConfig:Acme:Profiles | lab_1 | AppConfig:Acme:Profiles:x:DnsSuffixes | lab.example | AppConfig:Acme:Profiles",
            "AppConfig:Acme:Profiles | default | AppConfig:Acme:DnsSuffixes | lab.example | AppConfig:Acme:Profiles",
            "AppConfig:Acme:Profiles | lab,lab | AppConfig:Acme:Profiles:lab:DnsSuffixes | lab.example | AppConfig:Acme:Profiles",
            "AppConfig:Acme:Profiles | -lab | AppConfig:Acme:Profiles:lab:DnsSuffixes | lab.example | AppConfig:Acme:Profiles",
            "AppConfig:Acme:Profiles | lab | AppConfig:Acme:Profiles:lab:DnsSuffixes | exa_mple.com | AppConfig:Acme:Profiles:lab:DnsSuffixes",
            "AppConfig:Acme:Profiles | lab | AppConfig:Acme:Profiles:lab:IpRanges | 10.0.0.0/33 | AppConfig:Acme:Profiles:lab:IpRanges",
            "AppConfig:Acme:Profiles | lab | AppConfig:Acme:Profiles:lab:AllowWildcards | maybe | AppConfig:Acme:Profiles:lab:AllowWildcards",
            "AppConfig:Acme:Profiles | lab | AppConfig:Acme:ValidityPeriodDays | 90 | AppConfig:Acme:Profiles:lab:DnsSuffixes: profile 'lab' names neither",
            "AppConfig:Acme:Profiles | lab | AppConfig:Acme:Profiles:lab:DnsSuffixes | \",\" | AppConfig:Acme:Profiles:lab:DnsSuffixes: profile 'lab' names neither",
            "AppConfig:Acme:Profiles | lab | AppConfig:Acme:Profiles:lab:DnsSuffixes | ; | AppConfig:Acme:Profiles:lab:DnsSuffixes: profile 'lab' names neither",
            "AppConfig:Acme:Profiles | lab | AppConfig:Acme:Profiles:lab:ExternalAccountRequired | true | AppConfig:Acme:Profiles:lab:ExternalAccountRequired needs",
            "AppConfig:Acme:Profiles | lab | AppConfig:Acme:Profiles:lab:ExternalAccountKeysFile | eab.keys | AppConfig:Acme:Profiles:lab:ExternalAccountKeysFile",
            "AppConfig:Acme:DnsSuffixes | example.com | AppConfig:Acme:Profiles:lab:DnsSuffixes | lab.example | AppConfig:Acme:Profiles:lab:DnsSuffixes (from test): 'lab' is not a profile of AppConfig:Acme:Profiles (none)",
            "AppConfig:Acme:Profiles | lab | AppConfig:Acme:Profiles:lab:DnsSufixes | lab.example | AppConfig:Acme:Profiles:lab:DnsSufixes (from test): a profile's settings are"})
    void refusesUnusableProfiles(String key, String value, String otherKey, String otherValue, String named) {
        java.util.Map<String, String> given = new java.util.HashMap<>(Map.of(key, value, otherKey, otherValue));
        given.putIfAbsent("AppConfig:Acme:Profiles:lab:DnsSuffixes", "lab.example");
        if (otherKey.equals("AppConfig:Acme:ValidityPeriodDays")) {
            given.remove("AppConfig:Acme:Profiles:lab:DnsSuffixes");
        }
        if (key.equals("AppConfig:Acme:DnsSuffixes")) {
            given.remove("AppConfig:Acme:Profiles");
        }
        assertThatThrownBy(() -> ScepterSettings.bind(RawSettings.of(given)))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining(named);
    }
}
