package io.parley.server.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps method and path to a handler. Patterns are literal segments and {@code {name}} segments;
 * a path that matches some route but not its method is a 405, not a 404. A GET (or HEAD) that
 * matches no route at all goes to the fallback, if one is set (the web client's static files).
 */
public final class Router {
    private record Route(String method, String[] segments, HttpHandler handler, boolean streaming) {}

    /** The outcome of routing a request. */
    public sealed interface Match {
        /** @param streaming the handler reads the body as a stream ({@link HttpRequest#bodyStream()}) */
        record Found(HttpHandler handler, Map<String, String> params, boolean streaming) implements Match {}
        record MethodNotAllowed(List<String> allowed) implements Match {}
        record NotFound() implements Match {}
    }

    private final List<Route> routes = new ArrayList<>();
    private HttpHandler fallback;

    /** Adds a route; {@return this router} */
    public Router add(String method, String pattern, HttpHandler handler) {
        return add(method, pattern, handler, false);
    }

    /**
     * Adds a route; a {@code streaming} one gets its body as a stream while it arrives (uploads), not
     * buffered under the server's request size limit. {@return this router}
     */
    public Router add(String method, String pattern, HttpHandler handler, boolean streaming) {
        routes.add(new Route(method, split(pattern), handler, streaming));
        return this;
    }

    public Router get(String pattern, HttpHandler h) { return add("GET", pattern, h); }
    public Router post(String pattern, HttpHandler h) { return add("POST", pattern, h); }
    public Router put(String pattern, HttpHandler h) { return add("PUT", pattern, h); }
    public Router patch(String pattern, HttpHandler h) { return add("PATCH", pattern, h); }
    public Router delete(String pattern, HttpHandler h) { return add("DELETE", pattern, h); }

    /** Sets the handler for GETs that match no route; {@return this router} */
    public Router fallback(HttpHandler handler) {
        this.fallback = handler;
        return this;
    }

    /** {@return the route for a request} */
    public Match match(String method, String path) {
        String[] segs = split(path);
        List<String> allowed = new ArrayList<>();
        for (Route r : routes) {
            Optional<Map<String, String>> params = bind(r.segments, segs);
            if (params.isEmpty()) continue;
            if (r.method.equals(method) || ("HEAD".equals(method) && "GET".equals(r.method))) {
                return new Match.Found(r.handler, params.get(), r.streaming);
            }
            allowed.add(r.method);
        }
        if (!allowed.isEmpty()) return new Match.MethodNotAllowed(allowed);
        if (fallback != null && ("GET".equals(method) || "HEAD".equals(method))) return new Match.Found(fallback, Map.of(), false);
        return new Match.NotFound();
    }

    private static Optional<Map<String, String>> bind(String[] pattern, String[] path) {
        if (pattern.length != path.length) return Optional.empty();
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("}")) {
                if (path[i].isEmpty()) return Optional.empty();
                params.put(p.substring(1, p.length() - 1), path[i]);
            } else if (!p.equals(path[i])) {
                return Optional.empty();
            }
        }
        return Optional.of(params);
    }

    private static String[] split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) p = p.substring(0, p.length() - 1);
        return p.isEmpty() ? new String[0] : p.split("/", -1);
    }
}
