-- Pods (issue 7): this pod's identity, its linked peers, the one-time invitations that link them, and the
-- nonces of signed pod-to-pod requests seen within the request window (here, so every node of a scaled-out
-- pod refuses a replay that another node already accepted).

-- The pod's Ed25519 key pair when the store is shared (PostgreSQL: every node of a pod signs as one pod).
-- A single node on SQLite keeps its key in a file in the data directory instead; the table stays empty there.
CREATE TABLE pod_identity (
    name        TEXT   NOT NULL PRIMARY KEY,
    public_key  TEXT   NOT NULL,
    private_key TEXT   NOT NULL,
    checksum    TEXT   NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE pod_peers (
    id             TEXT    NOT NULL PRIMARY KEY,
    url            TEXT    NOT NULL,
    public_key     TEXT    NOT NULL,
    linked_at      BIGINT  NOT NULL,
    direction      TEXT    NOT NULL,
    score_override INTEGER
);

-- Only the SHA-256 of an invitation's token is kept; the token itself is in the invitation string alone.
CREATE TABLE pod_invitations (
    id          TEXT   NOT NULL PRIMARY KEY,
    token_hash  TEXT   NOT NULL,
    created_by  TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT,
    used_by_pod TEXT
);
CREATE UNIQUE INDEX pod_invitations_token_key ON pod_invitations (token_hash);

CREATE TABLE pod_nonces (
    pod_id     TEXT   NOT NULL,
    nonce      TEXT   NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (pod_id, nonce)
);
CREATE INDEX pod_nonces_expires_idx ON pod_nonces (expires_at);
