-- Files and bot posts. A file's bytes live in the blob store under their SHA-256 (content-addressed, so
-- the same bytes are stored once); this table holds what Parley knows of each upload and whom it
-- belongs to. An upload is the uploader's alone until a message claims it (chat_id, message_id set in
-- the message's transaction); from then on it follows that message's chat's access, and it goes when
-- the message is deleted (deleted_at; the blob is removed once no live file refers to it).
CREATE TABLE files (
    id           TEXT    NOT NULL PRIMARY KEY,
    workspace_id TEXT    NOT NULL REFERENCES workspaces (id),
    uploader_id  TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         BIGINT  NOT NULL,
    sha256       TEXT    NOT NULL,
    width        INTEGER,
    height       INTEGER,
    thumb_sha256 TEXT,
    created_at   BIGINT  NOT NULL,
    chat_id      TEXT,
    message_id   TEXT,
    deleted_at   BIGINT
);
-- The quota sum per workspace, and the sweep of uploads never attached.
CREATE INDEX files_workspace_idx ON files (workspace_id, created_at);
CREATE INDEX files_message_idx ON files (message_id) WHERE message_id IS NOT NULL;
-- Blob collection: is a blob (or thumbnail) still referred to by a live file?
CREATE INDEX files_sha_idx ON files (sha256);
CREATE INDEX files_thumb_idx ON files (thumb_sha256) WHERE thumb_sha256 IS NOT NULL;
CREATE INDEX files_deleted_idx ON files (deleted_at) WHERE deleted_at IS NOT NULL;

-- A message's files as readers see them (a JSON snapshot: uploads are immutable), and the display
-- override of an integration's post.
ALTER TABLE messages ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
ALTER TABLE messages ADD COLUMN bot TEXT;
