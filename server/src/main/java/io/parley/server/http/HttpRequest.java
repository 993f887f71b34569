package io.parley.server.http;

import java.util.List;
import java.util.Map;

/**
 * An HTTP request as the API handlers see it: no Netty types, header names lower-cased. The body is either
 * fully read ({@code body}, bounded by the server's maximum request size) or, for the routes registered as
 * streaming (uploads), a stream that delivers it as it arrives ({@code bodyStream}; {@code body} is then empty).
 *
 * @param pathParams values of {@code {name}} segments of the matched route
 * @param bodyStream the body of a streaming route, read on the handler's thread; null for every other route
 */
public record HttpRequest(String method, String path, Map<String, List<String>> query, Map<String, String> headers,
                          byte[] body, Map<String, String> pathParams, String remoteAddress, java.io.InputStream bodyStream) {

    /** A request whose body was read in full. */
    public HttpRequest(String method, String path, Map<String, List<String>> query, Map<String, String> headers,
                       byte[] body, Map<String, String> pathParams, String remoteAddress) {
        this(method, path, query, headers, body, pathParams, remoteAddress, null);
    }

    /** {@return a header value, or null} */
    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    /** {@return the first value of a query parameter, or null} */
    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** {@return a path parameter of the matched route} */
    public String pathParam(String name) {
        return pathParams.get(name);
    }

    /** {@return the bearer token from the Authorization header, or null} */
    public String bearerToken() {
        String auth = header("authorization");
        if (auth == null) return null;
        return auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).strip() : null;
    }

    /** {@return this request with the matched route's path parameters} */
    public HttpRequest withPathParams(Map<String, String> params) {
        return new HttpRequest(method, path, query, headers, body, Map.copyOf(params), remoteAddress, bodyStream);
    }
}
