-- File bytes in the database (files.blob_store = database, the default with PostgreSQL), so that every
-- node of a pod serves every file. Content-addressed like the disk store: one row per blob, its bytes
-- in 1 MiB chunks (TOAST compresses and stores them out of line).
CREATE TABLE blobs (
    sha256     TEXT   NOT NULL PRIMARY KEY,
    size       BIGINT NOT NULL,
    written_at BIGINT NOT NULL
);
CREATE TABLE blob_chunks (
    sha256 TEXT    NOT NULL REFERENCES blobs (sha256) ON DELETE CASCADE,
    idx    INTEGER NOT NULL,
    data   BYTEA   NOT NULL,
    PRIMARY KEY (sha256, idx)
);
-- Chunks are already compressed media more often than not: do not spend CPU compressing them again.
ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
