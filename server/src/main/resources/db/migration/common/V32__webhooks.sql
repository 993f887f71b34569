-- Incoming webhooks. Only the SHA-256 of the URL's token is kept; the token is shown once, on creation
-- or rotation. The id is also the sender id of the webhook's posts.
CREATE TABLE webhooks (
    id           TEXT   NOT NULL PRIMARY KEY,
    workspace_id TEXT   NOT NULL REFERENCES workspaces (id),
    chat_id      TEXT   NOT NULL REFERENCES chats (id),
    name         TEXT   NOT NULL,
    icon_emoji   TEXT,
    icon_url     TEXT,
    token_hash   TEXT   NOT NULL,
    owner_id     TEXT   NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX webhooks_token_key ON webhooks (token_hash);
CREATE INDEX webhooks_workspace_idx ON webhooks (workspace_id);
