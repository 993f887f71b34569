package io.parley.server.store;

import io.parley.core.auth.User;
import io.parley.core.notify.NotificationPrefs;
import io.parley.core.notify.UnreadStore;
import io.parley.core.workspace.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Notification preferences and derived unread counts, on every database. */
@Timeout(30)
abstract class NotificationStoreContract extends StoreContract {

    @Test
    void preferencesRoundTripAndUpsert() {
        User u = user();
        var prefs = stores.preferences();
        assertTrue(prefs.global(u.id()).isEmpty());
        var schedule = new NotificationPrefs.DndSchedule(true, LocalTime.of(22, 0), LocalTime.of(7, 30), ZoneId.of("Asia/Tokyo"));
        var g = new NotificationPrefs.Global(false, true, schedule, Instant.parse("2026-01-02T03:04:05Z"));
        prefs.saveGlobal(u.id(), g);
        assertEquals(g, prefs.global(u.id()).orElseThrow());
        var g2 = new NotificationPrefs.Global(true, false, null, null);
        prefs.saveGlobal(u.id(), g2);
        assertEquals(g2, prefs.global(u.id()).orElseThrow());

        Room r = room();
        UUID chat = r.chat().id();
        assertTrue(prefs.chat(u.id(), chat).isEmpty());
        var c = new NotificationPrefs.ChatPrefs(NotificationPrefs.Level.MENTIONS_ONLY, false, true);
        prefs.saveChat(u.id(), chat, c);
        assertEquals(c, prefs.chat(u.id(), chat).orElseThrow());
        var c2 = new NotificationPrefs.ChatPrefs(NotificationPrefs.Level.OFF, true, false);
        prefs.saveChat(u.id(), chat, c2);
        assertEquals(c2, prefs.chat(u.id(), chat).orElseThrow());
    }

    @Test
    void unreadAndMentionsAreDerivedFromTheWatermark() {
        User owner = user();
        Workspace w = workspace(owner);
        User reader = user();
        User other = user(); // "u-xxxx" handles contain '-' only; a handle with '_' is checked below
        var chat = channel(w, owner, reader.id(), other.id());
        Room r = new Room(w, owner, chat);
        var m1 = append(post(r, owner.id(), "hello")).message();
        var m2 = append(post(r, owner.id(), "hey @" + reader.handle())).message();
        var m3 = append(post(r, owner.id(), "all of you @channel")).message();
        append(post(r, reader.id(), "my own message does not count"));
        append(post(r, owner.id(), "in a thread @" + reader.handle(), m1.id(), id())); // replies do not count
        append(post(r, owner.id(), "@" + other.handle() + " only"));
        UnreadStore unread = stores.unread();

        var one = unread.unread(reader.id(), chat.id());
        assertAll(
                () -> assertEquals(4, one.unread()),
                () -> assertEquals(2, one.mentions()),
                () -> assertEquals(0, one.lastReadSeq()),
                () -> assertEquals(w.id(), one.workspaceId()),
                () -> assertTrue(one.chatSeq() >= 6));
        assertEquals(one, unread.unread(reader.id()).stream().filter(x -> x.chatId().equals(chat.id())).findFirst().orElseThrow());

        stores.chats().markRead(chat.id(), reader.id(), m2.seq());
        var after = unread.unread(reader.id(), chat.id());
        assertEquals(2, after.unread());
        assertEquals(1, after.mentions());
        assertEquals(m2.seq(), after.lastReadSeq());

        // Deleting an unread message removes it from the counts.
        append(delete(r, owner.id(), m3.id()));
        var deleted = unread.unread(reader.id(), chat.id());
        assertEquals(1, deleted.unread());
        assertEquals(0, deleted.mentions());

        var notMember = unread.unread(user().id(), chat.id());
        assertNull(notMember.workspaceId());
        assertEquals(0, notMember.unread());
    }

    @Test
    void handlesWithLikeWildcardsMatchOnlyThemselves() {
        User owner = user();
        Workspace w = workspace(owner);
        String base = unique("x").replace("-", "");
        User under = new User(id(), base + "_a@example.com", base + "_a", "Under", "hash", T0, false);
        stores.users().insert(under);
        User lookalike = new User(id(), base + "za@example.com", base + "za", "Look", "hash", T0, false);
        stores.users().insert(lookalike);
        var chat = channel(w, owner, under.id(), lookalike.id());
        Room r = new Room(w, owner, chat);
        append(post(r, owner.id(), "ping @" + lookalike.handle()));
        append(post(r, owner.id(), "ping @" + under.handle() + ", and more"));
        assertEquals(1, stores.unread().unread(under.id(), chat.id()).mentions());
        assertEquals(1, stores.unread().unread(lookalike.id(), chat.id()).mentions());
    }
}
