package io.parley.core.notify;

import io.parley.core.notify.NotificationPrefs.ChatPrefs;
import io.parley.core.notify.NotificationPrefs.DndSchedule;
import io.parley.core.notify.NotificationPrefs.Global;
import io.parley.core.notify.NotificationPrefs.Level;
import io.parley.core.notify.NotificationRules.Mention;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NotificationRulesTest {
    private static final DndSchedule NIGHT_BERLIN = new DndSchedule(true, LocalTime.of(22, 0), LocalTime.of(7, 0),
            ZoneId.of("Europe/Berlin"));

    @Test
    void aScheduleCrossingMidnightIsReadInTheUsersZone() {
        assertAll(
                () -> assertTrue(NIGHT_BERLIN.activeAt(Instant.parse("2026-01-15T21:00:00Z"))), // 22:00 Berlin (inclusive)
                () -> assertTrue(NIGHT_BERLIN.activeAt(Instant.parse("2026-01-15T23:30:00Z"))), // 00:30
                () -> assertTrue(NIGHT_BERLIN.activeAt(Instant.parse("2026-01-16T05:59:00Z"))), // 06:59
                () -> assertFalse(NIGHT_BERLIN.activeAt(Instant.parse("2026-01-16T06:00:00Z"))), // 07:00 (exclusive)
                () -> assertFalse(NIGHT_BERLIN.activeAt(Instant.parse("2026-01-15T20:59:00Z"))), // 21:59
                () -> assertTrue(NIGHT_BERLIN.activeAt(Instant.parse("2026-07-15T20:30:00Z"))), // 22:30 in summer time
                () -> assertFalse(new DndSchedule(false, LocalTime.of(22, 0), LocalTime.of(7, 0), ZoneId.of("UTC"))
                        .activeAt(Instant.parse("2026-01-15T23:00:00Z"))),
                () -> assertTrue(new DndSchedule(true, LocalTime.of(9, 0), LocalTime.of(17, 0), ZoneId.of("UTC"))
                        .activeAt(Instant.parse("2026-01-15T12:00:00Z"))));
    }

    @Test
    void theDecisionTableOfSpec002() {
        Instant night = Instant.parse("2026-01-15T23:30:00Z");
        Instant day = Instant.parse("2026-01-15T12:00:00Z");
        Global dnd = new Global(true, true, NIGHT_BERLIN, null);
        ChatPrefs all = new ChatPrefs(Level.ALL, true, false);
        ChatPrefs mentions = new ChatPrefs(Level.MENTIONS_ONLY, true, false);
        ChatPrefs off = new ChatPrefs(Level.OFF, true, false);
        ChatPrefs muted = new ChatPrefs(Level.ALL, true, true);
        assertAll(
                () -> assertTrue(NotificationRules.shouldNotify(dnd, all, false, Mention.NONE, day)),
                () -> assertFalse(NotificationRules.shouldNotify(dnd, all, false, Mention.DIRECT, night)),
                () -> assertTrue(NotificationRules.shouldNotify(dnd, off, true, Mention.NONE, night)), // urgent bypasses all
                () -> assertTrue(NotificationRules.shouldNotify(dnd, muted, true, Mention.NONE, day)),
                () -> assertFalse(NotificationRules.shouldNotify(dnd, mentions, false, Mention.NONE, day)),
                () -> assertTrue(NotificationRules.shouldNotify(dnd, mentions, false, Mention.BROADCAST, day)),
                () -> assertFalse(NotificationRules.shouldNotify(dnd, off, false, Mention.DIRECT, day)),
                () -> assertFalse(NotificationRules.shouldNotify(dnd, muted, false, Mention.BROADCAST, day)),
                () -> assertTrue(NotificationRules.shouldNotify(dnd, muted, false, Mention.DIRECT, day)),
                () -> assertFalse(NotificationRules.shouldNotify(new Global(false, true, null, null), all, false, Mention.DIRECT, day)),
                () -> assertFalse(NotificationRules.shouldNotify(new Global(true, true, null, day.plusSeconds(60)), all, false,
                        Mention.NONE, day)));
    }

    @Test
    void bodiesAreCutToOneHundredCharacters() {
        assertEquals("short", NotificationDispatcher.body("short"));
        String cut = NotificationDispatcher.body("a".repeat(99) + "😀" + "b".repeat(10));
        assertTrue(cut.length() <= 100);
        assertTrue(cut.endsWith("…"));
        assertFalse(Character.isHighSurrogate(cut.charAt(cut.length() - 2)));
    }
}
