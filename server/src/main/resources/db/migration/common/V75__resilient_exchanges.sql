-- A replica's half of a replication handshake between its answer to the offer and the primary's wrapped key: the
-- ephemeral X25519 private key, sealed with a key derived from this pod's private key. In the store, not in one
-- node's memory, so the primary's second call may reach any node of a scaled-out pod.
CREATE TABLE resilient_exchanges (
    org_channel_id TEXT   NOT NULL PRIMARY KEY,
    sealed         TEXT   NOT NULL,
    created_at     BIGINT NOT NULL
);
