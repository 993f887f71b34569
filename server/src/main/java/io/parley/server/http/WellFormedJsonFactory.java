package io.parley.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;

import java.io.DataInput;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Jackson's factory, made to refuse text that is not Unicode, so that no entry point has to remember to check:
 * <ul>
 *   <li>bytes must be well-formed UTF-8 — no encoded surrogates ({@code ED A0 80}), no overlong forms, no truncated
 *       sequences — instead of being decoded by Jackson's lenient reader (or guessed to be UTF-16);</li>
 *   <li>every string value and field name must be well-formed UTF-16: an escaped lone surrogate ({@code "a\ud800b"})
 *       would otherwise become a string that each store and writer spells differently.</li>
 * </ul>
 * Either failure is an {@link IllFormedTextException}, which the edges answer with {@code malformed}. Parsers are
 * wrapped so that every token passes one check, whichever method advanced to it; the non-blocking parsers are not
 * offered.
 */
public final class WellFormedJsonFactory extends JsonFactory {
    public WellFormedJsonFactory() {}

    private WellFormedJsonFactory(WellFormedJsonFactory src) {
        super(src, null);
    }

    @Override
    public JsonFactory copy() {
        return new WellFormedJsonFactory(this);
    }

    @Override
    public JsonParser createParser(byte[] data) throws IOException {
        return createParser(data, 0, data.length);
    }

    @Override
    public JsonParser createParser(byte[] data, int offset, int len) throws IOException {
        // Most input is plain (see plainUtf8): Jackson's byte parser then reads it as it is, with nothing to check per
        // token. Anything else is decoded strictly and every string checked, as below.
        if (plainUtf8(data, offset, len)) return super.createParser(data, offset, len);
        return checked(super.createParser(utf8(ByteBuffer.wrap(data, offset, len))));
    }

    /**
     * {@return whether these bytes are well-formed UTF-8 that cannot hold an ill-formed string, in one pass} That is:
     * every sequence is one the strict decoder takes (no encoded surrogate, no overlong form, nothing past U+10FFFF, none
     * truncated); no escape of a surrogate (a backslash, u, then D800 to DFFF; so a string's surrogates can only come
     * from 4-byte sequences, always paired); no NUL byte and no leading byte order mark, which are what would make
     * Jackson's byte parser guess another encoding or skip what the char parser refuses. {@code false} does not mean
     * ill-formed (an escaped emoji's pair is fine): it sends the input down the decoding, checking path. Measured on a
     * 1,000-op org batch: 1.1 µs an op against 2.3 through that path (it is most of a pod's JSON by volume).
     */
    static boolean plainUtf8(byte[] b, int offset, int len) {
        int end = offset + len;
        if (len >= 3 && b[offset] == (byte) 0xEF && b[offset + 1] == (byte) 0xBB && b[offset + 2] == (byte) 0xBF) return false;
        int i = offset;
        while (i < end) {
            int c = b[i];
            if (c > 0) { // ASCII other than NUL
                if (c == '\\' && i + 3 < end && b[i + 1] == 'u' && (b[i + 2] | 0x20) == 'd' && isSurrogateNibble(b[i + 3])) return false;
                i++;
                continue;
            }
            if (c == 0) return false;
            int lead = c & 0xFF;
            int n; // continuation bytes
            int lo = 0x80, hi = 0xBF; // the first continuation's range
            if (lead >= 0xC2 && lead <= 0xDF) n = 1;
            else if (lead == 0xE0) { n = 2; lo = 0xA0; }
            else if (lead == 0xED) { n = 2; hi = 0x9F; } // U+D800..U+DFFF are not characters
            else if (lead >= 0xE1 && lead <= 0xEF) n = 2;
            else if (lead == 0xF0) { n = 3; lo = 0x90; }
            else if (lead >= 0xF1 && lead <= 0xF3) n = 3;
            else if (lead == 0xF4) { n = 3; hi = 0x8F; } // nothing past U+10FFFF
            else return false;
            if (i + n >= end) return false;
            int first = b[i + 1] & 0xFF;
            if (first < lo || first > hi) return false;
            for (int k = 2; k <= n; k++) if ((b[i + k] & 0xC0) != 0x80) return false;
            i += n + 1;
        }
        return true;
    }

    /** {@return whether an escape's second hex digit puts an escape that begins with D among the surrogates (8 to F)} */
    private static boolean isSurrogateNibble(byte h) {
        return (h >= '8' && h <= '9') || ((h | 0x20) >= 'a' && (h | 0x20) <= 'f');
    }

    @Override
    public JsonParser createParser(InputStream in) throws IOException {
        try (in) {
            return createParser(in.readAllBytes());
        }
    }

    @Override
    public JsonParser createParser(File f) throws IOException {
        return createParser(java.nio.file.Files.readAllBytes(f.toPath()));
    }

    @Override
    public JsonParser createParser(URL url) {
        throw new UnsupportedOperationException("read the bytes, then parse them");
    }

    @Override
    public JsonParser createParser(DataInput in) {
        throw new UnsupportedOperationException("read the bytes, then parse them");
    }

    @Override
    public JsonParser createParser(Reader r) throws IOException {
        return checked(super.createParser(r));
    }

    @Override
    public JsonParser createParser(String content) throws IOException {
        return checked(super.createParser(content));
    }

    @Override
    public JsonParser createParser(char[] content) throws IOException {
        return checked(super.createParser(content));
    }

    @Override
    public JsonParser createParser(char[] content, int offset, int len) throws IOException {
        return checked(super.createParser(content, offset, len));
    }

    @Override
    public JsonParser createNonBlockingByteArrayParser() {
        throw new UnsupportedOperationException("non-blocking parsing is not checked");
    }

    @Override
    public JsonParser createNonBlockingByteBufferParser() {
        throw new UnsupportedOperationException("non-blocking parsing is not checked");
    }

    private static char[] utf8(ByteBuffer bytes) throws IllFormedTextException {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes);
            char[] out = new char[chars.remaining()];
            chars.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new IllFormedTextException("is not valid UTF-8");
        }
    }

    private static JsonParser checked(JsonParser p) {
        return new Checked(p);
    }

    /**
     * Checks each string and field name as the parser reaches it. Every way to advance goes through
     * {@link #nextToken()}: {@code nextFieldName}, {@code nextTextValue} and the like do by default, and the two that a
     * delegate would pass straight on ({@code nextValue}, {@code skipChildren}) are rewritten here, so that even skipped
     * values (unknown fields that a reader ignores) are checked.
     */
    private static final class Checked extends JsonParserDelegate {
        Checked(JsonParser p) {
            super(p);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken t = delegate.nextToken();
            if (t == JsonToken.VALUE_STRING || t == JsonToken.FIELD_NAME) {
                requirePaired(delegate.getTextCharacters(), delegate.getTextOffset(), delegate.getTextLength());
            }
            return t;
        }

        @Override
        public JsonToken nextValue() throws IOException {
            JsonToken t = nextToken();
            return t == JsonToken.FIELD_NAME ? nextToken() : t;
        }

        @Override
        public JsonParser skipChildren() throws IOException {
            JsonToken t = currentToken();
            if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) return this;
            for (int open = 1; open > 0; ) {
                t = nextToken();
                if (t == null) return this;
                if (t.isStructStart()) open++;
                else if (t.isStructEnd()) open--;
            }
            return this;
        }

        private void requirePaired(char[] text, int offset, int length) throws IllFormedTextException {
            for (int i = offset, end = offset + length; i < end; i++) {
                char c = text[i];
                if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(text[i + 1])) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw new IllFormedTextException("holds a string with an unpaired surrogate (U+%04X)".formatted((int) c), this);
                }
            }
        }
    }
}
