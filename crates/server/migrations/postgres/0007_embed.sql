-- PostgreSQL twin of ../sqlite/0007_embed.sql: the same tables, columns and checks (BIGINT for
-- INTEGER, DOUBLE PRECISION for REAL), so every query runs unchanged on both.

-- The embeddable player: each institution's signing secret and actor salt, the origins allowed to
-- frame its embeds, and its site's users mapped to our learners.

-- Made on first use (a staff visit, a context request), never by seeding.
CREATE TABLE embed_settings (
    institution_id TEXT PRIMARY KEY REFERENCES institutions (id) ON DELETE CASCADE,
    -- HMAC-SHA256 key of the institution's learner tokens: base64url (no padding) of 32 random
    -- bytes, its UTF-8 bytes used as the key exactly as shown to staff. Rotating it voids old tokens.
    secret         TEXT NOT NULL,
    -- Never shown and never rotated: makes actor ids opaque to other institutions, yet stable.
    actor_salt     TEXT NOT NULL,
    updated_at     BIGINT NOT NULL
);

-- Normalised `scheme://host[:port]`, as sent in `Content-Security-Policy: frame-ancestors`.
CREATE TABLE embed_origins (
    institution_id TEXT NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
    origin         TEXT NOT NULL,
    added_at       BIGINT NOT NULL,
    PRIMARY KEY (institution_id, origin)
);

-- One learner per (institution, the host's own user id): progress follows the user across visits.
CREATE TABLE embed_learners (
    institution_id TEXT NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
    subject        TEXT NOT NULL,
    learner_id     TEXT NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (institution_id, subject)
);
CREATE INDEX embed_learners_by_learner ON embed_learners (learner_id);
