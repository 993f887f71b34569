package io.parley.server.http;

import java.util.List;
import java.util.Map;

/**
 * An HTTP request as the API handlers see it: no Netty types, the body fully read (bounded by the
 * server's maximum request size), header names lower-cased.
 *
 * @param pathParams values of {@code {name}} segments of the matched route
 */
public record HttpRequest(String method, String path, Map<String, List<String>> query, Map<String, String> headers,
                          byte[] body, Map<String, String> pathParams, String remoteAddress) {

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
        return new HttpRequest(method, path, query, headers, body, Map.copyOf(params), remoteAddress);
    }
}
