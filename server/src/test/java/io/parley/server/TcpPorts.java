package io.parley.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Local TCP ports as tests see them: whether a helper process (NATS, haproxy, clamd) accepts connections yet. */
public final class TcpPorts {
    private TcpPorts() {}

    /** {@return whether something on 127.0.0.1 accepts a connection on the port (within 200 ms)} */
    public static boolean accepting(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
