package dev.scepter.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SettingParsersTest {

    @Test
    void wholeNumbersKeepToTheirRangeAndSayIt() {
        assertThat(SettingParsers.wholeNumber("0", 0, 3600)).isZero();
        assertThat(SettingParsers.wholeNumber(1, 10).parse("10")).isEqualTo(10);
        assertThatThrownBy(() -> SettingParsers.wholeNumber("11", 1, 10)).hasMessage("must be a whole number from 1 to 10");
        assertThatThrownBy(() -> SettingParsers.wholeNumber("1.5", 1, 10)).hasMessage("must be a whole number from 1 to 10");
        assertThatThrownBy(() -> SettingParsers.wholeNumber("99999999999", 1, 10)).hasMessage("must be a whole number from 1 to 10");
    }

    @Test
    void booleansAreTrueOrFalseInAnyCase() {
        assertThat(SettingParsers.bool("TRUE")).isTrue();
        assertThat(SettingParsers.bool("False")).isFalse();
        assertThatThrownBy(() -> SettingParsers.bool("yes")).hasMessage("must be true or false");
    }

    @Test
    void durationsTakeScepmansFractionsOfTheirUnit() {
        assertThat(SettingParsers.positiveDuration(Duration.ofDays(1), 0.01, 3650).parse("0.1")).isEqualTo(Duration.ofMinutes(144));
        assertThat(SettingParsers.positiveDuration(Duration.ofHours(1), 1, 8760).parse("24")).isEqualTo(Duration.ofDays(1));
        assertThatThrownBy(() -> SettingParsers.positiveDuration(Duration.ofHours(1), 1, 8760).parse("NaN"))
                .hasMessage("must be a number from 1.0 to 8760.0");
        assertThatThrownBy(() -> SettingParsers.positiveDuration(Duration.ofDays(1), 0.01, 3650).parse("0"))
                .hasMessage("must be a number from 0.01 to 3650.0");
    }

    @Test
    void anEnumWordIsReadInAnyCaseAndTheMessageSpellsTheWordsAsTheSettingDoes() {
        SettingParsers.Parser<DirectoryType> type = SettingParsers.oneOf(DirectoryType.values(), DirectoryType::spelling);
        assertThat(type.parse("LDAP")).isEqualTo(DirectoryType.LDAP);
        assertThat(type.parse("embedded")).isEqualTo(DirectoryType.EMBEDDED);
        assertThat(type.parse("GRAPH")).isEqualTo(DirectoryType.GRAPH);
        assertThatThrownBy(() -> type.parse("Jamf")).hasMessage("must be one of Embedded, Ldap, Graph");
        assertThat(SettingParsers.oneOf(CrlSettings.Source.values(), CrlSettings.Source::spelling).parse("storage"))
                .isEqualTo(CrlSettings.Source.STORAGE);
    }

    @Test
    void ekusAreOidsOrScepmansNames() {
        assertThat(SettingParsers.ekus("ClientAuthentication, 1.3.6.1.5.5.7.3.1;smartcardlogon"))
                .containsExactly("1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1", "1.3.6.1.4.1.311.20.2.2");
        assertThatThrownBy(() -> SettingParsers.ekus("WebAuth")).hasMessage("'WebAuth' is neither an OID nor a known EKU name");
        assertThatThrownBy(() -> SettingParsers.ekus(" , ")).hasMessage("must name at least one EKU");
    }

    @Test
    void keyUsageIsDotNetsFlagsAsRfc5280Bits() {
        assertThat(SettingParsers.keyUsage("DigitalSignature|KeyEncipherment")).isEqualTo((1 << 7) | (1 << 5));
        assertThat(SettingParsers.keyUsage("decipheronly")).isEqualTo(1 << 15);
        assertThatThrownBy(() -> SettingParsers.keyUsage("Sign")).hasMessageStartingWith("'Sign' is not a key usage (DigitalSignature, ");
        assertThatThrownBy(() -> SettingParsers.keyUsage("|")).hasMessage("must name at least one key usage");
    }

    @Test
    void theRootKeysSizeFollowsItsType() {
        assertThat(SettingParsers.keyType("rsa-hsm")).isEqualTo("RSA");
        assertThat(SettingParsers.keyType("EC-HSM")).isEqualTo("EC");
        assertThat(SettingParsers.keySize(true).parse("521")).isEqualTo(521);
        assertThatThrownBy(() -> SettingParsers.keySize(true).parse("2048"))
                .hasMessage("must be 256, 384 or 521 (P-256, P-384, P-521) for an EC key");
        assertThatThrownBy(() -> SettingParsers.keySize(false).parse("384")).hasMessage("must be 2048, 3072 or 4096 for an RSA key");
    }

    @Test
    void challengesArePrintableAsciiAndJamfsAtMost32Characters() {
        assertThat(SettingParsers.challenge("p@ss word")).isEqualTo("p@ss word");
        assertThatThrownBy(() -> SettingParsers.challenge("pässword")).hasMessage("must hold printable ASCII characters only");
        assertThatThrownBy(() -> SettingParsers.jamfChallenge("x".repeat(33)))
                .hasMessage("must be at most 32 characters, the most Jamf Pro accepts (this one has 33)");
        assertThatThrownBy(() -> SettingParsers.jamfChallenge("\u0001")).hasMessage("must hold printable ASCII characters only");
    }

    @Test
    void guidsTimesUrlsAndCertificateTypes() {
        assertThat(SettingParsers.guid("0b5d7a9e-1c33-4f43-9b6e-1f6f3b7c8a11")).isEqualTo(UUID.fromString("0b5d7a9e-1c33-4f43-9b6e-1f6f3b7c8a11"));
        // UUID.fromString takes "1-1-1-1-1"; a GUID setting must be written out.
        assertThatThrownBy(() -> SettingParsers.guid("1-1-1-1-1")).hasMessage("must be a GUID such as 00000000-0000-0000-0000-000000000000");
        assertThat(SettingParsers.unixTime("1764000000")).isEqualTo(Instant.ofEpochSecond(1_764_000_000));
        assertThatThrownBy(() -> SettingParsers.absoluteHttpUrl("ftp://x")).hasMessage("must be an absolute http:// or https:// URL");
        assertThatThrownBy(() -> SettingParsers.absoluteHttpUrl("https:///path")).hasMessage("must be an absolute http:// or https:// URL");
        assertThat(SettingParsers.certificateTypes("static, intuneDEVICE")).containsExactly("Static", "IntuneDevice");
        assertThatThrownBy(() -> SettingParsers.certificateTypes("Laptop")).hasMessageStartingWith("'Laptop' is not a certificate type (");
        assertThatThrownBy(() -> SettingParsers.jdbcUrl("postgresql://db/x")).hasMessageStartingWith("must be a JDBC URL");
        assertThatThrownBy(() -> SettingParsers.responseEncryption("1.2.3")).hasMessageStartingWith("must be one of 2.16.840.1.101.3.4.1.42");
    }
}
