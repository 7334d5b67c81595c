-- PostgreSQL twin of ../sqlite/0008_origin_order.sql: the allowlist's order, in a column.
ALTER TABLE embed_origins ADD COLUMN position BIGINT NOT NULL DEFAULT 0;
