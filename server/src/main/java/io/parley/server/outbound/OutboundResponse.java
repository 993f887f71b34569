package io.parley.server.outbound;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The answer to an {@link OutboundRequest}, read whole and bounded by {@code outbound.max_response_bytes}. A redirect
 * is an answer like any other: it is never followed.
 *
 * @param headers by lower-case name
 */
public record OutboundResponse(int status, Map<String, List<String>> headers, byte[] body) {
    public OutboundResponse {
        headers = Map.copyOf(headers);
    }

    /** {@return the first value of a header} */
    public Optional<String> header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.getFirst());
    }
}
