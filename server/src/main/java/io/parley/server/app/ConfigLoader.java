package io.parley.server.app;

import io.parley.core.auth.ThrottleSettings;
import io.parley.core.files.FileSettings;
import io.parley.core.realtime.RealtimeSettings;
import io.parley.server.files.ClamdAddress;
import io.parley.server.files.ScanSettings;
import io.parley.server.gateway.GatewayConfig;
import io.parley.server.http.TrustedProxies;
import io.parley.server.net.Cidr;
import io.parley.server.outbound.HostPattern;
import io.parley.server.outbound.OutboundSettings;
import io.parley.server.push.PushSettings;
import io.parley.server.tls.ServerCertificate;
import io.parley.server.tls.TlsSettings;
import io.parley.server.tls.TlsVersion;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads {@link ParleyConfig} from, highest precedence first: command-line overrides, environment
 * variables ({@code PARLEY_SECTION_KEY}, e.g. {@code PARLEY_SERVER_PORT}, {@code PARLEY_STORE_URL}),
 * one TOML file ({@code [server] port = 8080}), and the defaults. Every problem is collected and
 * reported together in one {@link InvalidConfig}; unknown keys in the file are problems too.
 */
public final class ConfigLoader {
    /** Thrown with every configuration problem found. */
    public static final class InvalidConfig extends Exception {
        private final List<String> problems;

        InvalidConfig(List<String> problems) {
            super("invalid configuration:\n  - " + String.join("\n  - ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() { return problems; }
    }

    private final ConfigValues values;
    private final List<String> problems;

    private ConfigLoader(Path file, Map<String, String> overrides, Map<String, String> env) {
        this.values = new ConfigValues(file, overrides, env);
        this.problems = values.problems();
    }

    /**
     * @param file a TOML file, or null
     * @param overrides dotted keys ({@code server.port}) from the command line
     * @param env the environment
     */
    public static ParleyConfig load(Path file, Map<String, String> overrides, Map<String, String> env) throws InvalidConfig {
        return new ConfigLoader(file, overrides, env).build();
    }

    private ParleyConfig.Files files(ParleyConfig.Files defaults, String storeKind) {
        String blobs = values.str("files.blob_store", defaults.blobStore()).toLowerCase(Locale.ROOT);
        if (!Set.of("auto", "disk", "database").contains(blobs)) {
            problems.add("files.blob_store must be auto, disk or database (got '" + blobs + "')");
        } else if (blobs.equals("database") && !storeKind.equals("postgres")) {
            problems.add("files.blob_store = database needs store.kind = postgres (SQLite keeps files on disk)");
        }
        return new ParleyConfig.Files(fileLimits(defaults.limits()), blobs, scan(defaults.scan()));
    }

    /** The virus scan of uploads: clamd's address (empty: no scanning), timeouts, and what a scanner that is down means. */
    private ScanSettings scan(ScanSettings d) {
        String address = values.str("files.scan_address", "");
        ClamdAddress clamd = d.clamd();
        if (!address.isEmpty()) {
            try {
                clamd = ClamdAddress.parse(address);
            } catch (IllegalArgumentException e) {
                problems.add("files.scan_address " + e.getMessage());
            }
        }
        Duration connect = values.duration("files.scan_connect_timeout", d.connectTimeout());
        Duration timeout = values.duration("files.scan_timeout", d.timeout());
        String unavailable = values.str("files.scan_unavailable", d.acceptUnscanned() ? "accept" : "refuse").toLowerCase(Locale.ROOT);
        if (!unavailable.equals("refuse") && !unavailable.equals("accept")) {
            problems.add("files.scan_unavailable must be refuse or accept (got '" + unavailable + "')");
        }
        return new ScanSettings(clamd, connect, timeout, unavailable.equals("accept"));
    }

    private FileSettings fileLimits(FileSettings d) {
        long max = values.size("files.max_size", d.maxBytes());
        long quota = values.size("files.workspace_quota", d.workspaceQuotaBytes());
        Duration ttl = values.duration("files.unattached_ttl", d.unattachedTtl());
        if (quota < max) problems.add("files.workspace_quota must be at least files.max_size");
        try {
            return new FileSettings(max, quota, ttl);
        } catch (IllegalArgumentException e) {
            return d; // reported above
        }
    }

    private ParleyConfig build() throws InvalidConfig {
        ParleyConfig d = ParleyConfig.defaults();
        String host = values.str("server.host", d.server().host());
        int port = values.integer("server.port", d.server().port(), 0, 65535);
        String publicUrl = values.str("server.public_url", d.server().publicUrl());
        var server = new ParleyConfig.Server(host, port, publicUrl, tls(port, publicUrl), trustedProxies(d.server().trustedProxies()));
        String kind = values.str("store.kind", d.store().kind()).toLowerCase(Locale.ROOT);
        if (!kind.equals("sqlite") && !kind.equals("postgres")) problems.add("store.kind must be sqlite or postgres (got '" + kind + "')");
        String url = values.str("store.url", "");
        if (kind.equals("postgres") && !url.startsWith("jdbc:postgresql:")) {
            problems.add("store.url must be a jdbc:postgresql:// URL when store.kind is postgres (got '" + (url.isEmpty() ? "nothing" : url) + "')");
        }
        var store = new ParleyConfig.Store(kind, values.path("store.data_dir", d.store().dataDir()), url,
                values.str("store.username", ""), values.str("store.password", ""), values.integer("store.pool_size", d.store().poolSize(), 1, 500),
                values.integer("store.writer_batch_max", d.store().writerBatchMax(), 1, 10_000));
        ParleyConfig.Auth auth = auth(d.auth());
        GatewayConfig g = d.gateway();
        var gateway = new GatewayConfig(values.integer("gateway.max_frame_bytes", g.maxFrameBytes(), 1024, 1 << 20),
                values.duration("gateway.heartbeat_timeout", g.heartbeatTimeout()), values.duration("gateway.idle_timeout", g.idleTimeout()),
                values.integer("gateway.max_connections_per_user", g.maxConnectionsPerUser(), 1, 100),
                values.integer("gateway.send_queue_max", g.sendQueueMax(), 10, 1_000_000),
                values.duration("gateway.token_refresh_lead", g.tokenRefreshLead()), values.duration("gateway.revocation_sweep", g.revocationSweep()));
        ParleyConfig.Pod pod = pod(d.pod(), server);
        PushSettings push = push(d.push(), server.publicUrl());
        OutboundSettings outbound = outbound(d.outbound());
        RealtimeSettings realtime = realtime(d.realtime());
        var limits = new ParleyConfig.Limits(values.integer("limits.messages_per_second", d.limits().messagesPerSecond(), 1, 1_000_000),
                values.integer("limits.read_marks_per_second", d.limits().readMarksPerSecond(), 1, 1_000_000),
                values.integer("limits.urgent_per_hour", d.limits().urgentPerHour(), 1, 10_000),
                values.integer("limits.uploads_per_minute", d.limits().uploadsPerMinute(), 1, 1_000_000),
                values.integer("limits.webhook_posts_per_second", d.limits().webhookPostsPerSecond(), 1, 1_000_000));
        ParleyConfig.Files files = files(d.files(), kind);
        var notifications = new ParleyConfig.Notifications(
                values.duration("notifications.badge_interval", d.notifications().badgeInterval()),
                values.duration("notifications.toast_group_window", d.notifications().toastGroupWindow()),
                values.integer("notifications.queue_max", d.notifications().queueMax(), 100, 10_000_000));
        ParleyConfig.Bus bus = bus(d.bus(), kind);
        if (!problems.isEmpty()) throw new InvalidConfig(problems);
        return new ParleyConfig(server, store, auth, gateway, pod, push, outbound, realtime, limits, notifications,
                files, bus);
    }

    /**
     * The {@code [pod]} section: identity and links to other pods. The clock skew bound must be shorter than the
     * request window, or a skewed peer's requests would be refused as stale before it could be flagged.
     */
    private ParleyConfig.Pod pod(ParleyConfig.Pod d, ParleyConfig.Server server) {
        String id = values.str("pod.id", d.id());
        if (!id.matches("^[a-z0-9][a-z0-9.-]{0,62}$")) problems.add("pod.id must be 1-63 characters of a-z, 0-9, '.' or '-' (got '" + id + "')");
        String url = values.str("pod.public_url", d.publicUrl());
        if (url.endsWith("/")) url = url.substring(0, url.length() - 1);
        if (!url.isEmpty() && !url.matches("^https?://[^\\s/?#]+(/[^\\s?#]*)?$")) {
            problems.add("pod.public_url must be an http:// or https:// URL without query or fragment (got '" + url + "')");
        }
        Duration interval = values.duration("pod.heartbeat_interval", d.heartbeatInterval());
        int missed = values.integer("pod.dead_after_missed", d.deadAfterMissed(), 1, 100);
        Duration grace = values.duration("pod.grace", d.grace());
        Duration skew = values.duration("pod.max_clock_skew", d.maxClockSkew());
        Duration window = values.duration("pod.request_window", d.requestWindow());
        Duration offset = values.signedDuration("pod.clock_offset", d.clockOffset());
        Duration resync = values.duration("pod.org_resync_interval", d.orgResyncInterval());
        if (interval.compareTo(Duration.ofMinutes(10)) > 0) problems.add("pod.heartbeat_interval must be at most 10m");
        if (resync.compareTo(Duration.ofSeconds(1)) < 0 || resync.compareTo(Duration.ofHours(1)) > 0) {
            problems.add("pod.org_resync_interval must be between 1s and 1h");
        }
        if (window.compareTo(Duration.ofHours(1)) > 0) problems.add("pod.request_window must be at most 1h");
        if (skew.compareTo(window) >= 0) problems.add("pod.max_clock_skew must be shorter than pod.request_window");
        int maxResilient = values.integer("pod.max_resilient_channels", d.maxResilientChannels(), 0, 100_000);
        long maxReplicated = values.size("pod.max_replicated_bytes", d.maxReplicatedBytes());
        long rate = values.size("pod.replication_rate", d.replicationRate());
        if (rate < 1) problems.add("pod.replication_rate must be at least 1 byte per second");
        Duration lease = values.duration("pod.lease_duration", d.leaseDuration());
        if (lease.compareTo(skew.multipliedBy(2)) <= 0) problems.add("pod.lease_duration must be longer than twice pod.max_clock_skew");
        String pin = values.str("pod.tls_pin", d.tlsPin());
        if (!pin.isEmpty()) {
            if (!io.parley.server.federation.link.TlsPin.valid(pin)) problems.add("pod.tls_pin must be sha256/ and the base64 of 32 bytes (got '" + pin + "')");
            // The URL peers use: pod.public_url, else server.public_url, else the bound address (https when Parley serves TLS).
            String reached = !url.isEmpty() ? url : !server.publicUrl().isEmpty() ? server.publicUrl() : server.tls().isPresent() ? "https://" : "";
            if (!reached.startsWith("https://")) {
                problems.add("pod.tls_pin needs an https:// pod.public_url (or server.tls): a pin is a TLS certificate's key");
            }
        }
        return new ParleyConfig.Pod(id, url, interval, missed, grace, skew, window, offset, resync, maxResilient, maxReplicated, rate, lease, pin);
    }

    /**
     * The {@code [server.tls]} section: both files or neither, and the other keys only with them. The files are read
     * and checked here, so a missing file, a key that is not the certificate's or an expired certificate is reported
     * together with every other problem, before anything starts.
     */
    private Optional<TlsSettings> tls(int port, String publicUrl) {
        String certificate = values.str("server.tls.certificate", "");
        String key = values.str("server.tls.private_key", "");
        if (certificate.isEmpty() && key.isEmpty()) {
            for (String k : List.of("min_version", "hsts_max_age", "redirect_port", "reload_interval")) {
                if (values.raw("server.tls." + k) != null) problems.add("server.tls." + k + " needs server.tls.certificate and server.tls.private_key");
            }
            return Optional.empty();
        }
        if (certificate.isEmpty()) problems.add("server.tls.certificate is needed with server.tls.private_key");
        if (key.isEmpty()) problems.add("server.tls.private_key is needed with server.tls.certificate");
        String version = values.str("server.tls.min_version", TlsSettings.DEFAULT_MIN_VERSION.setting());
        TlsVersion minVersion = TlsVersion.of(version).orElse(TlsSettings.DEFAULT_MIN_VERSION);
        if (TlsVersion.of(version).isEmpty()) problems.add("server.tls.min_version must be 1.3 or 1.2 (got '" + version + "')");
        String maxAge = values.raw("server.tls.hsts_max_age");
        Duration hsts = maxAge != null && maxAge.strip().matches("^0(s|ms|m|h|d)?$") ? Duration.ZERO // max-age=0: browsers forget it
                : values.duration("server.tls.hsts_max_age", TlsSettings.DEFAULT_HSTS_MAX_AGE);
        OptionalInt redirect = values.raw("server.tls.redirect_port") == null ? OptionalInt.empty()
                : OptionalInt.of(values.integer("server.tls.redirect_port", 0, 0, 65535));
        if (redirect.isPresent() && redirect.getAsInt() != 0 && redirect.getAsInt() == port) {
            problems.add("server.tls.redirect_port must differ from server.port (both " + port + ")");
        }
        Duration reload = values.duration("server.tls.reload_interval", TlsSettings.DEFAULT_RELOAD_INTERVAL);
        if (reload.compareTo(Duration.ofMillis(100)) < 0 || reload.compareTo(Duration.ofDays(1)) > 0) {
            problems.add("server.tls.reload_interval must be between 100ms and 1d");
        }
        if (!publicUrl.isEmpty() && !publicUrl.startsWith("https://")) {
            problems.add("server.public_url must be an https:// URL when server.tls is on (got '" + publicUrl + "')");
        }
        if (certificate.isEmpty() || key.isEmpty()) return Optional.empty();
        try {
            ServerCertificate.read(Path.of(certificate), Path.of(key), java.time.Instant.now());
        } catch (ServerCertificate.Invalid e) {
            e.problems().forEach(p -> problems.add("server.tls: " + p));
        }
        try {
            return Optional.of(new TlsSettings(Path.of(certificate), Path.of(key), minVersion, hsts, redirect, reload));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // a value out of range, reported above
        }
    }


    /** The {@code [auth]} section: tokens, password hashing, and the backoff after failed proofs. */
    private ParleyConfig.Auth auth(ParleyConfig.Auth d) {
        Duration accessTtl = values.duration("auth.access_ttl", d.accessTtl());
        Duration refreshTtl = values.duration("auth.refresh_ttl", d.refreshTtl());
        if (accessTtl.compareTo(refreshTtl) > 0) problems.add("auth.access_ttl must not exceed auth.refresh_ttl");
        int hashingConcurrency = values.integer("auth.hashing_concurrency", d.hashingConcurrency(), 0, 1024);
        Duration hashingWait = values.duration("auth.hashing_wait", d.hashingWait());
        if (hashingWait.compareTo(Duration.ofSeconds(30)) > 0) problems.add("auth.hashing_wait must be at most 30s");
        return new ParleyConfig.Auth(accessTtl, refreshTtl, values.integer("auth.min_password_length", d.minPasswordLength(), 6, 128),
                values.integer("auth.argon2_memory_kib", d.argon2MemoryKib(), 1024, 4 * 1024 * 1024),
                values.integer("auth.argon2_iterations", d.argon2Iterations(), 1, 20), throttle(d.throttle()), hashingConcurrency, hashingWait);
    }

    /** The backoff after failed proofs: the ceilings at least as loose as the strict key, the forget period past the cap. */
    private ThrottleSettings throttle(ThrottleSettings d) {
        int free = values.integer("auth.throttle_free_failures", d.freeFailures(), 1, 1000);
        int account = values.integer("auth.throttle_account_free_failures", d.accountFreeFailures(), 1, 100_000);
        int address = values.integer("auth.throttle_address_free_failures", d.addressFreeFailures(), 1, 1_000_000);
        Duration base = values.duration("auth.throttle_base_delay", d.baseDelay());
        Duration max = values.duration("auth.throttle_max_delay", d.maxDelay());
        Duration forget = values.duration("auth.throttle_forget_after", d.forgetAfter());
        int before = problems.size();
        if (account < free) problems.add("auth.throttle_account_free_failures must be at least auth.throttle_free_failures");
        if (address < free) problems.add("auth.throttle_address_free_failures must be at least auth.throttle_free_failures");
        if (max.compareTo(base) < 0) problems.add("auth.throttle_max_delay must be at least auth.throttle_base_delay");
        if (max.compareTo(Duration.ofDays(1)) > 0) problems.add("auth.throttle_max_delay must be at most 1d");
        if (forget.compareTo(max) <= 0) problems.add("auth.throttle_forget_after must be longer than auth.throttle_max_delay");
        if (problems.size() > before) return d; // reported; the defaults stand in until the loader throws
        try {
            return new ThrottleSettings(free, account, address, base, max, forget);
        } catch (IllegalArgumentException e) {
            return d; // a value out of range, already reported above
        }
    }

    /** {@code server.trusted_proxies}: addresses or CIDR ranges, a TOML list or comma-separated. */
    private TrustedProxies trustedProxies(TrustedProxies d) {
        String v = values.raw("server.trusted_proxies");
        if (v == null) return d;
        List<Cidr> ranges = new ArrayList<>();
        for (String item : v.split("[,\\s]+")) {
            if (item.isEmpty()) continue;
            try {
                ranges.add(Cidr.parse(item));
            } catch (IllegalArgumentException e) {
                problems.add("server.trusted_proxies: " + e.getMessage());
            }
        }
        return new TrustedProxies(ranges);
    }

    /** The {@code [bus]} section: NATS needs a shared store (every node reads the same logs) and a nats:// URL. */
    private ParleyConfig.Bus bus(ParleyConfig.Bus d, String storeKind) {
        String kind = values.str("bus.kind", d.kind()).toLowerCase(Locale.ROOT);
        String url = values.str("bus.url", d.url());
        String prefix = values.str("bus.prefix", d.prefix());
        if (!kind.equals("inprocess") && !kind.equals("nats")) problems.add("bus.kind must be inprocess or nats (got '" + kind + "')");
        if (kind.equals("nats")) {
            if (!url.matches("^(nats|tls)://[^\\s,]+(,(nats|tls)://[^\\s,]+)*$")) {
                problems.add("bus.url must be a nats://host:port URL (comma-separated for several) when bus.kind is nats (got '"
                        + (url.isEmpty() ? "nothing" : url) + "')");
            }
            if (!storeKind.equals("postgres")) {
                problems.add("bus.kind = nats needs store.kind = postgres: the nodes of a pod share one database (got '" + storeKind + "')");
            }
        }
        if (!prefix.matches("^[a-z0-9_-]{1,32}$")) problems.add("bus.prefix must be 1-32 characters of a-z, 0-9, '_' or '-' (got '" + prefix + "')");
        return new ParleyConfig.Bus(kind, url, prefix);
    }

    /** The {@code [push]} section; the VAPID subject defaults to the public URL when that is https. */
    private PushSettings push(PushSettings d, String publicUrl) {
        String subject = values.str("push.subject", publicUrl.startsWith("https://") ? publicUrl : d.subject());
        if (!subject.matches("^(mailto:[^\\s@]+@[^\\s@]+|https://\\S+)$")) {
            problems.add("push.subject must be a mailto: address or an https: URL (got '" + subject + "')");
        }
        Duration ttl = values.duration("push.ttl", d.ttl());
        Duration urgentTtl = values.duration("push.urgent_ttl", d.urgentTtl());
        Duration fourWeeks = Duration.ofDays(28); // the longest TTL push services honour
        if (ttl.compareTo(fourWeeks) > 0) problems.add("push.ttl must be at most 28d");
        if (urgentTtl.compareTo(ttl) > 0) problems.add("push.urgent_ttl must not exceed push.ttl");
        int maxAttempts = values.integer("push.max_attempts", d.maxAttempts(), 1, 100);
        Duration retryBase = values.duration("push.retry_base", d.retryBase());
        Duration retryMax = values.duration("push.retry_max", d.retryMax());
        if (retryBase.compareTo(retryMax) > 0) problems.add("push.retry_base must not exceed push.retry_max");
        boolean insecure = values.bool("push.allow_insecure_endpoints", d.allowInsecureEndpoints());
        return new PushSettings(subject, ttl, urgentTtl, Math.max(1, maxAttempts), retryBase, retryMax, insecure);
    }

    /**
     * The {@code [outbound]} section: CIDRs opened to outbound connections (an on-premises push relay), the push
     * hosts allow-list, timeouts and the answer size limit (at most 64 MiB).
     */
    private OutboundSettings outbound(OutboundSettings d) {
        List<Cidr> cidrs = new ArrayList<>();
        for (String item : values.list("outbound.allowed_cidrs")) {
            try {
                cidrs.add(Cidr.parse(item));
            } catch (IllegalArgumentException e) {
                problems.add("outbound.allowed_cidrs: " + e.getMessage());
            }
        }
        List<HostPattern> hosts = new ArrayList<>();
        for (String item : values.list("outbound.push_hosts")) {
            try {
                hosts.add(HostPattern.parse(item));
            } catch (IllegalArgumentException e) {
                problems.add("outbound.push_hosts: " + e.getMessage());
            }
        }
        Duration connect = values.duration("outbound.connect_timeout", d.connectTimeout());
        Duration read = values.duration("outbound.read_timeout", d.readTimeout());
        Duration request = values.duration("outbound.request_timeout", d.requestTimeout());
        if (request.compareTo(Duration.ofMinutes(10)) > 0) problems.add("outbound.request_timeout must be at most 10m");
        if (connect.compareTo(request) > 0) problems.add("outbound.connect_timeout must not exceed outbound.request_timeout");
        long max = values.size("outbound.max_response_bytes", d.maxResponseBytes());
        if (max > 64L << 20) problems.add("outbound.max_response_bytes must be at most 64MiB");
        return new OutboundSettings(cidrs, hosts, connect, read, request, Math.min(max, 64L << 20));
    }

    private RealtimeSettings realtime(RealtimeSettings r) {
        var typingExpiry = values.duration("realtime.typing_expiry", r.typingExpiry());
        var typingInterval = values.duration("realtime.typing_interval", r.typingInterval());
        var grace = values.duration("realtime.presence_offline_grace", r.presenceOfflineGrace());
        var away = values.duration("realtime.presence_away_after", r.presenceAwayAfter());
        var batch = values.duration("realtime.presence_batch", r.presenceBatch());
        var ttl = values.duration("realtime.presence_subscription_ttl", r.presenceSubscriptionTtl());
        var updateInterval = values.duration("realtime.presence_update_interval", r.presenceUpdateInterval());
        int summaryAbove = values.integer("realtime.typing_summary_above", r.typingSummaryAbove(), 1, 1_000_000);
        if (typingInterval.compareTo(typingExpiry) >= 0) problems.add("realtime.typing_interval must be shorter than realtime.typing_expiry");
        if (batch.compareTo(ttl) >= 0) problems.add("realtime.presence_batch must be shorter than realtime.presence_subscription_ttl");
        try {
            return new RealtimeSettings(typingExpiry, typingInterval, grace, away, batch, ttl, updateInterval, summaryAbove);
        } catch (IllegalArgumentException e) {
            return r; // a value out of range, already reported above
        }
    }
}
