package dev.scepter.authority.issuance;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SerialNumbersTest {

    private final SerialNumbers serials = new SerialNumbers(new SecureRandom());

    @Test
    void boundSerialLaysOutTheGuidAsDotNetDoesInScepmansDocumentedExample() {
        // REFERENCE.md: device d6b58414-60ed-426b-b382-276a3e8d626d has serial 4039b3bb1484b5d6ed606b42b382276a3e8d626d.
        UUID device = UUID.fromString("d6b58414-60ed-426b-b382-276a3e8d626d");
        String hex = String.format("%040x", serials.bound(0x40, device));
        assertThat(hex).startsWith("40");
        assertThat(hex.substring(8)).isEqualTo("1484b5d6ed606b42b382276a3e8d626d");
        assertThat(SerialNumbers.boundObject(new BigInteger("4039b3bb1484b5d6ed606b42b382276a3e8d626d", 16))).isEqualTo(device);
    }

    @Test
    void unboundSerialsAreTwentyBytesPositiveWithTheTypeByteAndDiffer() {
        Set<BigInteger> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            BigInteger serial = serials.unbound(SerialNumbers.TYPE_STATIC);
            assertThat(serial.signum()).isPositive();
            assertThat(serial.toByteArray()).hasSize(20);
            assertThat(serial.toByteArray()[0]).isEqualTo((byte) 0x50);
            seen.add(serial);
        }
        assertThat(seen).hasSize(1000);
    }

    @Test
    void boundObjectRoundTripsForRandomGuids() {
        for (int i = 0; i < 100; i++) {
            UUID id = UUID.randomUUID();
            assertThat(SerialNumbers.boundObject(serials.bound(0x60, id))).isEqualTo(id);
        }
    }
}
