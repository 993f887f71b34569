package io.parley.server.app;

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
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration's values as text, layered, highest precedence first: command-line overrides, environment
 * variables ({@code PARLEY_SECTION_KEY}), one TOML file, and the caller's defaults; read as typed values (integers in
 * a range, durations, sizes, paths, lists). Every value it cannot use is added to {@link #problems()} and the default
 * taken, so that {@link ConfigLoader} reports every problem at once. Unknown sections and keys of the file are
 * problems too: {@link #KEYS} is the file's schema.
 */
final class ConfigValues {
    private static final Pattern DURATION = Pattern.compile("^(\\d+)(ms|s|m|h|d)$");
    private static final Pattern SIZE = Pattern.compile("^(\\d+)\\s*(b|kib|mib|gib|tib)?$");
    /** The longest duration any setting takes: ten years. */
    private static final Duration LONGEST = Duration.ofDays(3650);
    /** The file's schema: each section's keys (read by the config fuzz target too). */
    static final Map<String, Set<String>> KEYS = Map.ofEntries(
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

    private final Map<String, String> overrides;
    private final Map<String, String> env;
    private final Map<String, Object> file = new HashMap<>();
    private final List<String> problems = new ArrayList<>();

    ConfigValues(Path file, Map<String, String> overrides, Map<String, String> env) {
        this.overrides = overrides;
        this.env = env;
        if (file != null) readFile(file);
    }

    /** {@return the problems found so far (the list itself: callers add theirs)} */
    List<String> problems() {
        return problems;
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
    List<String> list(String key) {
        String v = raw(key);
        if (v == null) return List.of();
        return java.util.Arrays.stream(v.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }

    String raw(String key) {
        if (overrides.containsKey(key)) return overrides.get(key);
        String envKey = "PARLEY_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
        if (env.containsKey(envKey)) return env.get(envKey);
        Object v = file.get(key); // a TOML list is already the comma-separated form of the environment (putFileValue)
        return v == null ? null : v.toString();
    }

    String str(String key, String def) {
        String v = raw(key);
        return v == null ? def : v.strip();
    }

    /** A file system path; one the platform cannot name (a NUL character in it) is a problem. */
    Path path(String key, Path def) {
        String v = str(key, def.toString());
        try {
            return Path.of(v);
        } catch (InvalidPathException e) {
            problems.add(key + " is not a path this system can use (" + e.getReason() + ")");
            return def;
        }
    }

    int integer(String key, int def, int min, int max) {
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

    boolean bool(String key, boolean def) {
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

    Duration duration(String key, Duration def) {
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
    long size(String key, long def) {
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

    /** A duration that may be negative ({@code -5s}) or zero. */
    Duration signedDuration(String key, Duration def) {
        String v = raw(key);
        if (v == null) return def;
        String s = v.strip();
        boolean negative = s.startsWith("-");
        String magnitude = negative ? s.substring(1) : s;
        if (magnitude.equals("0")) return Duration.ZERO;
        Duration d = durationOf(key, magnitude, def);
        return negative ? d.negated() : d;
    }

    Duration durationOf(String key, String v, Duration def) {
        Duration d = shortDuration(v);
        if (d == null) {
            problems.add(key + " must be a duration like 500ms, 5s or -5s (got '" + v + "')");
            return def;
        }
        return longest(key, d, def);
    }
}
