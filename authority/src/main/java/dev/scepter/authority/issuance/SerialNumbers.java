package dev.scepter.authority.issuance;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * Serial numbers in SCEPman's layout: 20 bytes (the RFC 5280 section 4.1.2.2 maximum), byte 0
 * the certificate type. An unbound certificate has 19 random bytes after it; a bound one has 3
 * random bytes and then the directory object's GUID, so that OCSP can find the object without a
 * database read. Random bits let stateless nodes issue without coordinating.
 */
public final class SerialNumbers {

    /** SCEPman's type byte for certificates from a static-challenge endpoint. */
    public static final int TYPE_STATIC = 0x50;
    /** SCEPman's type byte for domain controller certificates ({@code /dc}). */
    public static final int TYPE_DOMAIN_CONTROLLER = 0x70;

    private static final int LENGTH = 20;

    private final SecureRandom random;

    public SerialNumbers(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A serial for a certificate bound to no directory object. */
    public BigInteger unbound(int typeByte) {
        byte[] serial = new byte[LENGTH];
        random.nextBytes(serial);
        serial[0] = (byte) typeByte;
        return new BigInteger(1, serial);
    }

    /** A serial that carries the bound object's GUID in .NET {@code Guid.ToByteArray()} order. */
    public BigInteger bound(int typeByte, UUID objectId) {
        byte[] serial = new byte[LENGTH];
        random.nextBytes(serial);
        serial[0] = (byte) typeByte;
        System.arraycopy(dotNetBytes(objectId), 0, serial, 4, 16);
        return new BigInteger(1, serial);
    }

    /** The type byte of a 20-byte serial in this layout; empty for any other serial. */
    public static OptionalInt typeByte(BigInteger serialNumber) {
        if (serialNumber.signum() <= 0 || serialNumber.bitLength() > LENGTH * 8 || serialNumber.bitLength() <= (LENGTH - 1) * 8) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(serialNumber.shiftRight((LENGTH - 1) * 8).intValue());
    }

    /** The GUID in a serial laid out by {@link #bound}. */
    public static UUID boundObject(BigInteger serialNumber) {
        byte[] raw = serialNumber.toByteArray();
        byte[] serial = new byte[LENGTH];
        int copy = Math.min(raw.length, LENGTH);
        System.arraycopy(raw, raw.length - copy, serial, LENGTH - copy, copy);
        ByteBuffer guid = ByteBuffer.wrap(serial, 4, 16);
        long data1 = Integer.toUnsignedLong(guid.order(ByteOrder.LITTLE_ENDIAN).getInt());
        long data2 = Short.toUnsignedLong(guid.getShort());
        long data3 = Short.toUnsignedLong(guid.getShort());
        long high = (data1 << 32) | (data2 << 16) | data3;
        long low = guid.order(ByteOrder.BIG_ENDIAN).getLong();
        return new UUID(high, low);
    }

    /** .NET stores the first three GUID fields little-endian, the last eight bytes as written. */
    static byte[] dotNetBytes(UUID id) {
        ByteBuffer out = ByteBuffer.allocate(16);
        long high = id.getMostSignificantBits();
        out.order(ByteOrder.LITTLE_ENDIAN).putInt((int) (high >>> 32)).putShort((short) (high >>> 16)).putShort((short) high);
        out.order(ByteOrder.BIG_ENDIAN).putLong(id.getLeastSignificantBits());
        return out.array();
    }
}
