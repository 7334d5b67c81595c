-- PostgreSQL twin of ../sqlite/0002_learners.sql: the same tables, columns and checks (BIGINT for
-- INTEGER, DOUBLE PRECISION for REAL), so every query runs unchanged on both.

-- Learners (guests and accounts), bearer sessions, enrolments, reviews and rating distributions.

CREATE TABLE learners (
    id            TEXT PRIMARY KEY,
    created_at    BIGINT NOT NULL,
    -- NULL while a guest; lower-cased.
    email         TEXT UNIQUE,
    display_name  TEXT,
    -- argon2id PHC string; NULL while a guest.
    password_hash TEXT,
    upgraded_at   BIGINT,
    CHECK ((email IS NULL) = (password_hash IS NULL))
);

CREATE TABLE sessions (
    -- SHA-256 of the bearer token (hex): a stolen database yields no usable tokens.
    token_hash TEXT PRIMARY KEY,
    learner_id TEXT NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX sessions_by_learner ON sessions (learner_id);

CREATE TABLE enrollments (
    learner_id  TEXT NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    course_id   TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    enrolled_at BIGINT NOT NULL,
    PRIMARY KEY (learner_id, course_id)
);
CREATE INDEX enrollments_by_course ON enrollments (course_id);

CREATE TABLE reviews (
    learner_id TEXT NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    course_id  TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    rating     BIGINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body       TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (learner_id, course_id)
);
CREATE INDEX reviews_by_course ON reviews (course_id, updated_at DESC);

-- Ratings per star (1–5) for every course; rating and rating_count are derived from these.
ALTER TABLE courses ADD COLUMN ratings_1 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE courses ADD COLUMN ratings_2 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE courses ADD COLUMN ratings_3 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE courses ADD COLUMN ratings_4 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE courses ADD COLUMN ratings_5 BIGINT NOT NULL DEFAULT 0;
