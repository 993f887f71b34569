-- PostgreSQL full-text search (the scaled-out pod's engine). Derived data: the indexer keeps it
-- in step with the logs, and `parley admin reindex` rebuilds it. SQLite nodes use Lucene instead.
CREATE TABLE search_docs (
    message_id   TEXT        NOT NULL PRIMARY KEY,
    workspace_id TEXT        NOT NULL,
    chat_id      TEXT        NOT NULL,
    sender_id    TEXT        NOT NULL,
    content      TEXT        NOT NULL,
    created_at   BIGINT      NOT NULL,
    flags        TEXT[]      NOT NULL DEFAULT '{}',
    mentions     TEXT[]      NOT NULL DEFAULT '{}',
    tsv          tsvector    GENERATED ALWAYS AS (to_tsvector('english', content)) STORED
);
CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);
CREATE INDEX search_docs_chat_created ON search_docs (chat_id, created_at DESC);
