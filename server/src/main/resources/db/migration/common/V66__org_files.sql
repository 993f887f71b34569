-- Org-shared channels: attachments stay on their origin pod (issue 7 §2). A remote message's files are rows
-- here with origin_pod set (metadata only: no blob, outside the quota, never collected); their bytes are
-- fetched from origin_pod on download. Local uploads keep origin_pod NULL.
ALTER TABLE files ADD COLUMN origin_pod TEXT;

-- Which peers have mapped which org channel (they said so, or applied a batch of it): the origin serves a
-- channel's files only to member pods that map it.
CREATE TABLE org_peer_mappings (
    peer_id        TEXT   NOT NULL,
    org_channel_id TEXT   NOT NULL,
    mapped_at      BIGINT NOT NULL,
    PRIMARY KEY (peer_id, org_channel_id)
);
