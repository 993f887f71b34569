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
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
