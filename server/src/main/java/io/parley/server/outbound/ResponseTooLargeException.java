package io.parley.server.outbound;

import java.io.IOException;

/** An outbound answer's body went past {@code outbound.max_response_bytes}; the connection was closed. */
public final class ResponseTooLargeException extends IOException {
    ResponseTooLargeException(long limit) {
        super("the answer's body is larger than " + limit + " bytes");
    }
}
