package io.parley.server.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import io.parley.core.chat.Mentions;
import io.parley.core.chat.Message;
import io.parley.core.chat.Reaction;
import io.parley.server.http.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The streaming writer of the live path and the data-bound view of REST must give the same JSON. */
class MessageJsonTest {
    private static final Instant T = Instant.parse("2026-11-23T01:02:03.456Z");

    private static String streamed(Message m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            MessageJson.write(g, m);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void same(Message m) throws Exception {
        assertEquals(Json.MAPPER.writeValueAsString(MessageView.of(m)), streamed(m));
    }

    @Test
    void plainReplyReactedEditedAndDeletedMessagesMatch() throws Exception {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        Message plain = new Message(UUID.randomUUID(), UUID.randomUUID(), 7, a, UUID.randomUUID(), "hi \"there\" <b>\u00e9</b>",
                null, 0, null, List.of(), Mentions.NONE, List.of(), T, null, null, "local", 123456789L << 16);
        same(plain);
        Message root = new Message(UUID.randomUUID(), UUID.randomUUID(), 8, a, UUID.randomUUID(), "@ana @here",
                null, 2, T.plusSeconds(5), List.of(a, b), Mentions.parse("@ana @here"),
                List.of(new Reaction(":tada:", List.of(a, b)), new Reaction("👍", List.of(b))), T, T.plusSeconds(9), null, "pod-b", 42);
        same(root);
        Message reply = new Message(UUID.randomUUID(), root.chatId(), 9, b, UUID.randomUUID(), "reply",
                root.id(), 0, null, List.of(), Mentions.NONE, List.of(), T, null, null, "local", 43);
        same(reply);
        Message tomb = new Message(UUID.randomUUID(), root.chatId(), 10, b, UUID.randomUUID(), "",
                null, 0, null, List.of(), Mentions.NONE, List.of(), T, null, T.plusSeconds(1), "local", 44);
        same(tomb);
    }
}
