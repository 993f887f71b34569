package io.parley.server.nats;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.parley.core.bus.BusEvent;

import java.io.IOException;
import java.util.Arrays;

/**
 * The bus's wire format between nodes: {@code [version][kind][JSON of the event record]}.
 *
 * <p>Byte 0 is the format version ({@link #VERSION}); a node drops (and counts) payloads of a version
 * it does not speak, so a rolling upgrade that changes the format degrades to gap repair from the
 * store instead of failing. Byte 1 names the event kind with a fixed number (never an ordinal, so
 * reordering the sealed interface cannot change the wire). The body is Jackson's JSON of the record:
 * small events are a few hundred bytes; messages carry their content once. Unknown JSON fields are
 * ignored, so a newer node may add fields.
 */
final class BusCodec {
    static final byte VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private BusCodec() {}

    /** Thrown for a payload this node cannot read. */
    static final class BadPayload extends Exception {
        BadPayload(String why, Throwable cause) { super(why, cause); }
    }

    /** {@return the bytes of an event} */
    static byte[] encode(BusEvent event) {
        byte kind = switch (event) {
            case BusEvent.Committed c -> 1;
            case BusEvent.MembershipChanged m -> 2;
            case BusEvent.ChatChanged c -> 3;
            case BusEvent.ReadMarked r -> 4;
            case BusEvent.UrgentPosted u -> 5;
            case BusEvent.SessionsRevoked s -> 6;
            case BusEvent.TypingChanged t -> 7;
            case BusEvent.PresenceChanged p -> 8;
            case BusEvent.OrgPeersChanged o -> 9;
        };
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + event.getClass().getSimpleName(), e);
        }
        byte[] out = new byte[body.length + 2];
        out[0] = VERSION;
        out[1] = kind;
        System.arraycopy(body, 0, out, 2, body.length);
        return out;
    }

    /** {@return the event in these bytes} @throws BadPayload for anything else */
    static BusEvent decode(byte[] bytes) throws BadPayload {
        if (bytes == null || bytes.length < 3) throw new BadPayload("payload too short", null);
        if (bytes[0] != VERSION) throw new BadPayload("unknown bus format version " + bytes[0], null);
        Class<? extends BusEvent> type = switch (bytes[1]) {
            case 1 -> BusEvent.Committed.class;
            case 2 -> BusEvent.MembershipChanged.class;
            case 3 -> BusEvent.ChatChanged.class;
            case 4 -> BusEvent.ReadMarked.class;
            case 5 -> BusEvent.UrgentPosted.class;
            case 6 -> BusEvent.SessionsRevoked.class;
            case 7 -> BusEvent.TypingChanged.class;
            case 8 -> BusEvent.PresenceChanged.class;
            case 9 -> BusEvent.OrgPeersChanged.class;
            default -> throw new BadPayload("unknown bus event kind " + bytes[1], null);
        };
        try {
            BusEvent e = JSON.readValue(bytes, 2, bytes.length - 2, type);
            if (e == null) throw new BadPayload("empty event", null);
            return e;
        } catch (IOException | RuntimeException e) { // RuntimeException: a record constructor refused a value
            throw new BadPayload("unreadable " + type.getSimpleName() + " (" + Arrays.toString(Arrays.copyOf(bytes, 2)) + ")", e);
        }
    }
}
