package io.parley.server.api;

import io.parley.server.http.HttpHandler;

/**
 * One route of the REST API as data: method, path pattern (with {@code {name}} segments) and handler.
 * Declaring routes as data lets the OpenAPI test compare the table with the document.
 *
 * @param streaming the handler reads its body as a stream while it arrives (uploads)
 */
public record Endpoint(String method, String pattern, HttpHandler handler, boolean streaming) {
    public Endpoint(String method, String pattern, HttpHandler handler) {
        this(method, pattern, handler, false);
    }

    static Endpoint get(String pattern, HttpHandler h) { return new Endpoint("GET", pattern, h); }
    static Endpoint post(String pattern, HttpHandler h) { return new Endpoint("POST", pattern, h); }
    static Endpoint put(String pattern, HttpHandler h) { return new Endpoint("PUT", pattern, h); }
    static Endpoint patch(String pattern, HttpHandler h) { return new Endpoint("PATCH", pattern, h); }
    static Endpoint delete(String pattern, HttpHandler h) { return new Endpoint("DELETE", pattern, h); }
    /** A POST whose body streams to the handler. */
    static Endpoint upload(String pattern, HttpHandler h) { return new Endpoint("POST", pattern, h, true); }
}
