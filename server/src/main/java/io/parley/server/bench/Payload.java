package io.parley.server.bench;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * What the generator puts on the wire and reads back, without a JSON library on the hot path.
 *
 * <p>Content is ASCII: {@code <16 hex: System.nanoTime at send>|<8 hex: sender>|<8 hex: sender seq>|}
 * then {@code x} up to the requested size. The frame id encodes the same facts (most significant
 * half = send time, least = sender and seq) so an ack's {@code refId} alone gives send→ack latency.
 */
final class Payload {
    static final int PREFIX_LENGTH = 16 + 1 + 8 + 1 + 8 + 1;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private Payload() {}

    static UUID frameId(long sentNanos, int sender, int seq) {
        return new UUID(sentNanos, ((long) sender << 32) | (seq & 0xffffffffL));
    }

    /** {@return the UTF-8 bytes of a complete message.send frame} */
    static byte[] sendFrame(String chatId, long sentNanos, int sender, int seq, int size) {
        UUID id = frameId(sentNanos, sender, seq);
        StringBuilder sb = new StringBuilder(size + 160);
        sb.append("{\"type\":\"message.send\",\"id\":\"").append(id).append("\",\"payload\":{\"chatId\":\"").append(chatId)
                .append("\",\"content\":\"");
        hex(sb, sentNanos, 16);
        sb.append('|');
        hex(sb, sender, 8);
        sb.append('|');
        hex(sb, seq, 8);
        sb.append('|');
        for (int i = PREFIX_LENGTH; i < size; i++) sb.append('x');
        sb.append("\"}}");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void hex(StringBuilder sb, long v, int digits) {
        for (int i = digits - 1; i >= 0; i--) sb.append((char) HEX[(int) ((v >>> (i * 4)) & 0xf)]);
    }

    // ---- scanning received frames ----

    static final byte[] TYPE = ascii("{\"type\":\"");
    static final byte[] MESSAGE_NEW = ascii("message.new\"");
    static final byte[] ACK = ascii("ack\"");
    static final byte[] ERROR = ascii("error\"");
    static final byte[] HELLO = ascii("hello\"");
    static final byte[] TYPING = ascii("typing.indicator\"");
    static final byte[] PRESENCE = ascii("presence.");
    static final byte[] PAYLOAD_CHAT = ascii("\"payload\":{\"chatId\":\"");
    static final byte[] SEQ = ascii("\"seq\":");
    static final byte[] CONTENT = ascii("\"content\":\"");
    static final byte[] REF_ID = ascii("\"refId\":\"");
    static final byte[] CHAT_ID = ascii("\"chatId\":\"");
    static final byte[] CODE = ascii("\"code\":\"");

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static boolean startsWithAt(byte[] b, int at, byte[] needle) {
        if (at < 0 || at + needle.length > b.length) return false;
        for (int i = 0; i < needle.length; i++) if (b[at + i] != needle[i]) return false;
        return true;
    }

    /** {@return the index just past the first occurrence of needle at or after from, or -1} */
    static int after(byte[] b, byte[] needle, int from) {
        int last = b.length - needle.length;
        byte first = needle[0];
        outer:
        for (int i = Math.max(0, from); i <= last; i++) {
            if (b[i] != first) continue;
            for (int j = 1; j < needle.length; j++) if (b[i + j] != needle[j]) continue outer;
            return i + needle.length;
        }
        return -1;
    }

    static long parseLong(byte[] b, int at) {
        long v = 0;
        int i = at;
        while (i < b.length && b[i] >= '0' && b[i] <= '9') v = v * 10 + (b[i++] - '0');
        return i == at ? -1 : v;
    }

    static long parseHex(byte[] b, int at, int digits) {
        long v = 0;
        for (int i = at; i < at + digits; i++) {
            int c = b[i];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0) return Long.MIN_VALUE;
            v = (v << 4) | d;
        }
        return v;
    }

    /** {@return the 36 characters of a UUID string at at, or null} */
    static String uuidAt(byte[] b, int at) {
        if (at < 0 || at + 36 > b.length) return null;
        return new String(b, at, 36, StandardCharsets.US_ASCII);
    }

    /** {@return the quoted string starting at at (no escapes expected), or null} */
    static String stringAt(byte[] b, int at) {
        if (at < 0) return null;
        int end = at;
        while (end < b.length && b[end] != '"') end++;
        return new String(b, at, end - at, StandardCharsets.UTF_8);
    }
}
