package io.parley.core.realtime;

import io.parley.core.bus.BusEvent;
import io.parley.core.error.ParleyException;
import io.parley.core.fixtures.ManualClock;
import io.parley.core.fixtures.RecordingBus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The presence rules on a clock the test moves: grace, away, manual status, coalescing, batches. */
class PresenceServiceTest {
    private final ManualClock clock = new ManualClock();
    private final RecordingBus bus = new RecordingBus();
    private final RealtimeSettings settings = RealtimeSettings.DEFAULTS; // grace 60 s, away 5 min, batch 2 s, updates 1 per 10 s
    private final PresenceService presence = new PresenceService(null,
            new TokenBuckets(settings.applyTo(RateLimits.defaults()), clock), bus, clock, settings, PresenceShare.NONE);
    private final UUID ana = UUID.randomUUID();

    private void pass(Duration d) {
        for (long ms = 0; ms < d.toMillis(); ms += 250) {
            clock.advance(Duration.ofMillis(250));
            presence.tick();
        }
    }

    /** {@return the presence batches published since the last call, and forgets them} */
    private List<List<UserPresence>> batches() {
        return bus.drain(BusEvent.PresenceChanged.class).stream().map(BusEvent.PresenceChanged::changes).toList();
    }

    private static List<PresenceStatus> statuses(List<List<UserPresence>> batches) {
        return batches.stream().flatMap(List::stream).map(UserPresence::status).toList();
    }

    @Test
    void anUnknownUserIsOfflineAndNeverSeen() {
        UserPresence p = presence.of(ana);
        assertEquals(PresenceStatus.OFFLINE, p.status());
        assertNull(p.lastSeen());
    }

    @Test
    void connectIsAnnouncedInTheNextBatchOnce() {
        presence.tick(); // opens the first window
        batches();
        presence.connected(ana);
        presence.connected(ana); // a second device changes nothing
        assertEquals(PresenceStatus.AVAILABLE, presence.of(ana).status());
        assertEquals(List.of(), batches(), "nothing before the window ends");
        pass(Duration.ofSeconds(2));
        List<List<UserPresence>> b = batches();
        assertEquals(List.of(PresenceStatus.AVAILABLE), statuses(b));
        assertEquals(clock.instant().minusSeconds(2), b.getFirst().getFirst().lastSeen());
    }

    @Test
    void offlineOnlyAfterTheGraceAndAReconnectWithinItIsNotAChange() {
        presence.connected(ana);
        pass(Duration.ofSeconds(3));
        batches();
        presence.disconnected(ana);
        pass(Duration.ofSeconds(30));
        presence.connected(ana); // back within the grace
        presence.disconnected(ana);
        Instant lastDisconnect = clock.instant();
        pass(Duration.ofSeconds(59));
        assertEquals(List.of(), batches(), "no flap");
        assertEquals(PresenceStatus.AVAILABLE, presence.of(ana).status());
        pass(Duration.ofSeconds(3));
        List<List<UserPresence>> b = batches();
        assertEquals(List.of(PresenceStatus.OFFLINE), statuses(b));
        assertEquals(lastDisconnect, b.getFirst().getFirst().lastSeen());
    }

    @Test
    void awayAfterFiveIdleMinutesAndAvailableOnActivity() {
        presence.connected(ana);
        pass(Duration.ofMinutes(4));
        presence.activity(ana);
        pass(Duration.ofMinutes(4).plusSeconds(59));
        assertEquals(PresenceStatus.AVAILABLE, presence.of(ana).status(), "activity restarted the idle clock");
        pass(Duration.ofSeconds(2));
        assertEquals(PresenceStatus.AWAY, presence.of(ana).status());
        presence.activity(ana);
        assertEquals(PresenceStatus.AVAILABLE, presence.of(ana).status(), "back at once, not at the next tick");
    }

    @Test
    void aReconnectWithinTheGraceIsNotActivity() {
        presence.connected(ana);
        pass(Duration.ofMinutes(4));
        presence.disconnected(ana); // e.g. closed for idleness; the client reconnects on its own
        pass(Duration.ofSeconds(5));
        presence.connected(ana);
        pass(Duration.ofSeconds(56));
        assertEquals(PresenceStatus.AWAY, presence.of(ana).status(), "idle since the first connect");
        presence.disconnected(ana);
        pass(Duration.ofSeconds(61));
        assertEquals(PresenceStatus.OFFLINE, presence.of(ana).status());
        presence.connected(ana);
        assertEquals(PresenceStatus.AVAILABLE, presence.of(ana).status(), "coming online is activity");
    }

    @Test
    void onlyTheLatestStateOfAWindowIsSent() {
        presence.connected(ana);
        pass(Duration.ofMinutes(5).plusSeconds(1));
        assertEquals(PresenceStatus.AWAY, presence.of(ana).status());
        batches();
        presence.activity(ana);   // away → available ...
        presence.update(ana, "dnd"); // ... → dnd: only the latest state of the window goes out
        pass(Duration.ofSeconds(2));
        assertEquals(List.of(PresenceStatus.DND), statuses(batches()));
    }

    @Test
    void manualStatusOverridesActivityAndIdleness() {
        presence.connected(ana);
        assertTrue(presence.update(ana, "dnd"));
        pass(Duration.ofMinutes(6));
        presence.activity(ana);
        assertEquals(PresenceStatus.DND, presence.of(ana).status());
    }

    @Test
    void updatesWithinTheWindowCoalesceAndTheLatestAppliesAtItsEnd() {
        presence.connected(ana);
        assertTrue(presence.update(ana, "dnd"));
        pass(Duration.ofSeconds(1));
        assertAll(
                () -> assertFalse(presence.update(ana, "brb")),
                () -> assertFalse(presence.update(ana, "in_a_meeting")));
        pass(Duration.ofSeconds(8));
        assertEquals(PresenceStatus.DND, presence.of(ana).status(), "still within the 10 s window");
        pass(Duration.ofSeconds(2));
        assertEquals(PresenceStatus.IN_A_MEETING, presence.of(ana).status());
        assertFalse(statuses(batches()).contains(PresenceStatus.BRB), "brb was superseded, never shown");
        assertFalse(presence.update(ana, "available"), "the applied pending update used the next window");
        pass(Duration.ofSeconds(11));
        assertEquals(PresenceStatus.AVAILABLE, presence.of(ana).status(), "available clears the manual status");
    }

    @Test
    void onlyTheManualStatusesMayBeSet() {
        for (String bad : new String[]{"offline", "OFFLINE", "busy", "", null}) {
            assertThrows(ParleyException.class, () -> presence.update(ana, bad), String.valueOf(bad));
        }
    }
}
