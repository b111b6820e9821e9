package dev.scepter.authority.acme;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which identifiers a profile certifies: DNS suffixes on label boundaries, IP ranges by prefix, nothing else. */
class AcmeProfileTest {

    private static final AcmeProfile PROFILE = new AcmeProfile("default", List.of("example.com", "localhost"),
            List.of("10.20.0.0/16", "2001:db8::/32", "192.0.2.7"));

    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource({
            "dns, example.com, true",
            "dns, www.EXAMPLE.com, true",
            "dns, a.b.example.com, true",
            "dns, badexample.com, false",
            "dns, example.com.evil.net, false",
            "dns, localhost, true",
            "dns, www.localhost, true",
            "dns, *.example.com, false",
            "dns, 'ex ample.com', false",
            "dns, -bad.example.com, false",
            "ip, 10.20.255.1, true",
            "ip, 10.21.0.1, false",
            "ip, 2001:db8::1, true",
            "ip, 2001:db9::1, false",
            "ip, 192.0.2.7, true",
            "ip, 192.0.2.8, false",
            "ip, example.com, false",
            "email, a@example.com, false",
    })
    void certifies(String type, String value, boolean allowed) {
        assertThat(PROFILE.refusal(new AcmeIdentifier(type, value)).isEmpty()).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"dns, example.com", "ip, 10.20.0.1"})
    void aProfileWithoutSuffixesOrRangesCertifiesNothing(String type, String value) {
        assertThat(new AcmeProfile("empty", List.of(), List.of()).refusal(new AcmeIdentifier(type, value))).isPresent();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "*.www.example.com, true",
            "*.example.com, true",
            "*.www.localhost, true",
            "*.localhost, false",
            "*.example.org, false",
            "*.*.example.com, false",
            "www.*.example.com, false",
    })
    void aProfileAllowingWildcardsCertifiesThemOverItsNamesOnly(String value, boolean allowed) {
        AcmeProfile wildcards = new AcmeProfile("default", List.of("example.com", "localhost"), List.of(), true);
        assertThat(wildcards.refusal(new AcmeIdentifier("dns", value)).isEmpty()).isEqualTo(allowed);
        assertThat(PROFILE.refusal(new AcmeIdentifier("dns", value))).as("not without AllowWildcards").isPresent();
    }

    @Test
    void twoProfilesOverlapWhereOneCertifiesPartOfWhatTheOtherDoes() {
        AcmeProfile servers = new AcmeProfile("servers", List.of("servers.example.com", "corp.example"), List.of("10.20.0.0/16", "fd00::/8"));
        assertThat(new AcmeProfile("default", List.of("example.com"), List.of()).overlap(servers))
                .as("a suffix above the other's").containsExactly("example.com / servers.example.com");
        assertThat(new AcmeProfile("lab", List.of("lab.servers.example.com", "corp.example"), List.of()).overlap(servers))
                .as("a suffix under the other's, and an equal one").containsExactly("lab.servers.example.com / servers.example.com", "corp.example");
        assertThat(new AcmeProfile("lab", List.of(), List.of("10.0.0.0/8")).overlap(servers)).containsExactly("10.0.0.0/8 / 10.20.0.0/16");
        assertThat(new AcmeProfile("lab", List.of(), List.of("10.20.3.4")).overlap(servers)).containsExactly("10.20.3.4 / 10.20.0.0/16");
        assertThat(new AcmeProfile("lab", List.of(), List.of("fd12::/16")).overlap(servers)).containsExactly("fd12::/16 / fd00::/8");

        AcmeProfile disjoint = new AcmeProfile("lab", List.of("lab.example.com", "myservers.example.com", "example.org"), List.of("10.21.0.0/16", "10.0.0.0/12", "::/1"));
        assertThat(disjoint.overlap(servers)).isEmpty();
        assertThat(servers.overlap(disjoint)).isEmpty();
    }
}
