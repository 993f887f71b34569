-- Resilient channels (issue 7 §5). A resilient channel is an org-shared channel with a designated replica set;
-- its configuration is kept by the primary and by every replica (version and fencing term decide between two).
CREATE TABLE resilient_channels (
    org_channel_id     TEXT    NOT NULL PRIMARY KEY,
    org_id             TEXT    NOT NULL,
    primary_pod        TEXT    NOT NULL,
    replicas           TEXT    NOT NULL,
    replication_class  TEXT    NOT NULL,
    posting_while_down INTEGER NOT NULL DEFAULT 1,
    topic              TEXT,
    version            BIGINT  NOT NULL,
    changed_by         TEXT    NOT NULL,
    term               BIGINT  NOT NULL DEFAULT 0,
    updated_at         BIGINT  NOT NULL
);

-- Outcome of each replication handshake, on both sides: accepted, refused (with the reason) or pending.
CREATE TABLE resilient_offers (
    org_channel_id TEXT   NOT NULL,
    pod_id         TEXT   NOT NULL,
    status         TEXT   NOT NULL,
    reason         TEXT,
    at             BIGINT NOT NULL,
    PRIMARY KEY (org_channel_id, pod_id)
);

-- The channel's key, wrapped with a key derived from this pod's private key (never stored in clear).
CREATE TABLE resilient_keys (
    org_channel_id TEXT NOT NULL PRIMARY KEY,
    wrapped        TEXT NOT NULL
);

-- The replica feed's cursor: the primary's last chat seq each replica has stored.
CREATE TABLE resilient_cursors (
    org_channel_id TEXT   NOT NULL,
    pod_id         TEXT   NOT NULL,
    seq            BIGINT NOT NULL,
    PRIMARY KEY (org_channel_id, pod_id)
);

-- A replica's copy of the channel's log: one row per op of the primary's log, its content sealed with the
-- channel key (AES-256-GCM, base64url). Only ordering fields are in clear.
CREATE TABLE replica_log (
    org_channel_id TEXT   NOT NULL,
    seq            BIGINT NOT NULL,
    hlc            BIGINT NOT NULL,
    bytes          BIGINT NOT NULL,
    sealed         TEXT   NOT NULL,
    PRIMARY KEY (org_channel_id, seq)
);
