-- Learners (guests and accounts), bearer sessions, enrolments, reviews and rating distributions.

CREATE TABLE learners (
    id            TEXT PRIMARY KEY,
    created_at    INTEGER NOT NULL,
    -- NULL while a guest; lower-cased.
    email         TEXT UNIQUE,
    display_name  TEXT,
    -- argon2id PHC string; NULL while a guest.
    password_hash TEXT,
    upgraded_at   INTEGER,
    CHECK ((email IS NULL) = (password_hash IS NULL))
) STRICT;

CREATE TABLE sessions (
    -- SHA-256 of the bearer token (hex): a stolen database yields no usable tokens.
    token_hash TEXT PRIMARY KEY,
    learner_id TEXT NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;
CREATE INDEX sessions_by_learner ON sessions (learner_id);

CREATE TABLE enrollments (
    learner_id  TEXT NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    course_id   TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    enrolled_at INTEGER NOT NULL,
    PRIMARY KEY (learner_id, course_id)
) STRICT;
CREATE INDEX enrollments_by_course ON enrollments (course_id);

CREATE TABLE reviews (
    learner_id TEXT NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    course_id  TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    rating     INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body       TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (learner_id, course_id)
) STRICT;
CREATE INDEX reviews_by_course ON reviews (course_id, updated_at DESC);

-- Ratings per star (1–5) for every course; rating and rating_count are derived from these.
ALTER TABLE courses ADD COLUMN ratings_1 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE courses ADD COLUMN ratings_2 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE courses ADD COLUMN ratings_3 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE courses ADD COLUMN ratings_4 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE courses ADD COLUMN ratings_5 INTEGER NOT NULL DEFAULT 0;
