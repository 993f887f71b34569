package io.parley.server.wire;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

/**
 * A minimal JSON writer straight into a growing byte array, for the frames on the hot path (every
 * live event and every ack). It knows only what those frames hold — objects, arrays, strings,
 * UUIDs, numbers, booleans, instants — and writes them with the escaping of RFC 8259 §7. It tracks
 * commas itself, so callers write fields in order and nothing else. Output equals Jackson's for the
 * same values (tests hold it so); it exists because creating a Jackson generator per frame and
 * formatting UUIDs through strings were the largest costs of a send in profiles.
 */
public final class JsonBytes {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** Escapes use upper-case hex, as Jackson writes them. */
    private static final byte[] HEX_UPPER = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private byte[] buf;
    private int len;
    /** Whether the next value in the current container needs a comma before it. */
    private boolean comma;

    public JsonBytes(int capacity) {
        buf = new byte[capacity];
    }

    /** {@return the bytes written} */
    public byte[] toBytes() {
        return Arrays.copyOf(buf, len);
    }

    public JsonBytes startObject() { value(); put('{'); comma = false; return this; }
    public JsonBytes endObject() { put('}'); comma = true; return this; }
    public JsonBytes startArray() { value(); put('['); comma = false; return this; }
    public JsonBytes endArray() { put(']'); comma = true; return this; }

    /** Writes a field name; the next call writes its value. */
    public JsonBytes field(String name) {
        value();
        ascii('"').ascii(name).ascii('"').put(':');
        comma = false;
        return this;
    }

    public JsonBytes string(String s) {
        value();
        put('"');
        escaped(s);
        put('"');
        comma = true;
        return this;
    }

    public JsonBytes uuid(UUID id) {
        value();
        ensure(38);
        buf[len++] = '"';
        long msb = id.getMostSignificantBits();
        long lsb = id.getLeastSignificantBits();
        hex(msb >>> 32, 8);
        buf[len++] = '-';
        hex(msb >>> 16, 4);
        buf[len++] = '-';
        hex(msb, 4);
        buf[len++] = '-';
        hex(lsb >>> 48, 4);
        buf[len++] = '-';
        hex(lsb, 12);
        buf[len++] = '"';
        comma = true;
        return this;
    }

    public JsonBytes number(long n) {
        value();
        ascii(Long.toString(n));
        comma = true;
        return this;
    }

    public JsonBytes bool(boolean b) {
        value();
        ascii(b ? "true" : "false");
        comma = true;
        return this;
    }

    /** An instant as ISO-8601 text, as {@link Instant#toString()} (and Jackson's JavaTimeModule) write it. */
    public JsonBytes instant(Instant t) {
        value();
        put('"').ascii(t.toString()).put('"');
        comma = true;
        return this;
    }

    // Field helpers that leave out null values, as the wire views do (NON_NULL).
    public JsonBytes field(String name, String v) { return v == null ? this : field(name).string(v); }
    public JsonBytes field(String name, UUID v) { return v == null ? this : field(name).uuid(v); }
    public JsonBytes field(String name, Instant v) { return v == null ? this : field(name).instant(v); }
    public JsonBytes field(String name, long v) { return field(name).number(v); }
    public JsonBytes field(String name, boolean v) { return field(name).bool(v); }

    private void value() {
        if (comma) put(',');
    }

    private void hex(long v, int digits) {
        hex(v, digits, HEX);
    }

    private void hex(long v, int digits, byte[] alphabet) {
        for (int i = digits - 1; i >= 0; i--) {
            buf[len + i] = alphabet[(int) (v & 0xF)];
            v >>>= 4;
        }
        len += digits;
    }

    private JsonBytes put(char c) {
        ensure(1);
        buf[len++] = (byte) c;
        return this;
    }

    private JsonBytes ascii(char c) {
        return put(c);
    }

    private JsonBytes ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) buf[len++] = (byte) s.charAt(i);
        return this;
    }

    /** Writes a string's characters escaped (quote, backslash, controls) and UTF-8 encoded. */
    private void escaped(String s) {
        int n = s.length();
        ensure(6 * n); // the worst case (every char a \\u00XX escape), so the loop below needs no checks
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                buf[len++] = (byte) c;
            } else if (c < 0x80) {
                switch (c) {
                    case '"' -> ascii("\\\"");
                    case '\\' -> ascii("\\\\");
                    case '\n' -> ascii("\\n");
                    case '\r' -> ascii("\\r");
                    case '\t' -> ascii("\\t");
                    case '\b' -> ascii("\\b");
                    case '\f' -> ascii("\\f");
                    default -> {
                        ascii("\\u00");
                        ensure(2);
                        hex(c, 2, HEX_UPPER);
                    }
                }
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                ensure(4);
                buf[len++] = (byte) (0xF0 | (cp >> 18));
                buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                ascii("\\u");
                ensure(4);
                hex(c, 4, HEX_UPPER); // a lone surrogate: escaped, so the output stays valid UTF-8
            } else if (c < 0x800) {
                ensure(2);
                buf[len++] = (byte) (0xC0 | (c >> 6));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            } else {
                ensure(3);
                buf[len++] = (byte) (0xE0 | (c >> 12));
                buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }

    private void ensure(int more) {
        if (len + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
}
