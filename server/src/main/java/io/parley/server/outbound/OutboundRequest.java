package io.parley.server.outbound;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request the server makes to the outside.
 *
 * @param purpose why (its rules apply, and refusals are counted under it)
 * @param url where; {@code https} (plain {@code http} only where the purpose allows it)
 * @param method {@code GET}, {@code POST}, …
 * @param headers sent as given; {@code Host}, {@code Content-Length} and {@code Connection} are set by the client
 * @param body the request body, empty for none
 */
public record OutboundRequest(Purpose purpose, URI url, String method, Map<String, String> headers, byte[] body) {
    public OutboundRequest {
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(method, "method");
        headers = Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }

    /** {@return a POST of {@code body}} */
    public static OutboundRequest post(Purpose purpose, URI url, Map<String, String> headers, byte[] body) {
        return new OutboundRequest(purpose, url, "POST", headers, body);
    }
}
