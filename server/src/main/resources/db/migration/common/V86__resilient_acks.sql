-- Issue 16 §3. When the primary acks a post: after this many replica pods hold it (0: on its own commit), waiting at most
-- ack_timeout_ms, then refusing the post ('refuse') or acking it alone and marking the channel degraded ('primary_only').
ALTER TABLE resilient_channels ADD COLUMN ack_after_replicas INTEGER NOT NULL DEFAULT 0;
ALTER TABLE resilient_channels ADD COLUMN ack_timeout_ms BIGINT NOT NULL DEFAULT 3000;
ALTER TABLE resilient_channels ADD COLUMN on_replica_timeout TEXT NOT NULL DEFAULT 'refuse';
