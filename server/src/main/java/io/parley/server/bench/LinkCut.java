package io.parley.server.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ServerSocketFactory;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP forwarder in front of one pod's port, for {@code bench pods}: the other pod reaches it only
 * through here, so {@link #cut()} partitions the link in that direction (connects refused, live connections reset)
 * and {@link #restore()} heals it. Its target can be set after it listens ({@link #target}), since the pod's URL
 * must name the forwarder before the pod starts.
 *
 * <p>Its listening sockets come from a {@link ServerSocketFactory}: an {@code SSLServerSocketFactory} makes it a TLS
 * front (the tests' pinned-link pod), and {@link #restore(ServerSocketFactory)} may switch to another one on the
 * same port (another certificate).
 */
public final class LinkCut implements AutoCloseable {
    private final Set<Socket> live = ConcurrentHashMap.newKeySet();
    private volatile int targetPort;
    private volatile ServerSocket server;
    private volatile ServerSocketFactory factory;
    private final int port;

    LinkCut() throws IOException {
        this(ServerSocketFactory.getDefault());
    }

    public LinkCut(ServerSocketFactory factory) throws IOException {
        this.factory = factory;
        this.port = listen(0);
    }

    public int port() { return port; }

    String url() { return "http://127.0.0.1:" + port; }

    public void target(int port) { this.targetPort = port; }

    private synchronized int listen(int wanted) throws IOException {
        ServerSocket ss = factory.createServerSocket();
        ss.setReuseAddress(true);
        ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted), 128);
        server = ss;
        Thread.ofVirtual().name("bench-link-accept").start(() -> accept(ss));
        return ss.getLocalPort();
    }

    private void accept(ServerSocket ss) {
        while (!ss.isClosed()) {
            try {
                Socket in = ss.accept();
                Socket out = new Socket();
                try {
                    out.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2_000);
                } catch (IOException e) {
                    in.close();
                    continue;
                }
                in.setTcpNoDelay(true);
                out.setTcpNoDelay(true);
                synchronized (this) {
                    // A connection accepted just before a cut must not outlive it: cut() swept the live set already.
                    if (ss.isClosed() || server != ss) {
                        in.close();
                        out.close();
                        continue;
                    }
                    live.add(in);
                    live.add(out);
                }
                Thread.ofVirtual().start(() -> pipe(in, out));
                Thread.ofVirtual().start(() -> pipe(out, in));
            } catch (IOException e) {
                return; // cut
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buf)) >= 0; ) out.write(buf, 0, n);
        } catch (IOException ignored) {
            // cut, or closed by either side
        } finally {
            close(from);
            close(to);
        }
    }

    /** Refuses new connections and resets the live ones. */
    public synchronized void cut() {
        close(server);
        for (Socket s : live) {
            try {
                s.setSoLinger(true, 0);
            } catch (IOException ignored) {
                // already closed
            }
            close(s);
        }
        live.clear();
    }

    synchronized void restore() throws IOException {
        if (server.isClosed()) listen(port);
    }

    /** Cuts the link and listens again on the same port with sockets from {@code next}. */
    public synchronized void restore(ServerSocketFactory next) throws IOException {
        cut();
        factory = next;
        listen(port);
    }

    private void close(AutoCloseable c) {
        try {
            if (c != null) c.close();
        } catch (Exception ignored) {
            // nothing to do
        }
        if (c instanceof Socket s) live.remove(s);
    }

    @Override
    public void close() { cut(); }
}
