-- Attached files' names are searched like the content. The table is derived data, so the generated
-- column is simply replaced (PostgreSQL 15 cannot change a generation expression in place).
ALTER TABLE search_docs ADD COLUMN file_names TEXT NOT NULL DEFAULT '';
DROP INDEX search_docs_tsv;
ALTER TABLE search_docs DROP COLUMN tsv;
ALTER TABLE search_docs ADD COLUMN tsv tsvector
    GENERATED ALWAYS AS (to_tsvector('english', content || ' ' || file_names)) STORED;
CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);
