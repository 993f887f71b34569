-- Parley schema, version 1: one text for SQLite and PostgreSQL. Ids are canonical
-- UUID text, instants epoch milliseconds (BIGINT), booleans 0/1 (INTEGER), small lists JSON text.

CREATE TABLE users (
    id            TEXT    NOT NULL PRIMARY KEY,
    email         TEXT    NOT NULL,
    handle        TEXT    NOT NULL,
    display_name  TEXT    NOT NULL,
    password_hash TEXT,
    created_at    BIGINT  NOT NULL,
    deactivated   INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE UNIQUE INDEX users_handle_key ON users (lower(handle));

CREATE TABLE auth_sessions (
    id                 TEXT   NOT NULL PRIMARY KEY,
    user_id            TEXT   NOT NULL REFERENCES users (id),
    refresh_hash       TEXT   NOT NULL,
    refresh_expires_at BIGINT NOT NULL,
    created_at         BIGINT NOT NULL,
    revoked_at         BIGINT
);
CREATE UNIQUE INDEX auth_sessions_refresh_key ON auth_sessions (refresh_hash);
CREATE INDEX auth_sessions_user_idx ON auth_sessions (user_id);

CREATE TABLE access_tokens (
    token_hash TEXT   NOT NULL PRIMARY KEY,
    session_id TEXT   NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
    user_id    TEXT   NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX access_tokens_session_idx ON access_tokens (session_id);
CREATE INDEX access_tokens_expires_idx ON access_tokens (expires_at);

CREATE TABLE workspaces (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    slug        TEXT    NOT NULL,
    created_by  TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    open_signup INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX workspaces_slug_key ON workspaces (lower(slug));

CREATE TABLE workspace_members (
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id),
    user_id      TEXT   NOT NULL REFERENCES users (id),
    role         TEXT   NOT NULL,
    joined_at    BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX workspace_members_user_idx ON workspace_members (user_id);

CREATE TABLE invites (
    id           TEXT    NOT NULL PRIMARY KEY,
    workspace_id TEXT    NOT NULL REFERENCES workspaces (id),
    code_hash    TEXT    NOT NULL,
    role         TEXT    NOT NULL,
    email        TEXT,
    created_by   TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL,
    max_uses     INTEGER NOT NULL,
    uses         INTEGER NOT NULL DEFAULT 0,
    revoked      INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX invites_code_key ON invites (code_hash);
CREATE INDEX invites_workspace_idx ON invites (workspace_id);

-- A chat is a log: last_seq is the seq of its latest event, bumped in the writing transaction.
CREATE TABLE chats (
    id           TEXT    NOT NULL PRIMARY KEY,
    workspace_id TEXT    NOT NULL REFERENCES workspaces (id),
    kind         TEXT    NOT NULL,
    name         TEXT,
    topic        TEXT,
    purpose      TEXT,
    archived     INTEGER NOT NULL DEFAULT 0,
    created_by   TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    last_seq     BIGINT  NOT NULL DEFAULT 0,
    dm_key       TEXT
);
-- NULLs are distinct in both databases: DMs (no name) and channels (no dm_key) do not collide.
CREATE UNIQUE INDEX chats_name_key ON chats (workspace_id, name);
CREATE UNIQUE INDEX chats_dm_key ON chats (workspace_id, dm_key);

CREATE TABLE chat_members (
    chat_id       TEXT   NOT NULL REFERENCES chats (id),
    user_id       TEXT   NOT NULL,
    joined_at     BIGINT NOT NULL,
    last_read_seq BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (chat_id, user_id)
);
CREATE INDEX chat_members_user_idx ON chat_members (user_id);

-- sender_id has no foreign key: with federation a sender may live on another pod.
CREATE TABLE messages (
    id              TEXT    NOT NULL PRIMARY KEY,
    chat_id         TEXT    NOT NULL REFERENCES chats (id),
    seq             BIGINT  NOT NULL,
    sender_id       TEXT    NOT NULL,
    client_id       TEXT    NOT NULL,
    content         TEXT    NOT NULL,
    thread_root_id  TEXT    REFERENCES messages (id),
    reply_count     INTEGER NOT NULL DEFAULT 0,
    latest_reply_at BIGINT,
    reply_users     TEXT    NOT NULL DEFAULT '[]',
    mentions        TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    edited_at       BIGINT,
    deleted_at      BIGINT,
    origin_pod      TEXT    NOT NULL,
    hlc             BIGINT  NOT NULL
);
CREATE UNIQUE INDEX messages_chat_seq_key ON messages (chat_id, seq);
-- Partial: most messages are not replies, and need no entry here.
CREATE INDEX messages_thread_idx ON messages (thread_root_id, seq) WHERE thread_root_id IS NOT NULL;

CREATE TABLE reactions (
    message_id TEXT   NOT NULL REFERENCES messages (id),
    emoji      TEXT   NOT NULL,
    user_id    TEXT   NOT NULL,
    seq        BIGINT NOT NULL, -- the seq of the REACTION_ADDED event: orders reactions exactly
    created_at BIGINT NOT NULL,
    PRIMARY KEY (message_id, emoji, user_id)
);

-- The log. client_id is the idempotency key (null for derived events such as THREAD_UPDATED; NULLs are
-- distinct, so they never collide).
CREATE TABLE chat_events (
    chat_id    TEXT   NOT NULL REFERENCES chats (id),
    seq        BIGINT NOT NULL,
    type       TEXT   NOT NULL,
    message_id TEXT   NOT NULL,
    actor_id   TEXT   NOT NULL,
    client_id  TEXT,
    emoji      TEXT,
    hlc        BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (chat_id, seq)
);
-- client_id before actor_id: the writer checks a whole batch's client ids of one chat in one lookup.
CREATE UNIQUE INDEX chat_events_client_key ON chat_events (chat_id, client_id, actor_id);
