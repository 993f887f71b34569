package io.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON-over-HTTP client for tests. */
public final class Http {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A response: status and parsed JSON body (null node when empty or not JSON). */
    public record Res(int status, JsonNode body, String raw, HttpResponse<String> response) {
        public String header(String name) { return response.headers().firstValue(name).orElse(null); }
    }

    private final String base;
    private final HttpClient client;
    private final java.util.Map<String, String> headers;

    public Http(String base) {
        this(base, CLIENT, java.util.Map.of());
    }

    private Http(String base, HttpClient client, java.util.Map<String, String> headers) {
        this.base = base;
        this.client = client;
        this.headers = headers;
    }

    /** A client for an https base URL that trusts what this TLS context trusts (a test CA), host names verified. */
    public Http(String base, javax.net.ssl.SSLContext tls) {
        this(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(tls).build(), java.util.Map.of());
    }

    /** {@return a client that connects from this local address (any of 127.0.0.0/8 reaches a server on 127.0.0.1)} */
    public Http from(java.net.InetAddress local) {
        return new Http(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).localAddress(local).build(), headers);
    }

    /** {@return a client that sends this header with every request} */
    public Http withHeader(String name, String value) {
        var h = new java.util.HashMap<>(headers);
        h.put(name, value);
        return new Http(base, client, java.util.Map.copyOf(h));
    }

    public Res get(String path, String token) { return send("GET", path, null, token); }
    public Res post(String path, Object body, String token) { return send("POST", path, body, token); }
    public Res patch(String path, Object body, String token) { return send("PATCH", path, body, token); }
    public Res put(String path, Object body, String token) { return send("PUT", path, body, token); }
    public Res delete(String path, String token) { return send("DELETE", path, null, token); }

    /** Sends a raw body string as JSON content type. */
    public Res raw(String method, String path, String body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        headers.forEach(b::header);
        return exec(client, b.build());
    }

    /** Sends a body of raw bytes (which need not be UTF-8) with a content type. */
    public Res bytes(String method, String path, String contentType, byte[] body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15))
                .header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        headers.forEach(b::header);
        return exec(client, b.build());
    }

    public Res send(String method, String path, Object body, String token) {
        try {
            return raw(method, path, body == null ? null : JSON.writeValueAsString(body), token);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Res exec(HttpClient client, HttpRequest req) {
        try {
            HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
            JsonNode node = null;
            try {
                if (!r.body().isEmpty()) node = JSON.readTree(r.body());
            } catch (IOException ignored) {
                // not JSON
            }
            return new Res(r.statusCode(), node, r.body(), r);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
