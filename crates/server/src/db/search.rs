//! Course search: the FTS index, filters, sort orders and facet counts.

use jieti_api::{CourseSummary, Level};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::catalog::CourseRow;
use super::Db;
use crate::search::{self, ParsedQuery};

/// A price filter, in fen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PriceFilter {
    /// Free courses.
    Free,
    /// Paid courses.
    Paid,
    /// Paid, from `min` up to and including `max` (no upper bound when None).
    Range {
        /// Lowest price in fen.
        min: u32,
        /// Highest price in fen.
        max: Option<u32>,
    },
}

/// Total-length buckets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationBucket {
    /// Under two hours.
    Short,
    /// Two to ten hours.
    Medium,
    /// Over ten hours.
    Long,
}

impl DurationBucket {
    /// Parses `short`, `medium`, `long`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "short" => Some(Self::Short),
            "medium" => Some(Self::Medium),
            "long" => Some(Self::Long),
            _ => None,
        }
    }
}

/// Everything a search can be narrowed by.
#[derive(Clone, Debug, Default)]
pub struct SearchFilter {
    /// The parsed search text.
    pub q: Option<ParsedQuery>,
    /// Category id.
    pub category: Option<String>,
    /// Level.
    pub level: Option<Level>,
    /// Price.
    pub price: Option<PriceFilter>,
    /// Length bucket.
    pub duration: Option<DurationBucket>,
    /// Lowest average rating.
    pub min_rating: Option<f32>,
    /// Only courses with a certificate.
    pub certificate: bool,
    /// Institution id.
    pub institution: Option<String>,
    /// Teaching language.
    pub lang: Option<String>,
}

/// The FTS matches of a query as `(doc, rank)`; ranked by bm25 (title 10, body 2, pinyin 6) when
/// `ranked`, else rank 0 (cheaper: no scoring).
///
/// The matches come back as one `group_concat` string: the SQLite driver hands rows over one at a
/// time between threads, which for a broad query (tens of thousands of matches) costs far more
/// than the search itself.
pub async fn fts_matches(
    db: &Db,
    q: &ParsedQuery,
    ranked: bool,
) -> Result<Vec<(i64, f64)>, sqlx::Error> {
    let sql = if ranked {
        // bm25() works only on FTS rows, not inside an aggregate: rank in a subquery (LIMIT -1
        // keeps SQLite from flattening it into the aggregate).
        "SELECT group_concat(rowid || ':' || r, ',') FROM
           (SELECT rowid, bm25(course_fts, 10.0, 2.0, 6.0) AS r FROM course_fts WHERE course_fts MATCH ? LIMIT -1)"
    } else {
        "SELECT group_concat(rowid, ',') FROM course_fts WHERE course_fts MATCH ?"
    };
    let all: Option<String> = sqlx::query_scalar(sql).bind(&q.fts).fetch_one(db).await?;
    let Some(all) = all else {
        return Ok(Vec::new());
    };
    Ok(all
        .split(',')
        .filter_map(|item| {
            let (doc, rank) = item.split_once(':').unwrap_or((item, "0"));
            Some((doc.parse().ok()?, rank.parse().unwrap_or(0.0)))
        })
        .collect())
}

/// The listed form of the courses with these docs, in the same order, with title highlights.
pub async fn courses_by_docs(
    db: &Db,
    docs: &[i64],
    q: Option<&ParsedQuery>,
) -> Result<Vec<CourseSummary>, sqlx::Error> {
    if docs.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT c.doc, c.id, c.title, c.subtitle, c.category_id, c.institution_id,
                i.name AS institution_name, i.verified AS institution_verified,
                c.level, c.lang, c.price_fen, c.list_price_fen, c.duration_minutes, c.lesson_count,
                c.rating, c.rating_count, c.learner_count, c.certificate, c.cover_url, c.published
         FROM courses c JOIN institutions i ON i.id = c.institution_id WHERE c.doc IN (",
    );
    let mut sep = qb.separated(", ");
    for d in docs {
        sep.push_bind(*d);
    }
    qb.push(")");
    let rows: Vec<DocRow> = qb.build_query_as().fetch_all(db).await?;
    let mut by_doc: std::collections::HashMap<i64, CourseSummary> = rows
        .into_iter()
        .map(|r| {
            let mut c = CourseSummary::from(r.row);
            if let Some(q) = q {
                c.highlights = search::highlights(&c.title, q);
            }
            (r.doc, c)
        })
        .collect();
    Ok(docs.iter().filter_map(|d| by_doc.remove(d)).collect())
}

#[derive(sqlx::FromRow)]
struct DocRow {
    doc: i64,
    #[sqlx(flatten)]
    row: CourseRow,
}

/// Writes (or rewrites) the search row of each course in `ids`, inside the caller's transaction.
pub async fn reindex(conn: &mut SqliteConnection, ids: &[String]) -> Result<(), sqlx::Error> {
    for chunk in ids.chunks(400) {
        let mut qb = QueryBuilder::<Sqlite>::new(
            "SELECT c.doc, c.title, c.subtitle, c.tags, i.name FROM courses c JOIN institutions i ON i.id = c.institution_id WHERE c.id IN (",
        );
        let mut sep = qb.separated(", ");
        for id in chunk {
            sep.push_bind(id.clone());
        }
        qb.push(")");
        let rows: Vec<(i64, String, String, String, String)> =
            qb.build_query_as().fetch_all(&mut *conn).await?;
        if rows.is_empty() {
            continue;
        }
        let mut del = QueryBuilder::<Sqlite>::new("DELETE FROM course_fts WHERE rowid IN (");
        let mut sep = del.separated(", ");
        for r in &rows {
            sep.push_bind(r.0);
        }
        del.push(")");
        del.build().execute(&mut *conn).await?;
        let docs: Vec<(i64, search::IndexTokens)> = rows
            .into_iter()
            .map(|(doc, title, subtitle, tags, institution)| {
                let tags: Vec<String> = serde_json::from_str(&tags).unwrap_or_default();
                (
                    doc,
                    search::index_tokens(&title, &subtitle, &tags, &institution),
                )
            })
            .collect();
        let mut ins =
            QueryBuilder::<Sqlite>::new("INSERT INTO course_fts (rowid, title, body, pinyin) ");
        ins.push_values(&docs, |mut b, (doc, t)| {
            b.push_bind(*doc)
                .push_bind(&t.title)
                .push_bind(&t.body)
                .push_bind(&t.pinyin);
        });
        ins.build().execute(&mut *conn).await?;
    }
    Ok(())
}
