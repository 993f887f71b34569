-- Notification preferences (spec 002 §3.6). Unread and mention counts are not stored: they are derived
-- from chat_members.last_read_seq and the messages (see SqlUnreadStore).

CREATE TABLE notification_prefs (
    user_id      TEXT    NOT NULL PRIMARY KEY,
    desktop      INTEGER NOT NULL,
    sound        INTEGER NOT NULL,
    dnd_enabled  INTEGER NOT NULL DEFAULT 0,
    dnd_start    TEXT,               -- HH:mm in dnd_zone
    dnd_end      TEXT,
    dnd_zone     TEXT,               -- IANA zone id
    dnd_until    BIGINT              -- manual do-not-disturb until (epoch ms)
);

CREATE TABLE chat_notification_prefs (
    user_id TEXT    NOT NULL,
    chat_id TEXT    NOT NULL REFERENCES chats (id),
    level   TEXT    NOT NULL,        -- all | mentions_only | off
    sound   INTEGER NOT NULL,
    muted   INTEGER NOT NULL,
    PRIMARY KEY (user_id, chat_id)
);
