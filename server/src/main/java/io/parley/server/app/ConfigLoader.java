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
import org.tomlj.Toml;
import org.tomlj.TomlArray;
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
import java.util.Optional;
import java.util.OptionalInt;
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
            Map.entry("server", Set.of("host", "port", "public_url", "trusted_proxies")),
            Map.entry("server.tls", Set.of("certificate", "private_key", "min_version", "hsts_max_age", "redirect_port",
                        "reload_interval")),
            Map.entry("store", Set.of("kind", "data_dir", "url", "username", "password", "pool_size", "writer_batch_max")),
            Map.entry("auth", Set.of("access_ttl", "refresh_ttl", "min_password_length", "argon2_memory_kib", "argon2_iterations",
                        "throttle_free_failures", "throttle_account_free_failures", "throttle_address_free_failures",
                        "throttle_base_delay", "throttle_max_delay", "throttle_forget_after", "hashing_concurrency", "hashing_wait")),
            Map.entry("gateway", Set.of("max_frame_bytes", "heartbeat_timeout", "idle_timeout", "max_connections_per_user",
                        "send_queue_max", "token_refresh_lead", "revocation_sweep")),
            Map.entry("pod", Set.of("id", "public_url", "heartbeat_interval", "dead_after_missed", "grace", "max_clock_skew",
                        "request_window", "clock_offset", "org_resync_interval", "max_resilient_channels",
                        "max_replicated_bytes", "replication_rate", "lease_duration", "tls_pin")),
            Map.entry("push", Set.of("subject", "ttl", "urgent_ttl", "max_attempts", "retry_base", "retry_max",
                        "allow_insecure_endpoints")),
            Map.entry("outbound", Set.of("allowed_cidrs", "push_hosts", "connect_timeout", "read_timeout", "request_timeout",
                        "max_response_bytes")),
            Map.entry("realtime", Set.of("typing_expiry", "typing_interval", "presence_offline_grace", "presence_away_after",
                        "presence_batch", "presence_subscription_ttl", "presence_update_interval", "typing_summary_above")),
            Map.entry("limits", Set.of("messages_per_second", "read_marks_per_second", "urgent_per_hour", "uploads_per_minute",
                        "webhook_posts_per_second")),
            Map.entry("files", Set.of("max_size", "workspace_quota", "unattached_ttl", "blob_store", "scan_address",
                        "scan_connect_timeout", "scan_timeout", "scan_unavailable")),
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
                String subsection = section + "." + key;
                if (KEYS.containsKey(subsection) && table.isTable(key)) readTable(subsection, table.getTable(key));
                else if (!KEYS.get(section).contains(key)) problems.add("config file: unknown key " + subsection);
                else putFileValue(subsection, table.get(key));
            }
        }
    }

    /** A section inside a section, {@code [server.tls]}: its keys are {@code server.tls.<key>}. */
    private void readTable(String section, org.tomlj.TomlTable table) {
        for (String key : table.keySet()) {
            if (!KEYS.get(section).contains(key)) problems.add("config file: unknown key " + section + "." + key);
            else putFileValue(section + "." + key, table.get(key));
        }
    }

    /** Keeps a file's value; a TOML array as the comma-separated list the environment writes. */
    private void putFileValue(String key, Object value) {
        file.put(key, value instanceof TomlArray list ? listText(list) : value);
    }

    /** {@return a TOML array as a comma-separated list} */
    private static String listText(TomlArray list) {
        return String.join(",", list.toList().stream().map(String::valueOf).toList());
    }

    /** {@return the items of a comma-separated list (a TOML array in the file), blanks left out} */
    private List<String> list(String key) {
        String v = raw(key);
        if (v == null) return List.of();
        return java.util.Arrays.stream(v.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }

    private String raw(String key) {
        if (overrides.containsKey(key)) return overrides.get(key);
        String envKey = "PARLEY_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
        if (env.containsKey(envKey)) return env.get(envKey);
        Object v = file.get(key); // a TOML list is already the comma-separated form of the environment (putFileValue)
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
        return new ParleyConfig.Files(fileLimits(defaults.limits()), blobs, scan(defaults.scan()));
    }

    /** The virus scan of uploads: clamd's address (empty: no scanning), timeouts, and what a scanner that is down means. */
    private ScanSettings scan(ScanSettings d) {
        String address = str("files.scan_address", "");
        ClamdAddress clamd = d.clamd();
        if (!address.isEmpty()) {
            try {
                clamd = ClamdAddress.parse(address);
            } catch (IllegalArgumentException e) {
                problems.add("files.scan_address " + e.getMessage());
            }
        }
        Duration connect = duration("files.scan_connect_timeout", d.connectTimeout());
        Duration timeout = duration("files.scan_timeout", d.timeout());
        String unavailable = str("files.scan_unavailable", d.acceptUnscanned() ? "accept" : "refuse").toLowerCase(Locale.ROOT);
        if (!unavailable.equals("refuse") && !unavailable.equals("accept")) {
            problems.add("files.scan_unavailable must be refuse or accept (got '" + unavailable + "')");
        }
        return new ScanSettings(clamd, connect, timeout, unavailable.equals("accept"));
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
        String host = str("server.host", d.server().host());
        int port = integer("server.port", d.server().port(), 0, 65535);
        String publicUrl = str("server.public_url", d.server().publicUrl());
        var server = new ParleyConfig.Server(host, port, publicUrl, tls(port, publicUrl), trustedProxies(d.server().trustedProxies()));
        String kind = str("store.kind", d.store().kind()).toLowerCase(Locale.ROOT);
        if (!kind.equals("sqlite") && !kind.equals("postgres")) problems.add("store.kind must be sqlite or postgres (got '" + kind + "')");
        String url = str("store.url", "");
        if (kind.equals("postgres") && !url.startsWith("jdbc:postgresql:")) {
            problems.add("store.url must be a jdbc:postgresql:// URL when store.kind is postgres (got '" + (url.isEmpty() ? "nothing" : url) + "')");
        }
        var store = new ParleyConfig.Store(kind, path("store.data_dir", d.store().dataDir()), url,
                str("store.username", ""), str("store.password", ""), integer("store.pool_size", d.store().poolSize(), 1, 500),
                integer("store.writer_batch_max", d.store().writerBatchMax(), 1, 10_000));
        ParleyConfig.Auth auth = auth(d.auth());
        GatewayConfig g = d.gateway();
        var gateway = new GatewayConfig(integer("gateway.max_frame_bytes", g.maxFrameBytes(), 1024, 1 << 20),
                duration("gateway.heartbeat_timeout", g.heartbeatTimeout()), duration("gateway.idle_timeout", g.idleTimeout()),
                integer("gateway.max_connections_per_user", g.maxConnectionsPerUser(), 1, 100),
                integer("gateway.send_queue_max", g.sendQueueMax(), 10, 1_000_000),
                duration("gateway.token_refresh_lead", g.tokenRefreshLead()), duration("gateway.revocation_sweep", g.revocationSweep()));
        ParleyConfig.Pod pod = pod(d.pod(), server);
        PushSettings push = push(d.push(), server.publicUrl());
        OutboundSettings outbound = outbound(d.outbound());
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
        return new ParleyConfig(server, store, auth, gateway, pod, push, outbound, realtime, limits, notifications,
                files, bus);
    }

    /**
     * The {@code [pod]} section: identity and links to other pods. The clock skew bound must be shorter than the
     * request window, or a skewed peer's requests would be refused as stale before it could be flagged.
     */
    private ParleyConfig.Pod pod(ParleyConfig.Pod d, ParleyConfig.Server server) {
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
        String certificate = str("server.tls.certificate", "");
        String key = str("server.tls.private_key", "");
        if (certificate.isEmpty() && key.isEmpty()) {
            for (String k : List.of("min_version", "hsts_max_age", "redirect_port", "reload_interval")) {
                if (raw("server.tls." + k) != null) problems.add("server.tls." + k + " needs server.tls.certificate and server.tls.private_key");
            }
            return Optional.empty();
        }
        if (certificate.isEmpty()) problems.add("server.tls.certificate is needed with server.tls.private_key");
        if (key.isEmpty()) problems.add("server.tls.private_key is needed with server.tls.certificate");
        String version = str("server.tls.min_version", TlsSettings.DEFAULT_MIN_VERSION.setting());
        TlsVersion minVersion = TlsVersion.of(version).orElse(TlsSettings.DEFAULT_MIN_VERSION);
        if (TlsVersion.of(version).isEmpty()) problems.add("server.tls.min_version must be 1.3 or 1.2 (got '" + version + "')");
        String maxAge = raw("server.tls.hsts_max_age");
        Duration hsts = maxAge != null && maxAge.strip().matches("^0(s|ms|m|h|d)?$") ? Duration.ZERO // max-age=0: browsers forget it
                : duration("server.tls.hsts_max_age", TlsSettings.DEFAULT_HSTS_MAX_AGE);
        OptionalInt redirect = raw("server.tls.redirect_port") == null ? OptionalInt.empty()
                : OptionalInt.of(integer("server.tls.redirect_port", 0, 0, 65535));
        if (redirect.isPresent() && redirect.getAsInt() != 0 && redirect.getAsInt() == port) {
            problems.add("server.tls.redirect_port must differ from server.port (both " + port + ")");
        }
        Duration reload = duration("server.tls.reload_interval", TlsSettings.DEFAULT_RELOAD_INTERVAL);
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
        Duration accessTtl = duration("auth.access_ttl", d.accessTtl());
        Duration refreshTtl = duration("auth.refresh_ttl", d.refreshTtl());
        if (accessTtl.compareTo(refreshTtl) > 0) problems.add("auth.access_ttl must not exceed auth.refresh_ttl");
        int hashingConcurrency = integer("auth.hashing_concurrency", d.hashingConcurrency(), 0, 1024);
        Duration hashingWait = duration("auth.hashing_wait", d.hashingWait());
        if (hashingWait.compareTo(Duration.ofSeconds(30)) > 0) problems.add("auth.hashing_wait must be at most 30s");
        return new ParleyConfig.Auth(accessTtl, refreshTtl, integer("auth.min_password_length", d.minPasswordLength(), 6, 128),
                integer("auth.argon2_memory_kib", d.argon2MemoryKib(), 1024, 4 * 1024 * 1024),
                integer("auth.argon2_iterations", d.argon2Iterations(), 1, 20), throttle(d.throttle()), hashingConcurrency, hashingWait);
    }

    /** The backoff after failed proofs: the ceilings at least as loose as the strict key, the forget period past the cap. */
    private ThrottleSettings throttle(ThrottleSettings d) {
        int free = integer("auth.throttle_free_failures", d.freeFailures(), 1, 1000);
        int account = integer("auth.throttle_account_free_failures", d.accountFreeFailures(), 1, 100_000);
        int address = integer("auth.throttle_address_free_failures", d.addressFreeFailures(), 1, 1_000_000);
        Duration base = duration("auth.throttle_base_delay", d.baseDelay());
        Duration max = duration("auth.throttle_max_delay", d.maxDelay());
        Duration forget = duration("auth.throttle_forget_after", d.forgetAfter());
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
        String v = raw("server.trusted_proxies");
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

    /**
     * The {@code [outbound]} section: CIDRs opened to outbound connections (an on-premises push relay), the push
     * hosts allow-list, timeouts and the answer size limit (at most 64 MiB).
     */
    private OutboundSettings outbound(OutboundSettings d) {
        List<Cidr> cidrs = new ArrayList<>();
        for (String item : list("outbound.allowed_cidrs")) {
            try {
                cidrs.add(Cidr.parse(item));
            } catch (IllegalArgumentException e) {
                problems.add("outbound.allowed_cidrs: " + e.getMessage());
            }
        }
        List<HostPattern> hosts = new ArrayList<>();
        for (String item : list("outbound.push_hosts")) {
            try {
                hosts.add(HostPattern.parse(item));
            } catch (IllegalArgumentException e) {
                problems.add("outbound.push_hosts: " + e.getMessage());
            }
        }
        Duration connect = duration("outbound.connect_timeout", d.connectTimeout());
        Duration read = duration("outbound.read_timeout", d.readTimeout());
        Duration request = duration("outbound.request_timeout", d.requestTimeout());
        if (request.compareTo(Duration.ofMinutes(10)) > 0) problems.add("outbound.request_timeout must be at most 10m");
        if (connect.compareTo(request) > 0) problems.add("outbound.connect_timeout must not exceed outbound.request_timeout");
        long max = size("outbound.max_response_bytes", d.maxResponseBytes());
        if (max > 64L << 20) problems.add("outbound.max_response_bytes must be at most 64MiB");
        return new OutboundSettings(cidrs, hosts, connect, read, request, Math.min(max, 64L << 20));
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
