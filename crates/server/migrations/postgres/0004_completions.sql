-- PostgreSQL twin of ../sqlite/0004_completions.sql: the same tables, columns and checks (BIGINT for
-- INTEGER, DOUBLE PRECISION for REAL), so every query runs unchanged on both.

-- Learners who completed each course: the catalog's starting figure (like learner_count), plus
-- one for every enrolment that completes (every lesson complete). The completion rate
-- completed_count / learner_count sorts search results and feeds the quality index.
ALTER TABLE courses ADD COLUMN completed_count BIGINT NOT NULL DEFAULT 0 CHECK (completed_count >= 0);

-- A deleted note leaves a tombstone (its time, Unix ms), so that an older edit arriving late
-- from another device or an offline queue does not bring it back.
ALTER TABLE notes ADD COLUMN deleted_at_ms BIGINT;
