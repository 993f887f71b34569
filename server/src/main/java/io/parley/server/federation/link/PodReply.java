package io.parley.server.federation.link;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.parley.server.http.Json;

/** The answer of a {@link PodHandler}: a status and a JSON body (empty for 204). */
public record PodReply(int status, byte[] body) {
    /** {@return a 200 with the value as JSON} */
    public static PodReply ok(Object value) { return json(200, value); }

    /** {@return a 204} */
    public static PodReply noContent() { return new PodReply(204, new byte[0]); }

    public static PodReply json(int status, Object value) {
        try {
            return new PodReply(status, Json.MAPPER.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("reply not serialisable: " + value.getClass().getSimpleName(), e);
        }
    }
}
