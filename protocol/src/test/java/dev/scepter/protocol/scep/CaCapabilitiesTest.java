package dev.scepter.protocol.scep;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The GetCACaps answer (RFC 8894 section 3.5.2). */
class CaCapabilitiesTest {

    @Test
    void theStandardAnswerListsOneKeywordALineSeparatedByLf() {
        String text = CaCapabilities.standard().text();

        assertThat(text.split("\n", -1)).containsExactly(
                "AES", "DES3", "POSTPKIOperation", "Renewal", "SHA-1", "SHA-256", "SHA-384", "SHA-512", "SCEPStandard");
        assertThat(text).doesNotContain("\r", "GetNextCACert");
        assertThat(CaCapabilities.standard().body()).isEqualTo(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void anEndpointWithoutRenewalsDoesNotAdvertiseThem() {
        CaCapabilities capabilities = CaCapabilities.standard().without(CaCapability.RENEWAL);

        assertThat(capabilities.supports(CaCapability.RENEWAL)).isFalse();
        assertThat(capabilities.text()).doesNotContain("Renewal").contains("POSTPKIOperation");
        assertThat(CaCapabilities.standard().supports(CaCapability.RENEWAL)).as("unchanged").isTrue();
    }

    @Test
    void anyChosenSet() {
        assertThat(CaCapabilities.of(List.of(CaCapability.SHA_256, CaCapability.AES)).text()).isEqualTo("AES\nSHA-256");
        assertThat(CaCapabilities.of(List.of()).text()).isEmpty();
        assertThat(CaCapabilities.of(List.of(CaCapability.AES))).isEqualTo(CaCapabilities.of(List.of(CaCapability.AES)));
    }
}
