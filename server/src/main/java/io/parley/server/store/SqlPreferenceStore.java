package io.parley.server.store;

import io.parley.core.notify.NotificationPrefs;
import io.parley.core.notify.PreferenceStore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(GLOBAL)) {
                Cols.uuid(ps, 1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.empty();
                    NotificationPrefs.DndSchedule schedule = null;
                    String start = rs.getString("dnd_start");
                    if (start != null) {
                        schedule = new NotificationPrefs.DndSchedule(Cols.bool(rs, "dnd_enabled"), LocalTime.parse(start),
                                LocalTime.parse(rs.getString("dnd_end")), ZoneId.of(rs.getString("dnd_zone")));
                    }
                    return Optional.of(new NotificationPrefs.Global(Cols.bool(rs, "desktop"), Cols.bool(rs, "sound"),
                            schedule, Cols.instant(rs, "dnd_until")));
                }
            }
        });
    }

    @Override
    public void saveGlobal(UUID userId, NotificationPrefs.Global p) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(SAVE_GLOBAL)) {
                var s = p.dndSchedule();
                Cols.uuid(ps, 1, userId);
                Cols.bool(ps, 2, p.desktop());
                Cols.bool(ps, 3, p.sound());
                Cols.bool(ps, 4, s != null && s.enabled());
                ps.setString(5, s == null ? null : s.start().toString());
                ps.setString(6, s == null ? null : s.end().toString());
                ps.setString(7, s == null ? null : s.timeZone().getId());
                Cols.instant(ps, 8, p.dndUntil());
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public Optional<NotificationPrefs.ChatPrefs> chat(UUID userId, UUID chatId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(CHAT)) {
                Cols.uuid(ps, 1, userId);
                Cols.uuid(ps, 2, chatId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.empty();
                    return Optional.of(new NotificationPrefs.ChatPrefs(NotificationPrefs.Level.fromWire(rs.getString("level")),
                            Cols.bool(rs, "sound"), Cols.bool(rs, "muted")));
                }
            }
        });
    }

    @Override
    public void saveChat(UUID userId, UUID chatId, NotificationPrefs.ChatPrefs p) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(SAVE_CHAT)) {
                Cols.uuid(ps, 1, userId);
                Cols.uuid(ps, 2, chatId);
                ps.setString(3, p.level().wire());
                Cols.bool(ps, 4, p.sound());
                Cols.bool(ps, 5, p.muted());
                return ps.executeUpdate();
            }
        });
    }
}
