package io.parley.server.federation.link;

import io.parley.server.bench.LinkCut;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

/**
 * A TLS front for a test pod, as an admin's reverse proxy would be: the bench's {@link LinkCut} forwarder listening
 * with TLS sockets, a self-signed certificate made with the JDK's keytool, passing the bytes to the pod's plain HTTP
 * port. {@link #replaceKey()} serves a certificate with another key on the same port: an impostor, for a pinned peer.
 */
final class TlsFront implements AutoCloseable {
    private static final char[] PASS = "changeit".toCharArray();
    private final Path dir;
    private final LinkCut link;
    private volatile String pin;

    TlsFront() throws Exception {
        dir = Files.createTempDirectory("parley-tls-");
        link = new LinkCut(context("first").getServerSocketFactory());
    }

    String url() { return "https://127.0.0.1:" + link.port(); }

    /** {@return the pin of the key served now} */
    String pin() { return pin; }

    /** Forwards to the pod at this base URL. */
    void target(String baseUrl) { link.target(URI.create(baseUrl).getPort()); }

    /** Serves a new key on the same port; live connections are cut. */
    void replaceKey() throws Exception {
        link.restore(context("second").getServerSocketFactory());
    }

    /** {@return a TLS context with a fresh self-signed key and certificate; its pin becomes the front's} */
    private SSLContext context(String name) throws Exception {
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
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASS);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        pin = TlsPin.of(((X509Certificate) ks.getCertificate("pod")).getPublicKey());
        return ctx;
    }

    @Override
    public void close() throws Exception {
        link.close();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
        }
        Files.deleteIfExists(dir);
    }
}
