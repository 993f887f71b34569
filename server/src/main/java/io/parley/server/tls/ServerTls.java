package io.parley.server.tls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The TLS of the gateway: the {@link SslContext} each new connection's {@link SslHandler} is made from, and its
 * reload.
 *
 * <p><b>Contexts.</b> Netty's JDK provider (no tcnative: nothing native to ship, and the JDK's TLS 1.3 is enough for
 * chat traffic); the protocols are set from {@code min_version}, never left to the JDK's defaults; the cipher suites
 * are the AEAD ones with forward secrecy (TLS 1.3's three, and ECDHE with AES-GCM or ChaCha20-Poly1305 for 1.2);
 * ALPN advertises {@code http/1.1} alone, because that is what Parley speaks (WebSockets upgrade from it).
 *
 * <p><b>Reload.</b> A connection's SslHandler keeps the engine, and so the key and certificate, it was made with.
 * Replacing the context in one volatile field therefore changes what new connections get and nothing else: open
 * WebSockets keep their TLS session and stay open. A reload reads both files once, checks the pair exactly as at
 * start ({@link ServerCertificate}), and only then swaps; a pair that fails is refused with one log line and the
 * old context stays. Two triggers: {@link #reload()} (SIGHUP), which loads whatever the files hold, and a poll every
 * {@code reload_interval} that compares the files' bytes (not their mtimes: a copy that keeps the mtime, or two writes
 * within the file system's mtime granularity, still count). The poll loads a change only after reading the same bytes
 * twice in a row, so a renewal that writes the certificate and then the key is not caught in between, and it does
 * not try a pair it refused again until the bytes change.
 */
public final class ServerTls implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);
    /** TLS 1.3's suites, then TLS 1.2's ECDHE + AEAD suites (Mozilla's "intermediate" list without DHE). */
    private static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** What is served now: the context and the pair and file bytes it was made from. */
    private record Served(SslContext context, ServerCertificate certificate, ServerCertificate.Contents files) {}

    private final TlsSettings settings;
    private final Clock clock;
    private final Counter loaded;
    private final Counter refused;
    private final ScheduledExecutorService poll;
    private volatile Served served;
    /** Guarded by this: bytes seen by the last poll that differed from those served (loaded on the next if unchanged). */
    private ServerCertificate.Contents pending;
    /** Guarded by this: bytes a reload refused, not tried again by the poll. */
    private ServerCertificate.Contents rejected;

    private ServerTls(TlsSettings settings, Clock clock, MeterRegistry registry, Served first) {
        this.settings = settings;
        this.clock = clock;
        this.served = first;
        this.loaded = Counter.builder("parley_tls_reloads").tag("result", "loaded")
                .description("certificate reloads, by result").register(registry);
        this.refused = Counter.builder("parley_tls_reloads").tag("result", "refused")
                .description("certificate reloads, by result").register(registry);
        Gauge.builder("parley_tls_certificate_expiry_seconds", this, t -> t.served.certificate().leaf().getNotAfter().getTime() / 1000.0)
                .description("when the served TLS certificate expires (Unix time)").register(registry);
        this.poll = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("parley-tls-reload").daemon().unstarted(r));
    }

    /**
     * {@return the TLS of a server whose files were checked at start} The files are read again here; one that went
     * bad since is an {@link IllegalStateException} with every problem.
     */
    public static ServerTls open(TlsSettings settings, Clock clock, MeterRegistry registry) {
        try {
            ServerCertificate.Contents files = ServerCertificate.Contents.read(settings.certificate(), settings.privateKey());
            Served first = serve(files, settings.minVersion(), clock);
            log.info("TLS {} and newer with {}", settings.minVersion().setting(), first.certificate().describe());
            return new ServerTls(settings, clock, registry, first);
        } catch (ServerCertificate.Invalid e) {
            throw new IllegalStateException("server.tls: " + e.getMessage(), e);
        }
    }

    /** Starts polling the files for changes. */
    public void start() {
        long every = settings.reloadInterval().toMillis();
        poll.scheduleWithFixedDelay(new FilePoll(), every, every, TimeUnit.MILLISECONDS);
    }

    /** {@return a handler for a new connection, made from the context served now} */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        return served.context().newHandler(alloc);
    }

    /** {@return the settings} */
    public TlsSettings settings() { return settings; }

    /**
     * Loads the files now (SIGHUP, or a test); {@return whether new connections now get what the files hold} A pair
     * that fails its checks is refused with a log line, and the one served before stays.
     */
    public synchronized boolean reload() {
        try {
            ServerCertificate.Contents files = ServerCertificate.Contents.read(settings.certificate(), settings.privateKey());
            if (files.same(served.files())) {
                log.info("TLS files unchanged; still serving {}", served.certificate().describe());
                return true;
            }
            return load(files);
        } catch (ServerCertificate.Invalid e) {
            return refuse(null, e);
        }
    }

    /** Swaps in the pair in these bytes, or refuses them. Called with the monitor held. */
    private boolean load(ServerCertificate.Contents files) {
        try {
            Served next = serve(files, settings.minVersion(), clock);
            served = next;
            pending = null;
            rejected = null;
            loaded.increment();
            log.info("TLS certificate reloaded; new connections get {}", next.certificate().describe());
            return true;
        } catch (ServerCertificate.Invalid e) {
            return refuse(files, e);
        }
    }

    private boolean refuse(ServerCertificate.Contents files, ServerCertificate.Invalid e) {
        rejected = files;
        refused.increment();
        log.warn("TLS certificate reload refused, still serving {}: {}", served.certificate().describe(), e.getMessage());
        return false;
    }

    /** Each poll: load bytes that differ from those served once two polls in a row read them alike. */
    private final class FilePoll implements Runnable {
        @Override
        public void run() {
            try {
                poll();
            } catch (RuntimeException e) { // never let one bad poll end the schedule
                log.warn("checking the TLS files for a change failed; the next poll tries again", e);
            }
        }

        private void poll() {
            synchronized (ServerTls.this) {
                ServerCertificate.Contents files;
                try {
                    files = ServerCertificate.Contents.read(settings.certificate(), settings.privateKey());
                } catch (ServerCertificate.Invalid e) { // mid-rename, or removed: wait for files to come back
                    pending = null;
                    return;
                }
                if (files.same(served.files()) || files.same(rejected)) {
                    pending = null;
                } else if (files.same(pending)) {
                    load(files);
                } else {
                    pending = files; // just changed: load it if the next poll reads the same
                }
            }
        }
    }

    private static Served serve(ServerCertificate.Contents files, TlsVersion minVersion, Clock clock) throws ServerCertificate.Invalid {
        ServerCertificate certificate = ServerCertificate.parse(files, clock.instant());
        certificate.expiryWarning(clock.instant()).ifPresent(log::warn);
        return new Served(context(certificate, minVersion), certificate, files);
    }

    private static SslContext context(ServerCertificate certificate, TlsVersion minVersion) throws ServerCertificate.Invalid {
        try {
            return SslContextBuilder.forServer(certificate.key(), certificate.chain())
                    .sslProvider(SslProvider.JDK)
                    .protocols(minVersion.protocols())
                    .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_1_1))
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new ServerCertificate.Invalid(List.of("the JDK's TLS cannot use this certificate and key (" + e.getMessage() + ")"));
        }
    }

    /** Stops the poll; open connections keep their TLS. */
    @Override
    public void close() {
        poll.shutdownNow();
    }
}
