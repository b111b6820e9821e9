package dev.scepter.server.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The default DNS-01 lookup (JNDI's DNS provider) against a loopback UDP server answering TXT
 * queries as this test says: values, split strings, NXDOMAIN, SERVFAIL and silence.
 */
class DnsLookupTest {

    /** Each name's TXT records, each record its character-strings. */
    private static final Map<String, List<List<String>>> ZONE = Map.of(
            "_acme-challenge.one.example.com", List.of(List.of("first value"), List.of("second")),
            "_acme-challenge.split.example.com", List.of(List.of("abcdefghij", "klmnopqrst")));
    private DatagramSocket socket;

    @BeforeEach
    void startServer() throws Exception {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread server = new Thread(this::serve, "txt-stub");
        server.setDaemon(true);
        server.start();
    }

    @AfterEach
    void stopServer() {
        socket.close();
    }

    private Dns01Validator.DnsLookup lookup(Duration deadline) {
        return new Dns01Validator.DnsLookup("dns://127.0.0.1:" + socket.getLocalPort(), deadline);
    }

    @Test
    void theValuesOfEachRecordAreAnsweredAndSplitStringsJoined() throws Exception {
        assertThat(lookup(Duration.ofSeconds(5)).txt("_acme-challenge.one.example.com")).containsExactlyInAnyOrder("first value", "second");
        assertThat(lookup(Duration.ofSeconds(5)).txt("_acme-challenge.split.example.com")).containsExactly("abcdefghijklmnopqrst");
    }

    @Test
    void aNameThatDoesNotExistHasNoValues() throws Exception {
        assertThat(lookup(Duration.ofSeconds(5)).txt("_acme-challenge.missing.example.com")).isEmpty();
    }

    @Test
    void aServerFailureOrNoAnswerIsALookupFailure() {
        assertThatThrownBy(() -> lookup(Duration.ofSeconds(5)).txt("_acme-challenge.servfail.example.com"))
                .isInstanceOf(Dns01Validator.LookupFailure.class);
        long start = System.nanoTime();
        assertThatThrownBy(() -> lookup(Duration.ofMillis(800)).txt("_acme-challenge.silent.example.com"))
                .isInstanceOf(Dns01Validator.LookupFailure.class).hasMessageContaining("no answer within 800 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the lookup's own deadline, not JNDI's 6 s").isLessThan(Duration.ofSeconds(3));
    }

    private void serve() {
        byte[] buffer = new byte[1500];
        while (!socket.isClosed()) {
            try {
                DatagramPacket query = new DatagramPacket(buffer, buffer.length);
                socket.receive(query);
                int at = 12;
                StringBuilder name = new StringBuilder();
                while (buffer[at] != 0) {
                    int length = buffer[at] & 0xff;
                    name.append(name.length() == 0 ? "" : ".").append(new String(buffer, at + 1, length, StandardCharsets.US_ASCII));
                    at += length + 1;
                }
                int questionEnd = at + 5;
                String asked = name.toString().toLowerCase(Locale.ROOT);
                if (asked.startsWith("_acme-challenge.silent.")) {
                    continue;
                }
                List<List<String>> records = ZONE.get(asked);
                int rcode = asked.startsWith("_acme-challenge.servfail.") ? 2 : records == null ? 3 : 0;
                ByteArrayOutputStream answer = new ByteArrayOutputStream();
                answer.write(buffer, 0, 2); // the query's id
                answer.write(0x81); // QR, RD
                answer.write(0x80 | rcode); // RA
                int count = records == null || rcode != 0 ? 0 : records.size();
                answer.write(new byte[] {0, 1, 0, (byte) count, 0, 0, 0, 0});
                answer.write(buffer, 12, questionEnd - 12);
                for (int i = 0; i < count; i++) {
                    ByteArrayOutputStream rdata = new ByteArrayOutputStream();
                    for (String string : records.get(i)) {
                        rdata.write(string.length());
                        rdata.write(string.getBytes(StandardCharsets.US_ASCII));
                    }
                    answer.write(new byte[] {(byte) 0xc0, 12, 0, 16, 0, 1, 0, 0, 0, 60, 0, (byte) rdata.size()});
                    rdata.writeTo(answer);
                }
                byte[] bytes = answer.toByteArray();
                socket.send(new DatagramPacket(bytes, bytes.length, query.getSocketAddress()));
            } catch (IOException | RuntimeException e) {
                // closed, or a packet this stub does not understand
            }
        }
    }
}
