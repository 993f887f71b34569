package io.parley.server.web;

import io.parley.core.error.ErrorCode;
import io.parley.server.http.HttpRequest;
import io.parley.server.http.HttpResponse;
import io.parley.server.http.Router;

import java.util.List;
import java.util.Map;

/**
 * Serves the web client as the router's fallback for GETs that match no API route.
 *
 * <ul>
 *   <li>{@code /} and any path of plain segments without a file extension that is not reserved ({@code /join/inv_…},
 *       {@code /workspaces/…/chats/…}: the client's own routes) get {@code index.html}, never cached;</li>
 *   <li>a path with a served extension gets that file with an ETag and {@code Cache-Control: no-cache}
 *       (revalidate: the files are not versioned, so a new jar shows at the next load), or a 404;</li>
 *   <li>paths under the server's own prefixes ({@code /api}, {@code /ws}, {@code /hooks}, {@code /health},
 *       {@code /ready}, {@code /metrics}) stay JSON 404s, so an API typo never answers with a page.</li>
 * </ul>
 * Every page and file carries the {@link ContentSecurityPolicy}.
 */
public final class WebClientRoutes {
    private static final List<String> RESERVED = List.of("api", "ws", "hooks", "health", "ready", "metrics");
    private static final String INDEX = "/index.html";

    private final StaticAssets assets;

    /** The client from the classpath folder {@code web/}. */
    public WebClientRoutes() {
        this(new StaticAssets("web"));
    }

    public WebClientRoutes(StaticAssets assets) {
        this.assets = assets;
    }

    /** Makes this the router's fallback. */
    public void register(Router router) {
        router.fallback(this::serve);
    }

    HttpResponse serve(HttpRequest request) {
        String path = request.path();
        if (isReserved(path)) return HttpResponse.error(ErrorCode.NOT_FOUND, "no such endpoint", null);
        String last = path.substring(path.lastIndexOf('/') + 1);
        boolean page = last.indexOf('.') < 0 && (path.equals("/") || StaticAssets.hasSafeSegments(path));
        if (last.indexOf('.') < 0 && !page) return notFound(request);
        var asset = assets.find(page ? INDEX : path);
        if (asset.isEmpty()) return notFound(request);
        StaticAssets.Asset a = asset.get();
        String csp = ContentSecurityPolicy.forHost(request.header("host"));
        if (page || a.path().equals(INDEX)) {
            return new HttpResponse(200, a.contentType(), a.body(), Map.of("Content-Security-Policy", csp, "Cache-Control", "no-store"));
        }
        Map<String, String> headers = Map.of("Content-Security-Policy", csp, "Cache-Control", "no-cache", "ETag", a.etag());
        if (a.etag().equals(request.header("if-none-match"))) return new HttpResponse(304, null, new byte[0], headers);
        return new HttpResponse(200, a.contentType(), a.body(), headers);
    }

    private static HttpResponse notFound(HttpRequest request) {
        HttpResponse r = HttpResponse.text(404, "text/plain; charset=utf-8", "not found\n");
        return r.withHeader("Content-Security-Policy", ContentSecurityPolicy.forHost(request.header("host")));
    }

    private static boolean isReserved(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        int slash = p.indexOf('/');
        String first = slash < 0 ? p : p.substring(0, slash);
        return RESERVED.contains(first);
    }
}
