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
        return checked(super.createParser(utf8(ByteBuffer.wrap(data, offset, len))));
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
