package io.parley.server.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;

/**
 * JSON input that is not Unicode text: bytes that are not UTF-8, or a string with an unpaired surrogate (see
 * {@link WellFormedJsonFactory}). The edges answer it with {@code malformed}, phrased with {@link #problem()}.
 */
public final class IllFormedTextException extends JsonParseException {
    IllFormedTextException(String problem) {
        this(problem, null);
    }

    IllFormedTextException(String problem, JsonParser p) {
        super(p, problem);
    }

    /** {@return what is wrong, to follow "the body" or "frame": "is not valid UTF-8", "holds a string with …"} */
    public String problem() {
        return getOriginalMessage();
    }
}
