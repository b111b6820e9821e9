package dev.scepter.server.acme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.settings.AcmeSettings;
import dev.scepter.settings.RawSettings;
import dev.scepter.settings.ScepterSettings;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The start-up warning for an open profile that certifies names a profile requiring external
 * account binding certifies too: those names are anyone's through the open one.
 */
class AcmeProfileOverlapTest {

    private static AcmeSettings acme(Map<String, String> values) throws Exception {
        Map<String, String> all = new HashMap<>(values);
        all.put("AppConfig:Acme:Enabled", "true");
        all.put("AppConfig:Acme:Profiles", "lab,servers");
        all.put("AppConfig:Acme:Profiles:lab:DnsSuffixes", "lab.example.com");
        all.put("AppConfig:Acme:Profiles:servers:IpRanges", "10.20.0.0/16");
        all.put("AppConfig:Acme:Profiles:servers:ExternalAccountRequired", "true");
        all.put("AppConfig:Acme:Profiles:servers:ExternalAccountKeysFile", "/etc/scepter/acme-servers-eab.keys");
        return ScepterSettings.bind(RawSettings.of(all)).acme();
    }

    @Test
    void anOpenDefaultCertifyingWhatAnEabProfileCertifiesIsWarnedOfNamingBoth() throws Exception {
        AcmeSettings acme = acme(Map.of("AppConfig:Acme:DnsSuffixes", "example.com", "AppConfig:Acme:IpRanges", "10.0.0.0/8",
                "AppConfig:Acme:Profiles:servers:DnsSuffixes", "servers.example.com"));

        assertThat(AcmeController.overlaps(acme.served())).containsExactly("ACME profile 'default' registers anyone and certifies names that"
                + " profile 'servers', which requires external account binding, certifies too (example.com / servers.example.com,"
                + " 10.0.0.0/8 / 10.20.0.0/16): anyone gets those names from 'default', so keep their suffixes and ranges apart");
    }

    @Test
    void anOpenLabUnderAnEabProfilesSuffixIsWarnedOf() throws Exception {
        AcmeSettings acme = acme(Map.of("AppConfig:Acme:DnsSuffixes", "www.example.net", "AppConfig:Acme:Profiles:servers:DnsSuffixes", "example.com"));

        assertThat(AcmeController.overlaps(acme.served())).singleElement().asString()
                .startsWith("ACME profile 'lab' registers anyone and certifies names that profile 'servers'").contains("lab.example.com / example.com");
    }

    @Test
    void disjointProfilesOrOnesThatAllRequireBindingAreNotWarnedOf() throws Exception {
        assertThat(AcmeController.overlaps(acme(Map.of("AppConfig:Acme:DnsSuffixes", "test.example.net",
                "AppConfig:Acme:Profiles:servers:DnsSuffixes", "servers.example.com")).served())).isEmpty();
        // Both gated: each registers only teams with a key, so sharing names opens nothing.
        assertThat(AcmeController.overlaps(acme(Map.of("AppConfig:Acme:DnsSuffixes", "example.com", "AppConfig:Acme:ExternalAccountRequired", "true",
                "AppConfig:Acme:ExternalAccountKeysFile", "/etc/scepter/acme-eab.keys", "AppConfig:Acme:Profiles:lab:ExternalAccountRequired", "true",
                "AppConfig:Acme:Profiles:servers:DnsSuffixes", "servers.example.com")).served())).isEmpty();
    }
}
