package dev.scepter.e2e;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;

/**
 * A DNS "resolver" on a loopback UDP port that answers every query with NOERROR and no records,
 * the question echoed: for clients (lego) that insist on asking one before they go on, without
 * reaching any real resolver.
 */
final class LoopbackDnsStub implements AutoCloseable {

    private final DatagramSocket socket;
    private final Thread thread;

    private LoopbackDnsStub(DatagramSocket socket) {
        this.socket = socket;
        this.thread = new Thread(this::serve, "dns-stub");
        thread.setDaemon(true);
        thread.start();
    }

    static LoopbackDnsStub start() throws SocketException {
        return new LoopbackDnsStub(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
    }

    int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        byte[] buffer = new byte[1500];
        while (!socket.isClosed()) {
            try {
                DatagramPacket query = new DatagramPacket(buffer, buffer.length);
                socket.receive(query);
                int end = questionEnd(buffer, query.getLength());
                if (end < 0) {
                    continue;
                }
                byte[] answer = Arrays.copyOf(buffer, end);
                answer[2] = (byte) (0x80 | (buffer[2] & 0x79)); // QR, the query's opcode and RD
                answer[3] = (byte) 0x80; // RA, NOERROR
                answer[4] = 0;
                answer[5] = 1; // one question, no records in any section
                Arrays.fill(answer, 6, 12, (byte) 0);
                socket.send(new DatagramPacket(answer, answer.length, query.getSocketAddress()));
            } catch (IOException e) {
                // closed, or a packet we cannot answer: go on until closed
            }
        }
    }

    /** Where the first question ends (its name's labels, then type and class), or -1. */
    private static int questionEnd(byte[] packet, int length) {
        int at = 12;
        while (at < length && packet[at] != 0) {
            at += (packet[at] & 0xff) + 1;
        }
        at += 5;
        return at <= length ? at : -1;
    }

    @Override
    public void close() {
        socket.close();
    }
}
