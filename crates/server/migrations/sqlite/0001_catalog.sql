-- The catalog: categories, institutions, courses with chapters and lessons, demo media.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE categories (
    id           TEXT PRIMARY KEY,
    position     INTEGER NOT NULL,
    hue          INTEGER NOT NULL CHECK (hue BETWEEN 0 AND 359),
    name_zh_hans TEXT NOT NULL,
    name_zh_hant TEXT NOT NULL,
    name_en      TEXT NOT NULL
) STRICT;

CREATE TABLE institutions (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    name_en         TEXT NOT NULL DEFAULT '',
    city            TEXT NOT NULL DEFAULT '',
    founded         INTEGER,
    verified        INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
    description     TEXT NOT NULL DEFAULT '',
    -- Share of graduates employed, as the institution reports it (NULL: not reported).
    employment_rate REAL CHECK (employment_rate BETWEEN 0 AND 1)
) STRICT;

CREATE TABLE courses (
    -- Stable integer key: the search index's rowid (a TEXT primary key's implicit rowid may change on VACUUM).
    doc              INTEGER PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE,
    category_id      TEXT NOT NULL REFERENCES categories (id),
    institution_id   TEXT NOT NULL REFERENCES institutions (id),
    title            TEXT NOT NULL,
    subtitle         TEXT NOT NULL DEFAULT '',
    description      TEXT NOT NULL DEFAULT '',
    lang             TEXT NOT NULL DEFAULT 'zh-Hans',
    level            TEXT NOT NULL CHECK (level IN ('beginner', 'intermediate', 'advanced')),
    price_fen        INTEGER NOT NULL DEFAULT 0 CHECK (price_fen >= 0),
    list_price_fen   INTEGER CHECK (list_price_fen IS NULL OR list_price_fen > price_fen),
    certificate      INTEGER NOT NULL DEFAULT 0 CHECK (certificate IN (0, 1)),
    rating           REAL NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
    rating_count     INTEGER NOT NULL DEFAULT 0,
    learner_count    INTEGER NOT NULL DEFAULT 0,
    duration_minutes INTEGER NOT NULL DEFAULT 0,
    lesson_count     INTEGER NOT NULL DEFAULT 0,
    cover_url        TEXT,
    published        TEXT NOT NULL,
    -- JSON arrays of strings.
    tags             TEXT NOT NULL DEFAULT '[]',
    outcomes         TEXT NOT NULL DEFAULT '[]',
    requirements     TEXT NOT NULL DEFAULT '[]'
) STRICT;

-- The default listing is "most popular first", overall and within a category.
CREATE INDEX courses_by_popularity ON courses (learner_count DESC, id);
CREATE INDEX courses_by_category_popularity ON courses (category_id, learner_count DESC, id);
CREATE INDEX courses_by_institution ON courses (institution_id);

CREATE TABLE chapters (
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    title     TEXT NOT NULL,
    PRIMARY KEY (course_id, position)
) STRICT;

CREATE TABLE videos (
    id         TEXT PRIMARY KEY,
    lang       TEXT NOT NULL,
    title      TEXT NOT NULL,
    duration_s REAL NOT NULL,
    poster     TEXT
) STRICT;

CREATE TABLE video_renditions (
    video_id     TEXT NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
    id           TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('video', 'audio')),
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    bitrate_kbps INTEGER NOT NULL,
    bytes        INTEGER NOT NULL,
    path         TEXT NOT NULL,
    mime         TEXT NOT NULL,
    PRIMARY KEY (video_id, id)
) STRICT;

CREATE TABLE video_captions (
    video_id TEXT NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
    lang     TEXT NOT NULL,
    label    TEXT NOT NULL,
    path     TEXT NOT NULL,
    PRIMARY KEY (video_id, lang)
) STRICT;

CREATE TABLE lessons (
    id               TEXT PRIMARY KEY,
    course_id        TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    chapter_position INTEGER NOT NULL,
    position         INTEGER NOT NULL,
    title            TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('video', 'article')),
    duration_s       INTEGER NOT NULL,
    video_id         TEXT REFERENCES videos (id),
    UNIQUE (course_id, position),
    FOREIGN KEY (course_id, chapter_position) REFERENCES chapters (course_id, position) ON DELETE CASCADE
) STRICT;
