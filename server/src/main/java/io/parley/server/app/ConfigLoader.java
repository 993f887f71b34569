package io.parley.server.app;

import io.parley.core.files.FileSettings;
import io.parley.core.realtime.RealtimeSettings;
import io.parley.server.gateway.GatewayConfig;
import io.parley.server.push.PushSettings;
import org.tomlj.Toml;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@link ParleyConfig} from, highest precedence first: command-line overrides, environment
 * variables ({@code PARLEY_SECTION_KEY}, e.g. {@code PARLEY_SERVER_PORT}, {@code PARLEY_STORE_URL}),
 * one TOML file ({@code [server] port = 8080}), and the defaults. Every problem is collected and
 * reported together in one {@link InvalidConfig}; unknown keys in the file are problems too.
 */
public final class ConfigLoader {
    private static final Pattern DURATION = Pattern.compile("^(\\d+)(ms|s|m|h|d)$");
    private static final Pattern SIZE = Pattern.compile("^(\\d+)\\s*(b|kib|mib|gib|tib)?$");
    /** The longest duration any setting takes: ten years. */
    private static final Duration LONGEST = Duration.ofDays(3650);
    private static final Map<String, Set<String>> KEYS = Map.ofEntries(
            Map.entry("server", Set.of("host", "port", "public_url")),
            Map.entry("store", Set.of("kind", "data_dir", "url", "username", "password", "pool_size", "writer_batch_max")),
            Map.entry("auth", Set.of("access_ttl", "refresh_ttl", "min_password_length", "argon2_memory_kib", "argon2_iterations")),
            Map.entry("gateway", Set.of("max_frame_bytes", "heartbeat_timeout", "idle_timeout", "max_connections_per_user",
                        "send_queue_max", "token_refresh_lead", "revocation_sweep")),
            Map.entry("pod", Set.of("id", "public_url", "heartbeat_interval", "dead_after_missed", "grace", "max_clock_skew",
                        "request_window", "clock_offset", "org_resync_interval", "max_resilient_channels",
                        "max_replicated_bytes", "replication_rate", "lease_duration", "tls_pin")),
            Map.entry("push", Set.of("subject", "ttl", "urgent_ttl", "max_attempts", "retry_base", "retry_max",
                        "allow_insecure_endpoints")),
            Map.entry("realtime", Set.of("typing_expiry", "typing_interval", "presence_offline_grace", "presence_away_after",
                        "presence_batch", "presence_subscription_ttl", "presence_update_interval", "typing_summary_above")),
            Map.entry("limits", Set.of("messages_per_second", "read_marks_per_second", "urgent_per_hour", "uploads_per_minute",
                        "webhook_posts_per_second")),
            Map.entry("files", Set.of("max_size", "workspace_quota", "unattached_ttl", "blob_store")),
            Map.entry("notifications", Set.of("badge_interval", "toast_group_window", "queue_max")),
            Map.entry("bus", Set.of("kind", "url", "prefix")));

    /** Thrown with every configuration problem found. */
    public static final class InvalidConfig extends Exception {
        private final List<String> problems;

        InvalidConfig(List<String> problems) {
            super("invalid configuration:\n  - " + String.join("\n  - ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() { return problems; }
    }

    private final Map<String, String> overrides;
    private final Map<String, String> env;
    private final Map<String, Object> file = new HashMap<>();
    private final List<String> problems = new ArrayList<>();

    private ConfigLoader(Path file, Map<String, String> overrides, Map<String, String> env) {
        this.overrides = overrides;
        this.env = env;
        if (file != null) readFile(file);
    }

    /**
     * @param file a TOML file, or null
     * @param overrides dotted keys ({@code server.port}) from the command line
     * @param env the environment
     */
    public static ParleyConfig load(Path file, Map<String, String> overrides, Map<String, String> env) throws InvalidConfig {
        return new ConfigLoader(file, overrides, env).build();
    }

    private void readFile(Path path) {
        if (!Files.isRegularFile(path)) {
            problems.add("config file " + path + " does not exist");
            return;
        }
        TomlParseResult toml;
        try {
            toml = Toml.parse(path);
        } catch (IOException e) {
            problems.add("config file " + path + " cannot be read: " + e.getMessage());
            return;
        } catch (TomlParseError e) {
            // tomlj throws a few errors instead of listing them (an invalid escape in a table's name)
            problems.add("config file " + path + ": " + e.getMessage());
            return;
        } catch (StackOverflowError e) {
            // tomlj's parser recurses once per level of nested arrays or inline tables; nothing is left half done
            problems.add("config file " + path + " nests arrays or inline tables too deeply");
            return;
        }
        toml.errors().forEach(e -> problems.add("config file " + path + ": " + e.toString()));
        for (String section : toml.keySet()) {
            if (!KEYS.containsKey(section) || !toml.isTable(section)) {
                problems.add("config file: unknown section [" + section + "]");
                continue;
            }
            var table = toml.getTable(section);
            for (String key : table.keySet()) {
                if (!KEYS.get(section).contains(key)) problems.add("config file: unknown key " + section + "." + key);
                else file.put(section + "." + key, table.get(key));
            }
        }
    }

    private String raw(String key) {
        if (overrides.containsKey(key)) return overrides.get(key);
        String envKey = "PARLEY_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
        if (env.containsKey(envKey)) return env.get(envKey);
        Object v = file.get(key);
        return v == null ? null : v.toString();
    }

    private String str(String key, String def) {
        String v = raw(key);
        return v == null ? def : v.strip();
    }

    /** A file system path; one the platform cannot name (a NUL character in it) is a problem. */
    private Path path(String key, Path def) {
        String v = str(key, def.toString());
        try {
            return Path.of(v);
        } catch (InvalidPathException e) {
            problems.add(key + " is not a path this system can use (" + e.getReason() + ")");
            return def;
        }
    }

    private int integer(String key, int def, int min, int max) {
        String v = raw(key);
        if (v == null) return def;
        try {
            int i = Integer.parseInt(v.strip());
            if (i < min || i > max) problems.add(key + " must be between " + min + " and " + max + " (got " + i + ")");
            return i;
        } catch (NumberFormatException e) {
            problems.add(key + " must be an integer (got '" + v + "')");
            return def;
        }
    }

    private boolean bool(String key, boolean def) {
        String v = raw(key);
        if (v == null) return def;
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                problems.add(key + " must be true or false (got '" + v + "')");
                yield def;
            }
        };
    }

    private Duration duration(String key, Duration def) {
        String v = raw(key);
        if (v == null) return def;
        Duration d = shortDuration(v.strip());
        if (d == null) {
            try {
                d = Duration.parse(v.strip().toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                problems.add(key + " must be a duration like 90s, 15m, 7d or PT15M (got '" + v + "')");
                return def;
            }
        }
        if (d.isNegative() || d.isZero()) problems.add(key + " must be positive");
        return longest(key, d, def);
    }

    /** {@return {@code 90s}, {@code 15m}, {@code 7d} … as a duration, or null if the text is not one or overflows} */
    private static Duration shortDuration(String v) {
        Matcher m = DURATION.matcher(v.toLowerCase(Locale.ROOT));
        if (!m.matches()) return null;
        try {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } catch (NumberFormatException | ArithmeticException e) {
            return null; // more digits than a long holds, or more seconds
        }
    }

    /**
     * {@return the duration, or the default if it is longer than {@link #LONGEST} (a problem then)} Past that no
     * setting means anything, and the checks below (twice the clock skew, …) and the server's clock arithmetic
     * ({@code now + refresh_ttl}) would overflow.
     */
    private Duration longest(String key, Duration d, Duration def) {
        if (d.abs().compareTo(LONGEST) <= 0) return d;
        problems.add(key + " must be at most " + LONGEST.toDays() + "d (got " + d + ")");
        return def;
    }

    /** A size in bytes: a number, optionally with KiB, MiB, GiB or TiB. */
    private long size(String key, long def) {
        String v = raw(key);
        if (v == null) return def;
        Matcher m = SIZE.matcher(v.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            problems.add(key + " must be a size like 100MiB, 10GiB or a number of bytes (got '" + v + "')");
            return def;
        }
        int shift = switch (m.group(2) == null ? "b" : m.group(2)) {
            case "kib" -> 10;
            case "mib" -> 20;
            case "gib" -> 30;
            case "tib" -> 40;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1));
            if (n <= 0 || n > (Long.MAX_VALUE >> shift)) throw new NumberFormatException();
            return n << shift;
        } catch (NumberFormatException e) {
            problems.add(key + " must be a positive size (got '" + v + "')");
            return def;
        }
    }

    private ParleyConfig.Files files(ParleyConfig.Files defaults, String storeKind) {
        String blobs = str("files.blob_store", defaults.blobStore()).toLowerCase(Locale.ROOT);
        if (!Set.of("auto", "disk", "database").contains(blobs)) {
            problems.add("files.blob_store must be auto, disk or database (got '" + blobs + "')");
        } else if (blobs.equals("database") && !storeKind.equals("postgres")) {
            problems.add("files.blob_store = database needs store.kind = postgres (SQLite keeps files on disk)");
        }
        return new ParleyConfig.Files(fileLimits(defaults.limits()), blobs);
    }

    private FileSettings fileLimits(FileSettings d) {
        long max = size("files.max_size", d.maxBytes());
        long quota = size("files.workspace_quota", d.workspaceQuotaBytes());
        Duration ttl = duration("files.unattached_ttl", d.unattachedTtl());
        if (quota < max) problems.add("files.workspace_quota must be at least files.max_size");
        try {
            return new FileSettings(max, quota, ttl);
        } catch (IllegalArgumentException e) {
            return d; // reported above
        }
    }

    private ParleyConfig build() throws InvalidConfig {
        ParleyConfig d = ParleyConfig.defaults();
        var server = new ParleyConfig.Server(str("server.host", d.server().host()), integer("server.port", d.server().port(), 0, 65535),
                str("server.public_url", d.server().publicUrl()));
        String kind = str("store.kind", d.store().kind()).toLowerCase(Locale.ROOT);
        if (!kind.equals("sqlite") && !kind.equals("postgres")) problems.add("store.kind must be sqlite or postgres (got '" + kind + "')");
        String url = str("store.url", "");
        if (kind.equals("postgres") && !url.startsWith("jdbc:postgresql:")) {
            problems.add("store.url must be a jdbc:postgresql:// URL when store.kind is postgres (got '" + (url.isEmpty() ? "nothing" : url) + "')");
        }
        var store = new ParleyConfig.Store(kind, path("store.data_dir", d.store().dataDir()), url,
                str("store.username", ""), str("store.password", ""), integer("store.pool_size", d.store().poolSize(), 1, 500),
                integer("store.writer_batch_max", d.store().writerBatchMax(), 1, 10_000));
        var auth = new ParleyConfig.Auth(duration("auth.access_ttl", d.auth().accessTtl()), duration("auth.refresh_ttl", d.auth().refreshTtl()),
                integer("auth.min_password_length", d.auth().minPasswordLength(), 6, 128),
                integer("auth.argon2_memory_kib", d.auth().argon2MemoryKib(), 1024, 4 * 1024 * 1024),
                integer("auth.argon2_iterations", d.auth().argon2Iterations(), 1, 20));
        if (auth.accessTtl().compareTo(auth.refreshTtl()) > 0) problems.add("auth.access_ttl must not exceed auth.refresh_ttl");
        GatewayConfig g = d.gateway();
        var gateway = new GatewayConfig(integer("gateway.max_frame_bytes", g.maxFrameBytes(), 1024, 1 << 20),
                duration("gateway.heartbeat_timeout", g.heartbeatTimeout()), duration("gateway.idle_timeout", g.idleTimeout()),
                integer("gateway.max_connections_per_user", g.maxConnectionsPerUser(), 1, 100),
                integer("gateway.send_queue_max", g.sendQueueMax(), 10, 1_000_000),
                duration("gateway.token_refresh_lead", g.tokenRefreshLead()), duration("gateway.revocation_sweep", g.revocationSweep()));
        ParleyConfig.Pod pod = pod(d.pod());
        PushSettings push = push(d.push(), server.publicUrl());
        RealtimeSettings realtime = realtime(d.realtime());
        var limits = new ParleyConfig.Limits(integer("limits.messages_per_second", d.limits().messagesPerSecond(), 1, 1_000_000),
                integer("limits.read_marks_per_second", d.limits().readMarksPerSecond(), 1, 1_000_000),
                integer("limits.urgent_per_hour", d.limits().urgentPerHour(), 1, 10_000),
                integer("limits.uploads_per_minute", d.limits().uploadsPerMinute(), 1, 1_000_000),
                integer("limits.webhook_posts_per_second", d.limits().webhookPostsPerSecond(), 1, 1_000_000));
        ParleyConfig.Files files = files(d.files(), kind);
        var notifications = new ParleyConfig.Notifications(
                duration("notifications.badge_interval", d.notifications().badgeInterval()),
                duration("notifications.toast_group_window", d.notifications().toastGroupWindow()),
                integer("notifications.queue_max", d.notifications().queueMax(), 100, 10_000_000));
        ParleyConfig.Bus bus = bus(d.bus(), kind);
        if (!problems.isEmpty()) throw new InvalidConfig(problems);
        return new ParleyConfig(server, store, auth, gateway, pod, push, realtime, limits, notifications,
                files, bus);
    }

    /**
     * The {@code [pod]} section: identity and links to other pods. The clock skew bound must be shorter than the
     * request window, or a skewed peer's requests would be refused as stale before it could be flagged.
     */
    private ParleyConfig.Pod pod(ParleyConfig.Pod d) {
        String id = str("pod.id", d.id());
        if (!id.matches("^[a-z0-9][a-z0-9.-]{0,62}$")) problems.add("pod.id must be 1-63 characters of a-z, 0-9, '.' or '-' (got '" + id + "')");
        String url = str("pod.public_url", d.publicUrl());
        if (url.endsWith("/")) url = url.substring(0, url.length() - 1);
        if (!url.isEmpty() && !url.matches("^https?://[^\\s/?#]+(/[^\\s?#]*)?$")) {
            problems.add("pod.public_url must be an http:// or https:// URL without query or fragment (got '" + url + "')");
        }
        Duration interval = duration("pod.heartbeat_interval", d.heartbeatInterval());
        int missed = integer("pod.dead_after_missed", d.deadAfterMissed(), 1, 100);
        Duration grace = duration("pod.grace", d.grace());
        Duration skew = duration("pod.max_clock_skew", d.maxClockSkew());
        Duration window = duration("pod.request_window", d.requestWindow());
        Duration offset = signedDuration("pod.clock_offset", d.clockOffset());
        Duration resync = duration("pod.org_resync_interval", d.orgResyncInterval());
        if (interval.compareTo(Duration.ofMinutes(10)) > 0) problems.add("pod.heartbeat_interval must be at most 10m");
        if (resync.compareTo(Duration.ofSeconds(1)) < 0 || resync.compareTo(Duration.ofHours(1)) > 0) {
            problems.add("pod.org_resync_interval must be between 1s and 1h");
        }
        if (window.compareTo(Duration.ofHours(1)) > 0) problems.add("pod.request_window must be at most 1h");
        if (skew.compareTo(window) >= 0) problems.add("pod.max_clock_skew must be shorter than pod.request_window");
        int maxResilient = integer("pod.max_resilient_channels", d.maxResilientChannels(), 0, 100_000);
        long maxReplicated = size("pod.max_replicated_bytes", d.maxReplicatedBytes());
        long rate = size("pod.replication_rate", d.replicationRate());
        if (rate < 1) problems.add("pod.replication_rate must be at least 1 byte per second");
        Duration lease = duration("pod.lease_duration", d.leaseDuration());
        if (lease.compareTo(skew.multipliedBy(2)) <= 0) problems.add("pod.lease_duration must be longer than twice pod.max_clock_skew");
        String pin = str("pod.tls_pin", d.tlsPin());
        if (!pin.isEmpty()) {
            if (!io.parley.server.federation.TlsPin.valid(pin)) problems.add("pod.tls_pin must be sha256/ and the base64 of 32 bytes (got '" + pin + "')");
            if (!url.startsWith("https://")) problems.add("pod.tls_pin needs an https:// pod.public_url: a pin is a TLS certificate's key");
        }
        return new ParleyConfig.Pod(id, url, interval, missed, grace, skew, window, offset, resync, maxResilient, maxReplicated, rate, lease, pin);
    }

    /** A duration that may be negative ({@code -5s}) or zero. */
    private Duration signedDuration(String key, Duration def) {
        String v = raw(key);
        if (v == null) return def;
        String s = v.strip();
        boolean negative = s.startsWith("-");
        String magnitude = negative ? s.substring(1) : s;
        if (magnitude.equals("0")) return Duration.ZERO;
        Duration d = durationOf(key, magnitude, def);
        return negative ? d.negated() : d;
    }

    private Duration durationOf(String key, String v, Duration def) {
        Duration d = shortDuration(v);
        if (d == null) {
            problems.add(key + " must be a duration like 500ms, 5s or -5s (got '" + v + "')");
            return def;
        }
        return longest(key, d, def);
    }

    /** The {@code [bus]} section: NATS needs a shared store (every node reads the same logs) and a nats:// URL. */
    private ParleyConfig.Bus bus(ParleyConfig.Bus d, String storeKind) {
        String kind = str("bus.kind", d.kind()).toLowerCase(Locale.ROOT);
        String url = str("bus.url", d.url());
        String prefix = str("bus.prefix", d.prefix());
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
        String subject = str("push.subject", publicUrl.startsWith("https://") ? publicUrl : d.subject());
        if (!subject.matches("^(mailto:[^\\s@]+@[^\\s@]+|https://\\S+)$")) {
            problems.add("push.subject must be a mailto: address or an https: URL (got '" + subject + "')");
        }
        Duration ttl = duration("push.ttl", d.ttl());
        Duration urgentTtl = duration("push.urgent_ttl", d.urgentTtl());
        Duration fourWeeks = Duration.ofDays(28); // the longest TTL push services honour
        if (ttl.compareTo(fourWeeks) > 0) problems.add("push.ttl must be at most 28d");
        if (urgentTtl.compareTo(ttl) > 0) problems.add("push.urgent_ttl must not exceed push.ttl");
        int maxAttempts = integer("push.max_attempts", d.maxAttempts(), 1, 100);
        Duration retryBase = duration("push.retry_base", d.retryBase());
        Duration retryMax = duration("push.retry_max", d.retryMax());
        if (retryBase.compareTo(retryMax) > 0) problems.add("push.retry_base must not exceed push.retry_max");
        boolean insecure = bool("push.allow_insecure_endpoints", d.allowInsecureEndpoints());
        return new PushSettings(subject, ttl, urgentTtl, Math.max(1, maxAttempts), retryBase, retryMax, insecure);
    }

    private RealtimeSettings realtime(RealtimeSettings r) {
        var typingExpiry = duration("realtime.typing_expiry", r.typingExpiry());
        var typingInterval = duration("realtime.typing_interval", r.typingInterval());
        var grace = duration("realtime.presence_offline_grace", r.presenceOfflineGrace());
        var away = duration("realtime.presence_away_after", r.presenceAwayAfter());
        var batch = duration("realtime.presence_batch", r.presenceBatch());
        var ttl = duration("realtime.presence_subscription_ttl", r.presenceSubscriptionTtl());
        var updateInterval = duration("realtime.presence_update_interval", r.presenceUpdateInterval());
        int summaryAbove = integer("realtime.typing_summary_above", r.typingSummaryAbove(), 1, 1_000_000);
        if (typingInterval.compareTo(typingExpiry) >= 0) problems.add("realtime.typing_interval must be shorter than realtime.typing_expiry");
        if (batch.compareTo(ttl) >= 0) problems.add("realtime.presence_batch must be shorter than realtime.presence_subscription_ttl");
        try {
            return new RealtimeSettings(typingExpiry, typingInterval, grace, away, batch, ttl, updateInterval, summaryAbove);
        } catch (IllegalArgumentException e) {
            return r; // a value out of range, already reported above
        }
    }
}
