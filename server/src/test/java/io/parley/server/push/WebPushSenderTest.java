package io.parley.server.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.core.notify.Notification;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sender's pure parts: payload shape, truncation, backoff bounds. */
class WebPushSenderTest {
    private final WebPushSender sender = new WebPushSender(null,
            new PushSettings("mailto:a@b.c", Duration.ofHours(24), Duration.ofHours(1), 8, Duration.ofSeconds(10),
                    Duration.ofMinutes(5), false),
            null, null, Clock.systemUTC());

    @Test
    void backoffDoublesWithJitterUpToTheCap() {
        for (int i = 0; i < 200; i++) {
            long first = sender.backoff(1).toMillis();
            long third = sender.backoff(3).toMillis();
            long late = sender.backoff(30).toMillis();
            assertAll(
                    () -> assertTrue(first >= 5_000 && first <= 10_000, "attempt 1: " + first),
                    () -> assertTrue(third >= 20_000 && third <= 40_000, "attempt 3: " + third),
                    () -> assertTrue(late >= 150_000 && late <= 300_000, "capped: " + late));
        }
    }

    @Test
    void payloadsCarryTheNotificationWithTextCut() throws Exception {
        UUID ws = UUID.randomUUID();
        UUID chat = UUID.randomUUID();
        UUID msg = UUID.randomUUID();
        String emoji = "👋".repeat(150);
        Notification n = new Notification(UUID.randomUUID(), ws, chat, msg, "t".repeat(120), emoji,
                Notification.Priority.URGENT, Instant.now());
        JsonNode p = new ObjectMapper().readTree(WebPushSender.payload(n));
        assertAll(
                () -> assertEquals(100, p.get("title").asText().codePointCount(0, p.get("title").asText().length())),
                () -> assertEquals(100, p.get("body").asText().codePointCount(0, p.get("body").asText().length()), "code points, not chars"),
                () -> assertTrue(p.get("body").asText().endsWith("…")),
                () -> assertEquals(chat.toString(), p.get("chatId").asText()),
                () -> assertEquals(msg.toString(), p.get("messageId").asText()),
                () -> assertEquals("urgent", p.get("priority").asText()),
                () -> assertEquals("/workspaces/" + ws + "/chats/" + chat + "?message=" + msg, p.get("url").asText()),
                () -> assertEquals(6, p.size()),
                () -> assertEquals("short", WebPushSender.cut("short", 100)),
                () -> assertEquals("", WebPushSender.cut(null, 100)));
    }
}
