-- Course search: one FTS5 row per course (rowid = courses.doc), pre-tokenised by the server
-- (Han unigrams and bigrams, Latin words, pinyin and initials; see src/search/mod.rs).
CREATE VIRTUAL TABLE course_fts USING fts5 (
    title,
    body,
    pinyin,
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '1 2 3',
    content = '',
    contentless_delete = 1
);

CREATE INDEX courses_by_rating ON courses (rating DESC, rating_count DESC, id);
CREATE INDEX courses_by_published ON courses (published DESC, id);
