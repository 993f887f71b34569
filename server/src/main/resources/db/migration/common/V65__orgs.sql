-- Orgs and org-shared channels (issue 7 §2, §4). An org groups linked pods; every member pod keeps the
-- org's member list and its shared channels (an org-shared channel's id is stable across pods, its local
-- chat is this pod's mapping, null until an admin maps it).
CREATE TABLE orgs (
    id         TEXT   NOT NULL PRIMARY KEY,
    name       TEXT   NOT NULL,
    home_pod   TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE org_members (
    org_id   TEXT   NOT NULL REFERENCES orgs (id),
    pod_id   TEXT   NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, pod_id)
);

CREATE TABLE org_channels (
    id         TEXT    NOT NULL PRIMARY KEY,
    org_id     TEXT    NOT NULL REFERENCES orgs (id),
    name       TEXT    NOT NULL,
    offered_by TEXT    NOT NULL,
    is_private INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT  NOT NULL,
    chat_id    TEXT
);
-- NULLs are distinct: many unmapped channels, at most one org channel per local chat.
CREATE UNIQUE INDEX org_channels_chat_key ON org_channels (chat_id);

-- The outbox: how far each peer has been sent each channel's local log (the log itself is the queue).
CREATE TABLE org_cursors (
    peer_id        TEXT   NOT NULL,
    org_channel_id TEXT   NOT NULL,
    last_seq       BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (peer_id, org_channel_id)
);

-- A shadow local user for each remote author: messages.sender_id points at it; it has no password and no
-- workspace membership, so it cannot sign in and never counts as a member.
CREATE TABLE org_remote_users (
    pod_id    TEXT NOT NULL,
    remote_id TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    PRIMARY KEY (pod_id, remote_id)
);
CREATE UNIQUE INDEX org_remote_users_user_key ON org_remote_users (user_id);

-- Inbound ops that refer to a message not here yet (a reply whose root came by another path, an edit
-- that overtook its post); applied when the message arrives.
CREATE TABLE org_pending (
    id             TEXT   NOT NULL PRIMARY KEY,
    org_channel_id TEXT   NOT NULL,
    origin_pod     TEXT   NOT NULL,
    waits_for      TEXT   NOT NULL,
    op             TEXT   NOT NULL,
    received_at    BIGINT NOT NULL
);
CREATE INDEX org_pending_waits_idx ON org_pending (waits_for);

-- The last word (hlc) on each remote user's reaction, added or removed, so a late, older op cannot undo a newer one.
CREATE TABLE org_reaction_marks (
    message_id TEXT    NOT NULL,
    user_id    TEXT    NOT NULL,
    emoji      TEXT    NOT NULL,
    present    INTEGER NOT NULL,
    hlc        BIGINT  NOT NULL,
    PRIMARY KEY (message_id, user_id, emoji)
);
