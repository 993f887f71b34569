package io.parley.server.slack;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.parley.core.webhook.IncomingPost;

import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the incoming-webhook payload parser ({@link WebhookPayload#parse}): a body under one of the Content-Types
 * Slack's senders use (byte 0 of the input picks it from {@link #TYPES}; the rest is the body).
 *
 * <p>Property: a post with text to show, or a {@link WebhookPayload.Refused} saying {@code invalid_payload} or
 * {@code no_text} with status 400 — nothing else, which {@code POST /hooks/{token}} would answer with 500.
 * Differential: the same JSON sent as {@code application/json}, as the form field {@code payload=} (URL-encoded), and
 * with no Content-Type at all, gives the same post or the same refusal.
 *
 * <p>Kept seeds: {@code WebhookPayloadFuzzTestInputs/parse/} (what Slack's SDK, Alertmanager and Grafana send, and
 * every finding).
 */
class WebhookPayloadFuzzTest {
    static final List<String> TYPES = List.of("application/json", "application/x-www-form-urlencoded", "", "text/json",
            "application/json; charset=utf-8", "multipart/form-data; boundary=x", "APPLICATION/X-WWW-FORM-URLENCODED;charset=UTF-8");
    private static final Set<String> WORDS = Set.of("invalid_payload", "no_text");

    /** A parse's outcome, comparable across the three spellings of one payload. */
    private record Outcome(IncomingPost post, String refused) {}

    @FuzzTest(maxDuration = "20s")
    @DictionaryEntries({"payload=", "&", "%7B", "\"text\"", "\"blocks\"", "\"attachments\"", "\"type\"", "\"section\"",
            "\"header\"", "\"context\"", "\"divider\"", "\"image\"", "\"rich_text\"", "\"rich_text_section\"", "\"rich_text_list\"",
            "\"rich_text_quote\"", "\"rich_text_preformatted\"", "\"elements\"", "\"fields\"", "\"mrkdwn\"", "\"plain_text\"",
            "\"title\"", "\"title_link\"", "\"pretext\"", "\"fallback\"", "\"color\"", "\"author_name\"", "\"author_link\"",
            "\"footer\"", "\"ts\"", "\"image_url\"", "\"value\"", "\"short\"", "\"style\"", "\"bold\"", "\"user\"", "\"user_id\"",
            "\"broadcast\"", "\"range\"", "\"emoji\"", "\"link\"", "\"url\"", "\"channel\"", "\"username\"", "\"icon_emoji\"",
            "\"icon_url\"", "\"thread_ts\"", "\"link_names\"", "<!here>", "<!channel>", "<@U1|ana>", "<#C1|ops>",
            "<https://x|y>", "&amp;", "&lt;", "1e300", "-1e300", "1700000000.5"})
    void parse(byte[] input) {
        if (input.length < 1) return;
        String contentType = TYPES.get(Byte.toUnsignedInt(input[0]) % TYPES.size());
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        Outcome outcome = outcome(contentType, body);

        if (!contentType.startsWith("application/json")) return;
        String text = utf8(body);
        if (text == null || !text.strip().startsWith("{")) return;
        // The same JSON as a form field and with no Content-Type: Slack's senders use all three.
        byte[] form = ("payload=" + URLEncoder.encode(text.strip(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        assertEquals(outcome, outcome("application/x-www-form-urlencoded", form), "payload= reads as the JSON body does");
        assertEquals(outcome, outcome(null, body), "no Content-Type reads as the JSON body does");
    }

    private static Outcome outcome(String contentType, byte[] body) {
        try {
            IncomingPost post = WebhookPayload.parse(contentType, body);
            assertFalse(post.text().isBlank(), "a post has text");
            assertTrue(post.channel() == null || !post.channel().isBlank());
            return new Outcome(post, null);
        } catch (WebhookPayload.Refused r) {
            assertEquals(400, r.status());
            assertTrue(WORDS.contains(r.error()), () -> "an error word Slack does not use: " + r.error());
            assertNull(r.getCause());
            return new Outcome(null, r.error());
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
