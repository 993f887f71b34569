package io.parley.server.outbound;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP listener on a loopback port that only counts the connections made to it and holds them open without a
 * word: where a refused destination would have been reached, so a test can show that nobody came (and, for a client
 * that did come, that it gives up when no answer arrives).
 */
public final class ConnectionRecorder implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    public ConnectionRecorder() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("connection-recorder").start(() -> {
            while (!server.isClosed()) {
                try {
                    open.add(server.accept());
                    accepted.incrementAndGet();
                } catch (IOException e) {
                    return; // closed
                }
            }
        });
    }

    public int port() { return server.getLocalPort(); }

    /** {@return how many connections were accepted so far} */
    public int connections() { return accepted.get(); }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) s.close();
    }
}
