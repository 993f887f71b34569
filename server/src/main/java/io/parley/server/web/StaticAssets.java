package io.parley.server.web;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Files of the web client, read from the classpath under one root ({@code web/}) and kept in memory
 * after the first read, each with its content type and a strong ETag (a hash of the bytes).
 *
 * <p>Only paths of plain segments ({@code a-z A-Z 0-9 _ - .}, no segment that is empty or starts with
 * a dot) with a known extension are looked up, so {@code ..}, encoded or not, and hidden files can
 * never reach the class loader.
 */
public final class StaticAssets {
    /** One file: its bytes, content type and ETag (quoted, as the header carries it). */
    public record Asset(String path, byte[] body, String contentType, String etag) {}

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_\\-][A-Za-z0-9_.\\-]*");
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("woff2", "font/woff2"));

    private final String root;
    private final ClassLoader loader;
    private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

    /** Files under {@code root} (a classpath folder such as {@code "web"}). */
    public StaticAssets(String root) {
        this.root = root.endsWith("/") ? root : root + "/";
        this.loader = StaticAssets.class.getClassLoader();
    }

    /** {@return the content type for a file name, or empty when the extension is not served} */
    public static Optional<String> contentType(String name) {
        int dot = name.lastIndexOf('.');
        if (dot < 0) return Optional.empty();
        return Optional.ofNullable(TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT)));
    }

    /** {@return whether a request path is one this class would look up (safe segments, known type)} */
    public static boolean isAssetPath(String path) {
        return hasSafeSegments(path) && contentType(path.substring(path.lastIndexOf('/') + 1)).isPresent();
    }

    /** {@return whether every segment of a path is plain: no empty, dot-leading or odd-character segment} */
    public static boolean hasSafeSegments(String path) {
        if (!path.startsWith("/") || path.length() < 2) return false;
        for (String s : path.substring(1).split("/", -1)) {
            if (!SEGMENT.matcher(s).matches()) return false;
        }
        return true;
    }

    /** {@return the file at a request path such as {@code /js/main.js}, or empty} */
    public Optional<Asset> find(String path) {
        if (!isAssetPath(path)) return Optional.empty();
        return cache.computeIfAbsent(path, this::load);
    }

    private Optional<Asset> load(String path) {
        try (InputStream in = loader.getResourceAsStream(root + path.substring(1))) {
            if (in == null) return Optional.empty();
            byte[] body = in.readAllBytes();
            return Optional.of(new Asset(path, body, contentType(path).orElseThrow(), etag(body)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read web asset " + path, e);
        }
    }

    private static String etag(byte[] body) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + HexFormat.of().formatHex(d, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
