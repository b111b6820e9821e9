package dev.scepter.server.acme;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback address and port that drop connection attempts, as a firewall that drops rather than
 * refuses: a listener that never accepts, whose accept queue is filled first, so that Linux drops
 * further SYNs and a connect times out. On 127.0.0.2, so that 127.0.0.1 can serve the same port.
 */
final class BlackHole implements AutoCloseable {

    static final InetAddress ADDRESS = address("127.0.0.2");
    private final ServerSocket listener;
    private final List<Socket> queued = new ArrayList<>();

    BlackHole(int port) throws IOException {
        listener = new ServerSocket(port, 1, ADDRESS);
        for (int i = 0; i < 16; i++) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(ADDRESS, port), 500);
                queued.add(socket);
            } catch (SocketTimeoutException e) {
                socket.close();
                return; // the queue is full: from now on attempts are dropped
            }
        }
        close();
        throw new IllegalStateException("the accept queue of " + ADDRESS + ":" + port + " never filled");
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        for (Socket socket : queued) {
            socket.close();
        }
        listener.close();
    }
}
