package dev.scepter.directory.ldap;

import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.SearchResultEntry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.UUID;

/** How the directory stores an object's GUID in its GUID attribute. */
public enum GuidFormat {

    /**
     * Active Directory's {@code objectGUID}: 16 bytes, the first three fields little-endian, as
     * .NET's {@code Guid.ToByteArray()} writes them (MS-ADTS 3.1.1.1.4, MS-DTYP 2.3.4.2).
     */
    DOTNET_BINARY,

    /** 16 bytes in RFC 4122 section 4.1.2 network order (for example eDirectory's {@code GUID}). */
    RFC4122_BINARY,

    /**
     * The RFC 4122 string form, as in {@code entryUUID} (RFC 4530) of OpenLDAP and 389 Directory
     * Server: {@code d6b58414-60ed-426b-b382-276a3e8d626d}.
     */
    RFC4122_STRING;

    /** An equality filter for {@code id} on {@code attribute}; binary values go on the wire as they are. */
    Filter equalityFilter(String attribute, UUID id) {
        return switch (this) {
            case DOTNET_BINARY -> Filter.createEqualityFilter(attribute, dotNetBytes(id));
            case RFC4122_BINARY -> Filter.createEqualityFilter(attribute, rfc4122Bytes(id));
            case RFC4122_STRING -> Filter.createEqualityFilter(attribute, id.toString());
        };
    }

    /**
     * The GUID in {@code attribute} of {@code entry}.
     *
     * @throws IllegalArgumentException when the entry has no such value or it is not a GUID in this format
     */
    UUID read(SearchResultEntry entry, String attribute) {
        if (!entry.hasAttribute(attribute)) {
            throw new IllegalArgumentException(entry.getDN() + " has no " + attribute + " attribute");
        }
        return switch (this) {
            case DOTNET_BINARY -> fromDotNetBytes(sixteen(entry, attribute));
            case RFC4122_BINARY -> fromRfc4122Bytes(sixteen(entry, attribute));
            case RFC4122_STRING -> {
                String value = entry.getAttributeValue(attribute).strip();
                try {
                    UUID id = UUID.fromString(value);
                    if (!id.toString().equals(value.toLowerCase(Locale.ROOT))) {
                        throw new IllegalArgumentException("not in the 8-4-4-4-12 form");
                    }
                    yield id;
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(entry.getDN() + ": " + attribute + " is not a GUID string", e);
                }
            }
        };
    }

    private static byte[] sixteen(SearchResultEntry entry, String attribute) {
        byte[] value = entry.getAttributeValueBytes(attribute);
        if (value.length != 16) {
            throw new IllegalArgumentException(entry.getDN() + ": " + attribute + " has " + value.length
                    + " bytes, a binary GUID has 16");
        }
        return value;
    }

    /** .NET stores the first three GUID fields little-endian, the last eight bytes as written. */
    static byte[] dotNetBytes(UUID id) {
        ByteBuffer out = ByteBuffer.allocate(16);
        long high = id.getMostSignificantBits();
        out.order(ByteOrder.LITTLE_ENDIAN)
                .putInt((int) (high >>> 32))
                .putShort((short) (high >>> 16))
                .putShort((short) high);
        out.order(ByteOrder.BIG_ENDIAN).putLong(id.getLeastSignificantBits());
        return out.array();
    }

    static UUID fromDotNetBytes(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long data1 = Integer.toUnsignedLong(in.getInt());
        long data2 = Short.toUnsignedLong(in.getShort());
        long data3 = Short.toUnsignedLong(in.getShort());
        long low = in.order(ByteOrder.BIG_ENDIAN).getLong();
        return new UUID((data1 << 32) | (data2 << 16) | data3, low);
    }

    static byte[] rfc4122Bytes(UUID id) {
        return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
    }

    static UUID fromRfc4122Bytes(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        return new UUID(in.getLong(), in.getLong());
    }
}
