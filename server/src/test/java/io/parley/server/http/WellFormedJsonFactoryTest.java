package io.parley.server.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.server.federation.link.PodRoutes;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every way of reading JSON through {@link Json#MAPPER} refuses text that is not Unicode, wherever it sits. */
class WellFormedJsonFactoryTest {
    private static final String LONE = "{\"a\":[1,{\"b\":\"x\\ud800y\"}]}";

    record Known(String a) {}

    @Test
    void everyInputKindRefusesALoneSurrogate() {
        byte[] bytes = LONE.getBytes(StandardCharsets.US_ASCII);
        assertAll(
                () -> assertThrows(IllFormedTextException.class, () -> Json.MAPPER.readTree(LONE)),
                () -> assertThrows(IllFormedTextException.class, () -> Json.MAPPER.readTree(bytes)),
                () -> assertThrows(IllFormedTextException.class, () -> Json.MAPPER.readTree(new ByteArrayInputStream(bytes))),
                () -> assertThrows(IllFormedTextException.class, () -> Json.MAPPER.readTree(new StringReader(LONE))),
                () -> assertThrows(IllFormedTextException.class, () -> Json.MAPPER.readTree("{\"\\udc00\":1}")),
                () -> assertThrows(IllFormedTextException.class, () -> Json.MAPPER.readTree("\"\\ud800\"")));
    }

    @Test
    void skippedValuesAreCheckedToo() {
        String unknown = "{\"a\":\"fine\",\"ignored\":{\"deep\":[\"\\ud800\"]}}";
        var lenient = Json.MAPPER.readerFor(Known.class).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        assertThrows(IllFormedTextException.class, () -> lenient.readValue(unknown));
        assertThrows(IllFormedTextException.class, () -> {
            try (JsonParser p = Json.MAPPER.createParser(unknown)) {
                while (p.nextValue() != null) if (p.currentToken() == JsonToken.START_OBJECT && "ignored".equals(p.currentName())) p.skipChildren();
            }
        });
    }

    @Test
    void bytesMustBeUtf8() {
        byte[] encodedSurrogate = {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'};
        byte[] utf16 = "{\"a\":\"b\"}".getBytes(StandardCharsets.UTF_16LE); // Jackson alone would detect and accept it
        IllFormedTextException e = assertThrows(IllFormedTextException.class, () -> Json.MAPPER.readTree(encodedSurrogate));
        assertEquals("is not valid UTF-8", e.problem());
        assertThrows(Exception.class, () -> Json.MAPPER.readTree(utf16));
    }

    @Test
    void wellFormedTextStillReads() throws Exception {
        assertEquals("\uD83D\uDE00 \u00e9", Json.MAPPER.readTree("{\"a\":\"\\ud83d\\ude00 \u00e9\"}".getBytes(StandardCharsets.UTF_8))
                .get("a").asText());
    }

    @Test
    void podEnvelopesAnswerMalformed() {
        ParleyException e = assertThrows(ParleyException.class,
                () -> PodRoutes.parse("{\"a\":\"\\ud800\"}".getBytes(StandardCharsets.US_ASCII), Known.class));
        assertEquals(ErrorCode.MALFORMED, e.code());
    }

    /** The fast path: bytes it calls plain are ones the strict decoder takes and that hold no surrogate escape. */
    @Test
    void plainBytesAreOnlyWellFormedOnes() {
        java.util.Random random = new java.util.Random(16);
        byte[] alphabet = {'{', '"', 'a', '\\', 'u', 'd', 'D', '8', 'f', '0', ':', '}', 0, (byte) 0xC3, (byte) 0xA9, (byte) 0xED,
                (byte) 0xA0, (byte) 0x9F, (byte) 0x80, (byte) 0xBF, (byte) 0xE0, (byte) 0xF0, (byte) 0x90, (byte) 0xF4, (byte) 0x8F,
                (byte) 0xC0, (byte) 0xC1, (byte) 0xF5, (byte) 0xEF, (byte) 0xBB};
        int plain = 0;
        for (int n = 0; n < 200_000; n++) {
            byte[] b = new byte[1 + random.nextInt(12)];
            for (int i = 0; i < b.length; i++) b[i] = alphabet[random.nextInt(alphabet.length)];
            if (!WellFormedJsonFactory.plainUtf8(b, 0, b.length)) continue;
            plain++;
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b)).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new AssertionError("called plain but not UTF-8: " + java.util.HexFormat.of().formatHex(b));
            }
            String lower = text.toLowerCase(java.util.Locale.ROOT);
            for (int i = 0; i + 3 < lower.length(); i++) {
                if (lower.startsWith("\\ud", i) && "89abcdef".indexOf(lower.charAt(i + 3)) >= 0) {
                    throw new AssertionError("called plain with a surrogate escape: " + text);
                }
            }
            if (text.indexOf('\0') >= 0 || text.startsWith("\uFEFF")) throw new AssertionError("NUL or BOM called plain: " + text);
        }
        assertTrue(plain > 1_000, "the generator made plain inputs too: " + plain);
    }

    @Test
    void plainBytesOfTheUsualKind() {
        byte[] ordinary = "{\"a\":\"caf\u00e9 \uD83D\uDE00 \\n\\u00e9\"}".getBytes(StandardCharsets.UTF_8);
        byte[] escapedPair = "{\"a\":\"\\ud83d\\ude00\"}".getBytes(StandardCharsets.UTF_8);
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'};
        byte[] truncated = {'"', (byte) 0xE2, (byte) 0x82};
        assertAll(
                () -> assertTrue(WellFormedJsonFactory.plainUtf8(ordinary, 0, ordinary.length)),
                () -> assertFalse(WellFormedJsonFactory.plainUtf8(escapedPair, 0, escapedPair.length)), // fine, but checked
                () -> assertFalse(WellFormedJsonFactory.plainUtf8(bom, 0, bom.length)),
                () -> assertFalse(WellFormedJsonFactory.plainUtf8(truncated, 0, truncated.length)),
                () -> assertThrows(Exception.class, () -> Json.MAPPER.readTree(bom)), // refused as before: the char parser's rule
                () -> assertEquals("caf\u00e9 \uD83D\uDE00 \n\u00e9", Json.MAPPER.readTree(ordinary).get("a").asText()));
    }
}
