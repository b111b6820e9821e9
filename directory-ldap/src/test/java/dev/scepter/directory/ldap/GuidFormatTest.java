package dev.scepter.directory.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.SearchResultEntry;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class GuidFormatTest {

    /** The device in SCEPman's documented example (reference/scepman_features.md section 1.5). */
    static final UUID KNOWN = UUID.fromString("d6b58414-60ed-426b-b382-276a3e8d626d");
    /** The same GUID as Active Directory stores objectGUID: .NET Guid.ToByteArray() order. */
    static final byte[] KNOWN_AD_BYTES = HexFormat.of().parseHex("1484b5d6ed606b42b382276a3e8d626d");

    @Test
    void activeDirectoryStoresTheFirstThreeFieldsLittleEndian() {
        assertThat(GuidFormat.dotNetBytes(KNOWN)).isEqualTo(KNOWN_AD_BYTES);
        assertThat(GuidFormat.fromDotNetBytes(KNOWN_AD_BYTES)).isEqualTo(KNOWN);
    }

    @Test
    void rfc4122BinaryIsTheStringsBytesInOrder() {
        assertThat(GuidFormat.rfc4122Bytes(KNOWN)).isEqualTo(HexFormat.of().parseHex("d6b5841460ed426bb382276a3e8d626d"));
        assertThat(GuidFormat.fromRfc4122Bytes(GuidFormat.rfc4122Bytes(KNOWN))).isEqualTo(KNOWN);
    }

    @RepeatedTest(20)
    void roundTrips() {
        UUID id = UUID.randomUUID();
        assertThat(GuidFormat.fromDotNetBytes(GuidFormat.dotNetBytes(id))).isEqualTo(id);
        assertThat(GuidFormat.fromRfc4122Bytes(GuidFormat.rfc4122Bytes(id))).isEqualTo(id);
    }

    @Test
    void theBinaryFilterCarriesTheAdBytesAndSurvivesItsStringForm() throws Exception {
        Filter filter = GuidFormat.DOTNET_BINARY.equalityFilter("objectGUID", KNOWN);

        assertThat(filter.getAssertionValueBytes()).isEqualTo(KNOWN_AD_BYTES);
        assertThat(filter.toString()).startsWith("(objectGUID=\\14\\84\\b5\\d6");
        assertThat(Filter.create(filter.toString()).getAssertionValueBytes()).isEqualTo(KNOWN_AD_BYTES);
    }

    @Test
    void theStringFilterIsTheLowerCaseForm() {
        Filter filter = GuidFormat.RFC4122_STRING.equalityFilter("entryUUID", KNOWN);

        assertThat(filter.toString()).isEqualTo("(entryUUID=d6b58414-60ed-426b-b382-276a3e8d626d)");
    }

    @Test
    void readsEachFormat() {
        SearchResultEntry entry = entry(new Attribute("objectGUID", KNOWN_AD_BYTES),
                new Attribute("guid", GuidFormat.rfc4122Bytes(KNOWN)),
                new Attribute("entryUUID", "D6B58414-60ED-426B-B382-276A3E8D626D"));

        assertThat(GuidFormat.DOTNET_BINARY.read(entry, "objectGUID")).isEqualTo(KNOWN);
        assertThat(GuidFormat.RFC4122_BINARY.read(entry, "guid")).isEqualTo(KNOWN);
        assertThat(GuidFormat.RFC4122_STRING.read(entry, "entryUUID")).isEqualTo(KNOWN);
    }

    @Test
    void refusesWhatIsNotAGuid() {
        SearchResultEntry entry = entry(new Attribute("objectGUID", new byte[15]),
                new Attribute("entryUUID", "1-2-3-4-5"));

        assertThatThrownBy(() -> GuidFormat.DOTNET_BINARY.read(entry, "objectGUID"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("15 bytes");
        assertThatThrownBy(() -> GuidFormat.RFC4122_STRING.read(entry, "entryUUID"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a GUID");
        assertThatThrownBy(() -> GuidFormat.RFC4122_STRING.read(entry, "missing"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no missing attribute");
    }

    private static SearchResultEntry entry(Attribute... attributes) {
        return new SearchResultEntry("cn=x,dc=example,dc=com", attributes);
    }
}
