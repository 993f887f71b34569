package io.parley.server.store;

import io.parley.core.notify.NotificationPrefs;
import io.parley.core.notify.PreferenceStore;

import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Optional;
import java.util.UUID;

/** The {@code notification_prefs} and {@code chat_notification_prefs} tables: upserts, one row per key. */
final class SqlPreferenceStore implements PreferenceStore {
    private static final String GLOBAL = "SELECT desktop, sound, dnd_enabled, dnd_start, dnd_end, dnd_zone, dnd_until"
            + " FROM notification_prefs WHERE user_id = ?";
    private static final String SAVE_GLOBAL = "INSERT INTO notification_prefs (user_id, desktop, sound, dnd_enabled,"
            + " dnd_start, dnd_end, dnd_zone, dnd_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
            + " desktop = excluded.desktop, sound = excluded.sound, dnd_enabled = excluded.dnd_enabled,"
            + " dnd_start = excluded.dnd_start, dnd_end = excluded.dnd_end, dnd_zone = excluded.dnd_zone,"
            + " dnd_until = excluded.dnd_until";
    private static final String CHAT = "SELECT level, sound, muted FROM chat_notification_prefs WHERE user_id = ? AND chat_id = ?";
    private static final String SAVE_CHAT = "INSERT INTO chat_notification_prefs (user_id, chat_id, level, sound, muted)"
            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, chat_id) DO UPDATE SET level = excluded.level,"
            + " sound = excluded.sound, muted = excluded.muted";

    private final Db db;

    SqlPreferenceStore(Db db) {
        this.db = db;
    }

    @Override
    public Optional<NotificationPrefs.Global> global(UUID userId) {
        return db.read(c -> Sql.one(c, GLOBAL, a -> a.uuid(userId), rs -> {
            NotificationPrefs.DndSchedule schedule = null;
            String start = rs.getString("dnd_start");
            if (start != null) {
                schedule = new NotificationPrefs.DndSchedule(Cols.bool(rs, "dnd_enabled"), LocalTime.parse(start),
                        LocalTime.parse(rs.getString("dnd_end")), ZoneId.of(rs.getString("dnd_zone")));
            }
            return new NotificationPrefs.Global(Cols.bool(rs, "desktop"), Cols.bool(rs, "sound"), schedule, Cols.instant(rs, "dnd_until"));
        }));
    }

    @Override
    public void saveGlobal(UUID userId, NotificationPrefs.Global p) {
        var s = p.dndSchedule();
        db.write(c -> Sql.update(c, SAVE_GLOBAL, a -> a.uuid(userId).bool(p.desktop()).bool(p.sound()).bool(s != null && s.enabled())
                .text(s == null ? null : s.start().toString()).text(s == null ? null : s.end().toString())
                .text(s == null ? null : s.timeZone().getId()).instant(p.dndUntil())));
    }

    @Override
    public Optional<NotificationPrefs.ChatPrefs> chat(UUID userId, UUID chatId) {
        return db.read(c -> Sql.one(c, CHAT, a -> a.uuid(userId).uuid(chatId), rs -> new NotificationPrefs.ChatPrefs(
                NotificationPrefs.Level.fromWire(rs.getString("level")), Cols.bool(rs, "sound"), Cols.bool(rs, "muted"))));
    }

    @Override
    public void saveChat(UUID userId, UUID chatId, NotificationPrefs.ChatPrefs p) {
        db.write(c -> Sql.update(c, SAVE_CHAT, a -> a.uuid(userId).uuid(chatId).text(p.level().wire()).bool(p.sound()).bool(p.muted())));
    }

}
