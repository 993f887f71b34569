package io.parley.core.notify;

import io.parley.core.error.ParleyException;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** A user's notification preferences (spec 002 §3.6): global settings and per-chat overrides. */
public final class NotificationPrefs {
    private NotificationPrefs() {}

    /** How much a chat notifies. */
    public enum Level {
        ALL, MENTIONS_ONLY, OFF;

        /** {@return the wire name: all, mentions_only, off} */
        public String wire() { return name().toLowerCase(Locale.ROOT); }

        /** {@return the level} @throws ParleyException INVALID for anything else */
        public static Level fromWire(String s) {
            if (s != null) {
                for (Level l : values()) if (l.wire().equals(s)) return l;
            }
            throw ParleyException.invalid("level must be one of all, mentions_only, off");
        }
    }

    /**
     * A daily quiet period in the user's time zone; {@code start} after {@code end} crosses midnight
     * (22:00–08:00). Start is inclusive, end exclusive; equal times mean never.
     */
    public record DndSchedule(boolean enabled, LocalTime start, LocalTime end, ZoneId timeZone) {
        /** {@return whether the schedule is quiet at this instant} */
        public boolean activeAt(Instant now) {
            if (!enabled || start.equals(end)) return false;
            LocalTime t = now.atZone(timeZone).toLocalTime();
            return start.isBefore(end)
                    ? !t.isBefore(start) && t.isBefore(end)
                    : !t.isBefore(start) || t.isBefore(end); // crosses midnight
        }

        /** {@return a schedule from wire values} @throws ParleyException INVALID naming the bad field */
        public static DndSchedule of(Boolean enabled, String start, String end, String timeZone) {
            return new DndSchedule(enabled == null || enabled, time("dndSchedule.start", start),
                    time("dndSchedule.end", end), zone(timeZone));
        }

        private static LocalTime time(String field, String s) {
            if (s == null || !s.matches("^([01]\\d|2[0-3]):[0-5]\\d$")) throw ParleyException.invalid(field + " must be HH:mm");
            try {
                return LocalTime.parse(s);
            } catch (DateTimeParseException e) {
                throw ParleyException.invalid(field + " must be HH:mm");
            }
        }

        private static ZoneId zone(String s) {
            if (s == null || s.isBlank()) throw ParleyException.invalid("dndSchedule.timeZone is required");
            try {
                return ZoneId.of(s);
            } catch (DateTimeException e) {
                throw ParleyException.invalid("dndSchedule.timeZone must be an IANA time zone such as Europe/Berlin");
            }
        }
    }

    /**
     * Global settings.
     *
     * @param desktop show toasts and pushes at all (urgent ones excepted)
     * @param sound play a sound (the client's business; carried in toasts)
     * @param dndSchedule a daily quiet period, or null
     * @param dndUntil manual do-not-disturb until this instant, or null
     */
    public record Global(boolean desktop, boolean sound, DndSchedule dndSchedule, Instant dndUntil) {
        public static final Global DEFAULT = new Global(true, true, null, null);

        /** {@return whether do-not-disturb is on at this instant (manual or scheduled)} */
        public boolean dndAt(Instant now) {
            return (dndUntil != null && now.isBefore(dndUntil)) || (dndSchedule != null && dndSchedule.activeAt(now));
        }
    }

    /** A chat's override: notification level, sound, and mute (badge only, except urgent and direct mentions). */
    public record ChatPrefs(Level level, boolean sound, boolean muted) {
        /** DMs and group DMs notify on every message. */
        public static final ChatPrefs DM_DEFAULT = new ChatPrefs(Level.ALL, true, false);
        /** Channels notify on mentions only, unless the user asks for more. */
        public static final ChatPrefs CHANNEL_DEFAULT = new ChatPrefs(Level.MENTIONS_ONLY, true, false);
    }
}
