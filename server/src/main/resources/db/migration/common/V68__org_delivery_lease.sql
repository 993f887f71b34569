-- On a scaled-out pod only one node runs the org delivery lanes: the holder of this lease, renewed while it
-- lives; another node takes it once it expires (or is released on a clean stop).
CREATE TABLE org_leases (
    name       TEXT   NOT NULL PRIMARY KEY,
    holder     TEXT   NOT NULL,
    expires_at BIGINT NOT NULL
);
