package io.parley.server.gateway;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.parley.core.error.ErrorCode;
import io.parley.server.FuzzText;
import io.parley.server.http.Json;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the WebSocket frame decoder: any bytes of a text frame.
 *
 * <p>Property: {@link FrameDecoder#decode} never throws; it gives exactly one of a frame or a rejection; a rejection
 * is one of the decoder's documented codes ({@code malformed}, {@code invalid_request}, {@code unknown_type}) with a
 * short message (the input is quoted clipped, never whole); its {@code refId} is the frame's own id when that was a
 * UUID. Round trip: a frame decodes to the same thing after its JSON is written out again in Jackson's own form, so
 * the decoder depends on the JSON value only, not on how it was spelled.
 *
 * <p>Kept seeds: {@code FrameDecoderFuzzTestInputs/decode/} (one valid frame per type, and every finding).
 */
class FrameDecoderFuzzTest {
    private static final Set<ErrorCode> DOCUMENTED = Set.of(ErrorCode.MALFORMED, ErrorCode.INVALID, ErrorCode.UNKNOWN_TYPE);
    /** The longest rejection message: a fixed text plus at most 64 characters of the input. */
    private static final int MAX_MESSAGE = 200;

    @FuzzTest(maxDuration = "20s")
    @DictionaryEntries({"\"type\"", "\"id\"", "\"payload\"", "\"timestamp\"", "\"00000000-0000-7000-8000-000000000000\"",
            "\"message.send\"", "\"message.edit\"", "\"message.delete\"", "\"message.react\"", "\"typing.start\"",
            "\"typing.stop\"", "\"presence.update\"", "\"presence.subscribe\"", "\"presence.unsubscribe\"", "\"search.query\"",
            "\"chat.focus\"", "\"read.mark\"", "\"sync.request\"", "\"auth.refresh\"", "\"ping\"", "\"chatId\"", "\"content\"",
            "\"replyTo\"", "\"attachments\"", "\"priority\"", "\"urgent\"", "\"messageId\"", "\"emoji\"", "\"action\"", "\"add\"",
            "\"userIds\"", "\"workspaceId\"", "\"query\"", "\"limit\"", "\"seq\"", "\"lastSeq\"", "\"chats\"", "\"accessToken\"",
            "\"status\"", "\"scope\"", "\"sort\"", "\"cursor\"", "\"timeZone\""})
    void decode(byte[] bytes) throws Exception {
        FrameDecoder.Result result = FrameDecoder.decode(bytes);
        assertTrue((result.frame() == null) != (result.rejected() == null), "exactly one of frame and rejected");
        if (result.rejected() != null) {
            FrameDecoder.Rejected r = result.rejected();
            assertTrue(DOCUMENTED.contains(r.code()), () -> "undocumented code " + r.code());
            assertNotNull(r.message());
            assertTrue(r.message().length() <= MAX_MESSAGE, () -> "a rejection of " + r.message().length() + " characters");
            if (r.refId() != null) {
                JsonNode id = Json.MAPPER.readTree(bytes).get("id");
                assertEquals(r.refId().toString(), id.asText().toLowerCase(java.util.Locale.ROOT), "refId is the frame's id");
            }
            return;
        }
        // The frame was valid JSON: spelled again by Jackson, it must decode to the same frame.
        JsonNode tree = Json.MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8));
        if (FuzzText.hasLoneSurrogate(tree)) return; // refused as malformed by the input checks of issue 15 §1
        byte[] again = Json.MAPPER.writeValueAsBytes(tree);
        assertEquals(result.frame(), FrameDecoder.decode(again).frame(), "the same frame after a round trip");
    }
}
