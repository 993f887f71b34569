-- Pods keep per-origin order (issue 16 §1): every org batch names the origin seq of the batch before it, and a
-- receiver applies it only once that one is applied, so its log holds each origin's ops in the origin's order
-- whatever the transport reorders.

-- The sender's side: the last origin seq of an applied batch, which its next batch names as its predecessor. The
-- cursor (last_seq) also moves over ops not sent (other pods' users' ops), so it cannot serve. Rows of before this
-- take the cursor: a receiver that has less answers with what it has and the sender goes back to it.
ALTER TABLE org_cursors ADD COLUMN sent_seq BIGINT NOT NULL DEFAULT 0;
UPDATE org_cursors SET sent_seq = last_seq;

-- The receiver's side: per (origin pod, org channel), the origin seq up to which its batches are applied here, in
-- order. Shared by every node of a scaled-out pod, so a batch held on one node sees its predecessor applied on another.
CREATE TABLE org_inbound_marks (
    origin_pod     TEXT   NOT NULL,
    org_channel_id TEXT   NOT NULL,
    applied_seq    BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (origin_pod, org_channel_id)
);
