package io.parley.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.error.RateLimitedException;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP response as handlers build it; the server adds security headers and writes it. The body is
 * {@code body}, or for downloads {@code stream}: bytes the server copies to the client as it can take them
 * (and then closes), never holding the whole file in memory.
 */
public record HttpResponse(int status, String contentType, byte[] body, Map<String, String> headers, Streamed stream) {
    /**
     * A body read from a stream of known length; {@code sha256} is its digest (hex) when the handler knows it without
     * reading it (a content-addressed file), else null.
     */
    public record Streamed(java.io.InputStream in, long length, String sha256) {}

    public HttpResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
        this(status, contentType, body, headers, null);
    }

    /** {@return a 200 whose body is streamed} */
    public static HttpResponse stream(String contentType, java.io.InputStream in, long length) {
        return stream(contentType, in, length, null);
    }

    /** {@return a 200 whose body is streamed and whose digest is known (so a pod can sign it before sending it)} */
    public static HttpResponse stream(String contentType, java.io.InputStream in, long length, String sha256) {
        return new HttpResponse(200, contentType, new byte[0], Map.of(), new Streamed(in, length, sha256));
    }

    public static HttpResponse json(int status, Object value) {
        try {
            return new HttpResponse(status, "application/json", Json.MAPPER.writeValueAsBytes(value), Map.of());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response not serialisable: " + value.getClass().getSimpleName(), e);
        }
    }

    public static HttpResponse ok(Object value) {
        return json(200, value);
    }

    public static HttpResponse text(int status, String contentType, String body) {
        return new HttpResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public static HttpResponse noContent() {
        return new HttpResponse(204, null, new byte[0], Map.of());
    }

    /** {@return the JSON error body {@code {"error":{"code","message","retryAfter"?}}} with the code's status} */
    public static HttpResponse error(ErrorCode code, String message, Integer retryAfter) {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("code", code.wire());
        err.put("message", message);
        if (retryAfter != null) err.put("retryAfter", retryAfter);
        HttpResponse r = json(code.httpStatus(), Map.of("error", err));
        return retryAfter == null ? r : r.withHeader("Retry-After", Integer.toString(retryAfter));
    }

    public static HttpResponse error(ParleyException e) {
        HttpResponse r = error(e.code(), e.getMessage(), e.retryAfterSeconds());
        if (e instanceof RateLimitedException rl) {
            r = r.withHeader("X-RateLimit-Limit", Integer.toString(rl.limit()))
                    .withHeader("X-RateLimit-Remaining", Integer.toString(rl.remaining()));
        }
        return r;
    }

    /** {@return this response with one more header} */
    public HttpResponse withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new HttpResponse(status, contentType, body, Map.copyOf(h), stream);
    }
}
