-- PostgreSQL twin of ../sqlite/0006_dashboard.sql: the same tables, columns and checks (BIGINT for
-- INTEGER, DOUBLE PRECISION for REAL), so every query runs unchanged on both.

-- Roles, study goals, certificates, and the indexes the dashboard and analytics read through.

-- learner: own data only; staff: one institution's analytics and certificates; admin: all.
ALTER TABLE learners ADD COLUMN role TEXT NOT NULL DEFAULT 'learner'
    CHECK (role IN ('learner', 'staff', 'admin'));
ALTER TABLE learners ADD COLUMN institution_id TEXT REFERENCES institutions (id);
-- Goals and the time zone days are counted in (streaks, "this week").
ALTER TABLE learners ADD COLUMN weekly_goal_minutes BIGINT NOT NULL DEFAULT 150
    CHECK (weekly_goal_minutes BETWEEN 10 AND 3000);
ALTER TABLE learners ADD COLUMN daily_goal_minutes BIGINT NOT NULL DEFAULT 10
    CHECK (daily_goal_minutes BETWEEN 1 AND 600);
ALTER TABLE learners ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Asia/Shanghai';

CREATE TABLE certificates (
    -- 20 characters of Crockford base32 from 100 random bits: unguessable, easy to read out.
    code           TEXT PRIMARY KEY,
    learner_id     TEXT NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    course_id      TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    -- The holder's name when issued (NULL for a guest; filled in when they sign up).
    holder         TEXT,
    issued_at      BIGINT NOT NULL,
    revoked_at     BIGINT,
    revoked_by     TEXT,
    revoked_reason TEXT,
    UNIQUE (learner_id, course_id)
);
CREATE INDEX certificates_by_course ON certificates (course_id, issued_at DESC);

-- Item analysis reads one question's answers; the dashboard reads a learner's attempts.
CREATE INDEX attempts_by_learner ON attempts (learner_id, submitted_at DESC);
-- Enrolments over time per course (replaces the index on course_id alone).
DROP INDEX enrollments_by_course;
CREATE INDEX enrollments_by_course_time ON enrollments (course_id, enrolled_at);
