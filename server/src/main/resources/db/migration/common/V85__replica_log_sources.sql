-- Issue 16 §3. A replica's sealed log is fed by the primary and, while the primary is down, by the acting primary:
-- each row names the pod whose log its seq is of (source), and carries an op key (a hash of the op's identity under
-- the channel key) so an op fed by both is kept once. Restore reads it in (hlc, source, seq) order. Rows stored
-- before this came from the primary; their op keys are computed by the replica on its next start (it holds the key).
CREATE TABLE replica_log_v85 (
    org_channel_id TEXT   NOT NULL,
    source         TEXT   NOT NULL,
    seq            BIGINT NOT NULL,
    hlc            BIGINT NOT NULL,
    bytes          BIGINT NOT NULL,
    sealed         TEXT   NOT NULL,
    op_key         TEXT,
    PRIMARY KEY (org_channel_id, source, seq)
);
INSERT INTO replica_log_v85 (org_channel_id, source, seq, hlc, bytes, sealed, op_key)
    SELECT l.org_channel_id, COALESCE(c.primary_pod, ''), l.seq, l.hlc, l.bytes, l.sealed, NULL
    FROM replica_log l LEFT JOIN resilient_channels c ON c.org_channel_id = l.org_channel_id;
DROP TABLE replica_log;
ALTER TABLE replica_log_v85 RENAME TO replica_log;
CREATE UNIQUE INDEX replica_log_op_key ON replica_log (org_channel_id, op_key);
CREATE INDEX replica_log_order ON replica_log (org_channel_id, hlc, source, seq);
