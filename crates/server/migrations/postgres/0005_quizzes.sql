-- PostgreSQL twin of ../sqlite/0005_quizzes.sql: the same tables, columns and checks (BIGINT for
-- INTEGER, DOUBLE PRECISION for REAL), so every query runs unchanged on both.

-- Quizzes, their questions (with keys: never sent as stored), attempts, per-answer scores for
-- item analysis, and the wrong-answer book.

CREATE TABLE quizzes (
    id                TEXT PRIMARY KEY,
    course_id         TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    position          BIGINT NOT NULL DEFAULT 0,
    title             TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    mode              TEXT NOT NULL CHECK (mode IN ('practice', 'graded', 'exam')),
    time_limit_s      BIGINT CHECK (time_limit_s IS NULL OR time_limit_s > 0),
    max_attempts      BIGINT NOT NULL DEFAULT 0 CHECK (max_attempts >= 0),
    pass_pct          BIGINT NOT NULL DEFAULT 60 CHECK (pass_pct BETWEEN 0 AND 100),
    review            TEXT NOT NULL CHECK (review IN ('after_submit', 'after_last_attempt', 'never')),
    shuffle_questions BIGINT NOT NULL DEFAULT 0,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX quizzes_by_course ON quizzes (course_id, position);

CREATE TABLE questions (
    id       TEXT PRIMARY KEY,
    quiz_id  TEXT NOT NULL REFERENCES quizzes (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    -- The authored question as JSON, key included: only its public view leaves the server.
    def      TEXT NOT NULL
);
CREATE INDEX questions_by_quiz ON questions (quiz_id, position);

CREATE TABLE attempts (
    id             TEXT PRIMARY KEY,
    quiz_id        TEXT NOT NULL REFERENCES quizzes (id) ON DELETE CASCADE,
    learner_id     TEXT NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    number         BIGINT NOT NULL,
    started_at     BIGINT NOT NULL,
    -- Exams: when the server submits the attempt itself (Unix ms).
    deadline_at    BIGINT,
    -- The attempt's question order, frozen at start (JSON array of ids).
    question_ids   TEXT NOT NULL,
    -- Saved answers: JSON object, question id → Answer.
    answers        TEXT NOT NULL DEFAULT '{}',
    -- Practice: feedback given, JSON object, question id → Feedback (answers then locked).
    checked        TEXT NOT NULL DEFAULT '{}',
    submitted_at   BIGINT,
    submission_id  TEXT,
    auto_submitted BIGINT NOT NULL DEFAULT 0,
    score          DOUBLE PRECISION,
    max_score      DOUBLE PRECISION,
    pct            DOUBLE PRECISION,
    passed         BIGINT,
    -- Full per-question feedback (JSON array); the policy filters it on the way out.
    review         TEXT,
    UNIQUE (learner_id, quiz_id, number)
);
-- At most one attempt in progress per learner and quiz, even when two devices start at once.
CREATE UNIQUE INDEX attempts_one_open ON attempts (learner_id, quiz_id) WHERE submitted_at IS NULL;
CREATE INDEX attempts_open_deadline ON attempts (deadline_at) WHERE submitted_at IS NULL;
CREATE INDEX attempts_by_quiz ON attempts (quiz_id, submitted_at);

-- One row per question of a submitted attempt: the raw material of item analysis.
CREATE TABLE attempt_answers (
    attempt_id  TEXT NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    score       DOUBLE PRECISION NOT NULL,
    max_score   DOUBLE PRECISION NOT NULL,
    outcome     TEXT NOT NULL,
    PRIMARY KEY (attempt_id, question_id)
);
CREATE INDEX attempt_answers_by_question ON attempt_answers (question_id);

-- The wrong-answer book: Leitner boxes 1–5; mastered questions leave the rotation.
CREATE TABLE mistakes (
    learner_id    TEXT NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    question_id   TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    box           BIGINT NOT NULL DEFAULT 1 CHECK (box BETWEEN 1 AND 5),
    due_at        BIGINT NOT NULL,
    wrong_count   BIGINT NOT NULL DEFAULT 1,
    last_wrong_at BIGINT NOT NULL,
    reviewed_at   BIGINT,
    mastered_at   BIGINT,
    PRIMARY KEY (learner_id, question_id)
);
CREATE INDEX mistakes_due ON mistakes (learner_id, mastered_at, due_at);
