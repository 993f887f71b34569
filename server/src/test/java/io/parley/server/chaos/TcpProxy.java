package io.parley.server.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * A loopback TCP proxy to one target, so a test can take "the database" (or a pod-to-pod link) away from one
 * server without touching the target itself. {@link #sever()} closes the listening socket and every open
 * connection (new connects are refused, live ones see a reset/EOF); {@link #restore()} listens again on the same
 * port. {@link #retarget} points it at a target that came back on another port (a restarted pod).
 *
 * <p><b>Faults</b> ({@link #faults}): each chunk read is held back by the latency (plus a random jitter, never
 * reordering the stream: a chunk is never due before the one ahead of it), written no faster than the bandwidth
 * limit, and with the reset probability the connection is cut with an RST in both directions instead — TCP has
 * no lost packets to show an application, so a lossy link is, above TCP, stalls and resets. One reader and one
 * writer (virtual) thread per direction, a queue between them.
 */
final class TcpProxy implements AutoCloseable {
    /** What the proxy does to the bytes it passes; {@link #NONE} passes them untouched. */
    record Faults(Duration latency, Duration jitter, long bytesPerSecond, double resetPerChunk) {
        static final Faults NONE = new Faults(Duration.ZERO, Duration.ZERO, 0, 0);
    }

    private record Chunk(byte[] bytes, long dueNanos) {}

    private static final Chunk EOF = new Chunk(new byte[0], 0);

    private volatile InetSocketAddress target;
    private volatile Faults faults = Faults.NONE;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;
    private int port;

    TcpProxy(String host, int port) throws IOException {
        this.target = new InetSocketAddress(host, port);
        listen(0);
    }

    int port() { return port; }

    String hostPort() { return "127.0.0.1:" + port; }

    /** Points new connections at another port of the same host (live ones are cut: they went to the old target). */
    synchronized void retarget(int targetPort) {
        target = new InetSocketAddress(target.getHostString(), targetPort);
        cutLive();
    }

    /** Applies faults to every chunk from now on, on live connections too. */
    void faults(Faults f) { faults = f; }

    private synchronized void listen(int wanted) throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true);
        ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted), 50);
        server = ss;
        port = ss.getLocalPort();
        Thread.ofVirtual().name("proxy-accept").start(() -> accept(ss));
    }

    private void accept(ServerSocket ss) {
        while (!ss.isClosed()) {
            Socket client;
            try {
                client = ss.accept();
            } catch (IOException e) {
                return;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(target, 2_000);
            } catch (IOException e) {
                closeQuietly(client);
                continue;
            }
            synchronized (this) {
                // Accepted just before a sever: it must not outlive it (sever swept the live sockets already).
                if (ss.isClosed() || server != ss) {
                    closeQuietly(client);
                    closeQuietly(upstream);
                    continue;
                }
                sockets.add(client);
                sockets.add(upstream);
            }
            pipe(client, upstream);
            pipe(upstream, client);
        }
    }

    /** One direction: a reader that stamps each chunk with its due time, a writer that delivers it then. */
    private void pipe(Socket from, Socket to) {
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        Thread.ofVirtual().name("proxy-read").start(() -> {
            byte[] buf = new byte[16 * 1024];
            long lastDue = 0;
            try (InputStream in = from.getInputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    Faults f = faults;
                    if (f.resetPerChunk() > 0 && ThreadLocalRandom.current().nextDouble() < f.resetPerChunk()) {
                        reset(from);
                        reset(to);
                        break;
                    }
                    long delay = f.latency().toNanos();
                    if (!f.jitter().isZero()) delay += ThreadLocalRandom.current().nextLong(f.jitter().toNanos() + 1);
                    long due = Math.max(lastDue, System.nanoTime() + delay);
                    lastDue = due;
                    queue.add(new Chunk(Arrays.copyOf(buf, n), due));
                }
            } catch (IOException ignored) {
                // severed or closed by either side
            } finally {
                queue.add(EOF);
            }
        });
        Thread.ofVirtual().name("proxy-write").start(() -> {
            try (OutputStream out = to.getOutputStream()) {
                for (Chunk c; (c = queue.take()) != EOF; ) {
                    long wait = c.dueNanos() - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(wait);
                    out.write(c.bytes());
                    out.flush();
                    long bps = faults.bytesPerSecond();
                    if (bps > 0) LockSupport.parkNanos(c.bytes().length * 1_000_000_000L / bps);
                }
            } catch (IOException | InterruptedException ignored) {
                // severed or closed by either side
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        });
    }

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0); // RST, like a crashed peer or a dropped route
        } catch (IOException ignored) {
            // already closed
        }
        closeQuietly(s);
    }

    /** Takes the target away: stop listening and cut every live connection. */
    synchronized void sever() {
        closeQuietly(server);
        cutLive();
    }

    private void cutLive() {
        for (Socket s : sockets) reset(s);
        sockets.clear();
    }

    /** Brings the target back on the same port. */
    synchronized void restore() throws IOException {
        if (!server.isClosed()) return;
        listen(port);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            if (c != null) c.close();
        } catch (Exception ignored) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        sever();
    }
}
