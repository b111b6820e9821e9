package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Supplier;

/** Certificates to ask OCSP about, and waiting for an answer to change within a bound. */
final class OcspFixtures {

    /**
     * What polling adds to a measured delay beyond the server's bound: an openssl process per
     * poll and 100 ms between polls, on a busy 2-core machine.
     */
    static final Duration POLLING_SLACK = Duration.ofSeconds(1);

    private static final SecureRandom RANDOM = new SecureRandom();

    private OcspFixtures() {
    }

    static byte[] random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** A certificate a client holds, with its serial as {@code openssl x509 -serial} prints it. */
    record Issued(Path pem, String serialHex) {
        BigInteger serial() {
            return new BigInteger(serialHex, 16);
        }
    }

    /** An unbound certificate from {@code /scep} with the static challenge, in a new folder under {@code dir}. */
    static Issued enrollStatic(Scepter server, Path dir, String name) throws Exception {
        Path client = Files.createDirectories(dir.resolve(name));
        Command.Result enrolled = Scepclient.enroll(client, server.url("scep"), server.staticChallenge(), name);
        assertThat(enrolled.exitCode()).as("scepclient on /scep:\n%s", enrolled).isZero();
        Path pem = Scepclient.certificate(client);
        String serial = Openssl.serial(client, pem);
        assertThat(new BigInteger(serial, 16).shiftRight(152).intValue()).as("type byte of static serial %s", serial).isEqualTo(0x50);
        return new Issued(pem, serial);
    }

    /**
     * A certificate from {@code /static/aad} bound to {@code device}: the subject CN is the GUID,
     * and the serial carries it (type byte 0x40, three random bytes, the GUID in .NET order).
     */
    static Issued enrollBound(Scepter server, Path dir, String challenge, UUID device) throws Exception {
        Path client = Files.createDirectories(dir.resolve("device-" + device));
        Command.Result enrolled = Scepclient.enroll(client, server.url("static/aad"), challenge, device.toString());
        assertThat(enrolled.exitCode()).as("scepclient on /static/aad:\n%s", enrolled).isZero();
        Path pem = Scepclient.certificate(client);
        String serial = Openssl.serial(client, pem);
        byte[] bytes = twentyBytes(new BigInteger(serial, 16));
        assertThat(bytes[0]).as("type byte of bound serial %s", serial).isEqualTo((byte) 0x40);
        assertThat(HexFormat.of().formatHex(Arrays.copyOfRange(bytes, 4, 20)))
                .as("serial %s carries device %s in .NET byte order", serial, device)
                .isEqualTo(HexFormat.of().formatHex(dotNetBytes(device)));
        return new Issued(pem, serial);
    }

    /** A GUID as .NET's {@code Guid.ToByteArray()} and Active Directory's objectGUID lay it out. */
    static byte[] dotNetBytes(UUID id) {
        byte[] rfc = ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
        ByteBuffer out = ByteBuffer.allocate(16);
        out.order(ByteOrder.LITTLE_ENDIAN).putInt(ByteBuffer.wrap(rfc, 0, 4).getInt())
                .putShort(ByteBuffer.wrap(rfc, 4, 2).getShort()).putShort(ByteBuffer.wrap(rfc, 6, 2).getShort());
        out.put(rfc, 8, 8);
        return out.array();
    }

    private static byte[] twentyBytes(BigInteger serial) {
        byte[] raw = serial.toByteArray();
        byte[] out = new byte[20];
        int copy = Math.min(raw.length, 20);
        System.arraycopy(raw, raw.length - copy, out, 20 - copy, copy);
        return out;
    }

    /**
     * Asks with {@code query} every 100 ms until openssl verifies an answer with {@code expected}
     * status for {@code label}; fails when that takes longer than {@code bound} plus
     * {@link #POLLING_SLACK}. @return how long it took
     */
    static Duration awaitStatus(String what, Duration bound, Supplier<Command.Result> query, String label, OpensslOcsp.Status expected) {
        long start = System.nanoTime();
        Duration deadline = bound.plus(POLLING_SLACK);
        Command.Result last;
        int polls = 0;
        while (true) {
            last = query.get();
            polls++;
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (last.exitCode() == 0 && last.stderr().contains("Response verify OK")
                    && OpensslOcsp.find(last, label).equals(java.util.Optional.of(expected))) {
                return elapsed;
            }
            if (elapsed.compareTo(deadline) > 0) {
                throw new AssertionError(what + ": no answer '" + expected + "' for " + label + " within the bound of " + bound
                        + " (+" + POLLING_SLACK.toMillis() + " ms polling slack); " + polls + " polls over " + elapsed.toMillis()
                        + " ms; last:\n" + last);
            }
            sleep(Duration.ofMillis(100));
        }
    }

    /** Sleeps this long; not at all for a zero or negative duration. */
    static void sleep(Duration duration) {
        try {
            Thread.sleep(Math.max(0, duration.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
