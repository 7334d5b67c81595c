-- The allowlist keeps the order staff gave it in a column of its own, not in SQLite's rowid
-- (which PostgreSQL does not have). Rows saved before keep their insertion order.
ALTER TABLE embed_origins ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
UPDATE embed_origins SET position = rowid;
