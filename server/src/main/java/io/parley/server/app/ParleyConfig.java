package io.parley.server.app;

import io.parley.core.auth.AuthSettings;
import io.parley.core.auth.ThrottleSettings;
import io.parley.core.files.FileSettings;
import io.parley.core.realtime.RealtimeSettings;
import io.parley.server.files.ScanSettings;
import io.parley.server.gateway.GatewayConfig;
import io.parley.server.outbound.OutboundSettings;
import io.parley.server.http.TrustedProxies;
import io.parley.server.push.PushSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import io.parley.core.realtime.RateAction;
import io.parley.core.realtime.RateLimits;

/**
 * Everything Parley is configured with, immutable, validated once at start by {@link ConfigLoader}.
 * Defaults (beside each field in {@link #defaults()}) give the single-node shape: SQLite under
 * {@code ./data}, HTTP and WebSocket on 127.0.0.1:8080. Typing and presence timers are
 * {@link RealtimeSettings} (section {@code [realtime]}; defaults in {@link RealtimeSettings#DEFAULTS}); file limits
 * are {@link FileSettings} ({@code [files]}, {@link FileSettings#DEFAULTS}) with the choice of blob store; what the
 * server may connect to is {@link OutboundSettings} ({@code [outbound]}, {@link OutboundSettings#DEFAULTS}).
 */
public record ParleyConfig(Server server, Store store, Auth auth, GatewayConfig gateway, Pod pod, PushSettings push,
                           OutboundSettings outbound, RealtimeSettings realtime, Limits limits, Notifications notifications, Files files,
                           Bus bus) {

    /**
     * @param limits size limit, quota, how long unattached uploads live
     * @param blobStore where file bytes live: {@code disk} (under the data directory), {@code database} (PostgreSQL:
     *     every node of a pod reads them), or {@code auto} (database with PostgreSQL, else disk)
     * @param scan the virus scan of uploads ({@code files.scan_*}; off by default)
     */
    public record Files(FileSettings limits, String blobStore, ScanSettings scan) {
        /** {@return whether bytes go into the database} */
        public boolean inDatabase(Store store) {
            return blobStore.equals("database") || (blobStore.equals("auto") && store.kind().equals("postgres"));
        }
    }

    /**
     * @param host interface to bind (127.0.0.1)
     * @param port TCP port (8080; 0 picks a free one)
     * @param publicUrl the URL people use to reach this server (printed, used in invite links); derived when empty
     *     (https when TLS is on)
     * @param tls HTTPS served by Parley itself ({@code [server.tls]}; none: plain HTTP, e.g. behind a proxy)
     * @param trustedProxies the load balancers whose {@code X-Forwarded-For} names the client (none)
     */
    public record Server(String host, int port, String publicUrl, java.util.Optional<io.parley.server.tls.TlsSettings> tls,
                         TrustedProxies trustedProxies) {
        /** A server without TLS that trusts no proxy. */
        public Server(String host, int port, String publicUrl) {
            this(host, port, publicUrl, java.util.Optional.empty(), TrustedProxies.NONE);
        }
    }

    /**
     * @param kind sqlite (default) or postgres
     * @param dataDir where SQLite's file and other local state live (./data)
     * @param url JDBC URL for PostgreSQL (required with kind=postgres)
     * @param username database user (optional)
     * @param password database password (optional; never logged)
     * @param poolSize connection pool size for PostgreSQL (10)
     * @param writerBatchMax most commands committed in one transaction (512)
     */
    public record Store(String kind, Path dataDir, String url, String username, String password, int poolSize, int writerBatchMax) {
        @Override
        public String toString() { // keeps the password out of logs
            return "Store[kind=" + kind + ", dataDir=" + dataDir + ", url=" + url + ", username=" + username + ", poolSize=" + poolSize + "]";
        }
    }

    /**
     * @param accessTtl access token lifetime (15m)
     * @param refreshTtl refresh token lifetime (7d)
     * @param minPasswordLength (8)
     * @param argon2MemoryKib Argon2id memory cost (19456 KiB, OWASP's minimum recommendation)
     * @param argon2Iterations Argon2id time cost (2)
     * @param throttle the backoff after failed proofs ({@link ThrottleSettings#DEFAULTS})
     * @param hashingConcurrency password hashings that may run at once; 0: one per core (0)
     * @param hashingWait how long a password check waits for a free hashing slot before it is refused (1s)
     */
    public record Auth(Duration accessTtl, Duration refreshTtl, int minPasswordLength, int argon2MemoryKib, int argon2Iterations,
                       ThrottleSettings throttle, int hashingConcurrency, Duration hashingWait) {
        public AuthSettings settings() { return new AuthSettings(accessTtl, refreshTtl, minPasswordLength); }

        /** {@return how many hashings may run at once: {@code hashingConcurrency}, or one per core} */
        public int hashingPermits() {
            return hashingConcurrency > 0 ? hashingConcurrency : Runtime.getRuntime().availableProcessors();
        }
    }

    /**
     * This pod's identity and its links to other pods (issue 7).
     *
     * @param id this pod's id, stamped on every message it originates ("local")
     * @param publicUrl the base URL other pods reach this pod at; empty: server.public_url, else http://host:port
     *     of the bound address ("")
     * @param heartbeatInterval how often every linked peer is sent a heartbeat (1s)
     * @param deadAfterMissed missed heartbeats in a row before a peer may be declared dead (3)
     * @param grace a peer is declared dead only once this long has also passed since it last answered (3s)
     * @param maxClockSkew a peer whose clock is further off than this is flagged skewed (2s)
     * @param requestWindow a signed pod request older or newer than this is refused as stale; its nonce is
     *     remembered this long (30s)
     * @param clockOffset added to this pod's clock in everything pod-to-pod (a diagnostic and test knob that
     *     simulates a skewed host; 0)
     * @param maxResilientChannels resilient channels this pod hosts as primary or replica (20)
     * @param maxReplicatedBytes bytes of other pods' replicated logs this pod keeps (1 GiB)
     * @param replicationRate replicated bytes per second this pod takes in (1 MiB/s; bursts of 8 times that)
     * @param leaseDuration how long an acting primary's lease lasts without renewal (30s)
     * @param tlsPin {@code sha256/<base64>} of the public key of the TLS certificate this pod is served with at its
     *     https public URL; peers that link to it pin their connections to that key (none: CA validation)
     */
    public record Pod(String id, String publicUrl, Duration heartbeatInterval, int deadAfterMissed, Duration grace,
                      Duration maxClockSkew, Duration requestWindow, Duration clockOffset, Duration orgResyncInterval,
                      int maxResilientChannels, long maxReplicatedBytes, long replicationRate, Duration leaseDuration,
                      String tlsPin) {
        /** The defaults with this id. */
        public Pod(String id) {
            this(id, "", Duration.ofSeconds(1), 3, Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ZERO,
                    Duration.ofSeconds(60), 20, 1L << 30, 1L << 20, Duration.ofSeconds(30), "");
        }
    }

    /**
     * Rate limits of spec 002 §7.3 (token buckets per user; the limits not listed keep their defaults).
     *
     * @param messagesPerSecond messages a user may send per second, both interfaces together (10)
     * @param readMarksPerSecond read marks per user per second applied at once; the rest are coalesced (5)
     * @param urgentPerHour urgent messages per sender per hour (3)
     * @param uploadsPerMinute file uploads per user per minute (10)
     * @param webhookPostsPerSecond posts per incoming webhook per second (10)
     */
    public record Limits(int messagesPerSecond, int readMarksPerSecond, int urgentPerHour, int uploadsPerMinute,
                         int webhookPostsPerSecond) {
        /** {@return the limits for the token buckets} */
        public RateLimits rateLimits() {
            Map<RateAction, RateLimits.Limit> m = new EnumMap<>(RateLimits.defaults().limits());
            m.put(RateAction.MESSAGE, new RateLimits.Limit(messagesPerSecond, Duration.ofSeconds(1)));
            m.put(RateAction.READ_MARK, new RateLimits.Limit(readMarksPerSecond, Duration.ofSeconds(1)));
            m.put(RateAction.URGENT, new RateLimits.Limit(urgentPerHour, Duration.ofHours(1)));
            m.put(RateAction.UPLOAD, new RateLimits.Limit(uploadsPerMinute, Duration.ofMinutes(1)));
            m.put(RateAction.WEBHOOK, new RateLimits.Limit(webhookPostsPerSecond, Duration.ofSeconds(1)));
            return new RateLimits(m);
        }
    }

    /**
     * @param badgeInterval how often changed badges are sent: at most one {@code notification.badge} per chat per user per interval (250ms)
     * @param toastGroupWindow after a toast, further messages of the chat within this window become one grouped toast (5s)
     * @param queueMax committed events waiting for the notification worker; past it badges are re-derived (100000)
     */
    public record Notifications(Duration badgeInterval, Duration toastGroupWindow, int queueMax) {}

    /**
     * The bus between the nodes of a pod.
     *
     * @param kind {@code inprocess} (default: one node) or {@code nats} (a scaled-out pod; needs store.kind = postgres)
     * @param url the NATS server(s), {@code nats://host:4222}, comma-separated for a cluster (kind = nats)
     * @param prefix the first token of every subject and the start of every key-value bucket name; all nodes of
     *     a pod share it, and two pods on one NATS must not ("parley")
     */
    public record Bus(String kind, String url, String prefix) {
        /** {@return whether this is a scaled-out pod's bus} */
        public boolean nats() { return kind.equals("nats"); }
    }

    /** {@return the single-node defaults} */
    public static ParleyConfig defaults() {
        return new ParleyConfig(
                new Server("127.0.0.1", 8080, ""),
                new Store("sqlite", Path.of("data"), "", "", "", 10, 512),
                new Auth(Duration.ofMinutes(15), Duration.ofDays(7), 8, 19456, 2, ThrottleSettings.DEFAULTS, 0, Duration.ofSeconds(1)),
                GatewayConfig.DEFAULTS,
                new Pod("local"),
                PushSettings.DEFAULTS, OutboundSettings.DEFAULTS, RealtimeSettings.DEFAULTS,
                new Limits(10, 5, 3, 10, 10),
                new Notifications(Duration.ofMillis(250), Duration.ofSeconds(5), 100_000),
                new Files(FileSettings.DEFAULTS, "auto", ScanSettings.DEFAULTS),
                new Bus("inprocess", "", "parley"));
    }
}
