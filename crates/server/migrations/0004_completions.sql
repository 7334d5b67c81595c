-- Learners who completed each course: the catalog's starting figure (like learner_count), plus
-- one for every enrolment that completes (every lesson complete). The completion rate
-- completed_count / learner_count sorts search results and feeds the quality index.
ALTER TABLE courses ADD COLUMN completed_count INTEGER NOT NULL DEFAULT 0 CHECK (completed_count >= 0);
