package io.parley.server.federation;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TLS front for a test pod, as an admin's reverse proxy would be: terminates TLS with a self-signed certificate
 * (made with the JDK's keytool) and passes the bytes to the pod's plain HTTP port. {@link #replaceKey()} starts
 * serving a certificate with another key on the same port: an impostor, for a pinned peer.
 */
final class TlsFront implements AutoCloseable {
    private static final char[] PASS = "changeit".toCharArray();
    private final Path dir;
    private final Set<Socket> live = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;
    private volatile int target;
    private volatile String pin;
    private final int port;

    TlsFront() throws Exception {
        dir = Files.createTempDirectory("parley-tls-");
        port = listen(0, "first");
    }

    String url() { return "https://127.0.0.1:" + port; }

    /** {@return the pin of the key served now} */
    String pin() { return pin; }

    void target(int port) { this.target = port; }

    /** Serves a new key on the same port; live connections are cut. */
    synchronized void replaceKey() throws Exception {
        cut();
        listen(port, "second");
    }

    private synchronized int listen(int wanted, String name) throws Exception {
        KeyStore ks = keyStore(name);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASS);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        SSLServerSocket ss = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket();
        ss.setReuseAddress(true);
        ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted), 64);
        pin = TlsPin.of(((X509Certificate) ks.getCertificate("pod")).getPublicKey());
        server = ss;
        Thread.ofVirtual().start(() -> accept(ss));
        return ss.getLocalPort();
    }

    private KeyStore keyStore(String name) throws Exception {
        Path file = dir.resolve(name + ".p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-alias", "pod",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name, "-validity", "2", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", new String(PASS), "-keypass", new String(PASS))
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("keytool failed");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASS);
        }
        return ks;
    }

    private void accept(ServerSocket ss) {
        while (!ss.isClosed()) {
            try {
                Socket in = ss.accept();
                Socket out = new Socket();
                try {
                    out.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 2_000);
                } catch (IOException e) {
                    in.close();
                    continue;
                }
                synchronized (this) {
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
                if (ss.isClosed()) return;
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buf)) >= 0; ) out.write(buf, 0, n);
        } catch (IOException ignored) {
            // cut, a failed handshake, or closed by either side
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private synchronized void cut() {
        closeQuietly(server);
        for (Socket s : List.copyOf(live)) closeQuietly(s);
        live.clear();
    }

    private void closeQuietly(AutoCloseable c) {
        try {
            if (c != null) c.close();
        } catch (Exception ignored) {
            // nothing to do
        }
        if (c instanceof Socket s) live.remove(s);
    }

    @Override
    public void close() throws IOException {
        cut();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
        }
        Files.deleteIfExists(dir);
    }
}
