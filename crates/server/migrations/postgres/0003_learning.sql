-- PostgreSQL twin of ../sqlite/0003_learning.sql: the same tables, columns and checks (BIGINT for
-- INTEGER, DOUBLE PRECISION for REAL), so every query runs unchanged on both.

-- The learning player: article blocks, progress events and the per-lesson state derived from
-- them, notes and bookmarks, and course completion.

-- An article lesson's content: a JSON array of jieti_api::Block (never HTML).
CREATE TABLE lesson_articles (
    lesson_id  TEXT PRIMARY KEY REFERENCES lessons (id) ON DELETE CASCADE,
    blocks     TEXT NOT NULL,
    -- Characters of readable text: sets how long the article must stay open to count as read.
    text_chars BIGINT NOT NULL CHECK (text_chars >= 0)
);

-- Every progress event as received, once per (learner, client-made id): resends are ignored.
CREATE TABLE progress_events (
    learner_id  TEXT NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    id          TEXT NOT NULL,
    lesson_id   TEXT NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    at_ms       BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    -- JSON of jieti_api::ProgressAction.
    action      TEXT NOT NULL,
    PRIMARY KEY (learner_id, id)
);
CREATE INDEX progress_events_by_lesson ON progress_events (lesson_id, learner_id);

-- What the events add up to, per learner and lesson (kept in the same transaction as the events).
CREATE TABLE lesson_progress (
    learner_id     TEXT NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    lesson_id      TEXT NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    course_id      TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    -- Resume point: seconds (video) or block index (article), from the newest position event.
    position       DOUBLE PRECISION NOT NULL DEFAULT 0,
    position_at_ms BIGINT NOT NULL DEFAULT 0,
    -- Video: merged played intervals, JSON [[from, to], …]; `seconds` is their total length.
    -- Article: `seconds` is the time it was open.
    intervals      TEXT NOT NULL DEFAULT '[]',
    seconds        DOUBLE PRECISION NOT NULL DEFAULT 0,
    reached_end    BIGINT NOT NULL DEFAULT 0 CHECK (reached_end IN (0, 1)),
    completed_at   BIGINT,
    updated_at_ms  BIGINT NOT NULL,
    PRIMARY KEY (learner_id, lesson_id)
);
CREATE INDEX lesson_progress_by_course ON lesson_progress (learner_id, course_id, updated_at_ms DESC);

CREATE TABLE notes (
    learner_id    TEXT NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    -- Client-made, so a note written offline keeps its id when it syncs.
    id            TEXT NOT NULL,
    lesson_id     TEXT NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('note', 'bookmark')),
    position      DOUBLE PRECISION NOT NULL,
    body          TEXT NOT NULL DEFAULT '',
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (learner_id, id)
);
CREATE INDEX notes_by_lesson ON notes (learner_id, lesson_id, position);

-- Set when every lesson of the course is complete.
ALTER TABLE enrollments ADD COLUMN completed_at BIGINT;
