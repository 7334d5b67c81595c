//! Course search: the FTS index, filters, sort orders and facet counts.

use jieti_api::{CourseSummary, FacetValue, Facets, Level, Sort};
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

    fn sql(self) -> &'static str {
        match self {
            Self::Short => "c.duration_minutes < 120",
            Self::Medium => "c.duration_minutes BETWEEN 120 AND 600",
            Self::Long => "c.duration_minutes > 600",
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

/// A filter dimension, so a facet can leave its own filter out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Dim {
    Category,
    Level,
    Price,
    Duration,
    Rating,
    Certificate,
    Institution,
    Lang,
}

impl SearchFilter {
    /// `FROM …` with the FTS match joined in (as `f`, with its `rank`) when there is a query.
    fn push_from(&self, qb: &mut QueryBuilder<'_, Sqlite>) {
        match &self.q {
            Some(q) => {
                qb.push(" FROM (SELECT rowid, bm25(course_fts, 10.0, 2.0, 6.0) AS rank FROM course_fts WHERE course_fts MATCH ")
                    .push_bind(q.fts.clone())
                    .push(") f JOIN courses c ON c.doc = f.rowid");
            }
            None => {
                qb.push(" FROM courses c");
            }
        }
    }

    fn push_where(&self, qb: &mut QueryBuilder<'_, Sqlite>, except: Option<Dim>) {
        qb.push(" WHERE 1 = 1");
        let keep = |d: Dim| except != Some(d);
        if let (Some(v), true) = (&self.category, keep(Dim::Category)) {
            qb.push(" AND c.category_id = ").push_bind(v.clone());
        }
        if let (Some(v), true) = (self.level, keep(Dim::Level)) {
            qb.push(" AND c.level = ").push_bind(v.as_str());
        }
        if let (Some(p), true) = (self.price, keep(Dim::Price)) {
            match p {
                PriceFilter::Free => {
                    qb.push(" AND c.price_fen = 0");
                }
                PriceFilter::Paid => {
                    qb.push(" AND c.price_fen > 0");
                }
                PriceFilter::Range { min, max } => {
                    qb.push(" AND c.price_fen > 0 AND c.price_fen >= ")
                        .push_bind(i64::from(min));
                    if let Some(max) = max {
                        qb.push(" AND c.price_fen <= ").push_bind(i64::from(max));
                    }
                }
            }
        }
        if let (Some(d), true) = (self.duration, keep(Dim::Duration)) {
            qb.push(" AND ").push(d.sql());
        }
        if let (Some(r), true) = (self.min_rating, keep(Dim::Rating)) {
            qb.push(" AND c.rating >= ").push_bind(f64::from(r));
        }
        if self.certificate && keep(Dim::Certificate) {
            qb.push(" AND c.certificate = 1");
        }
        if let (Some(v), true) = (&self.institution, keep(Dim::Institution)) {
            qb.push(" AND c.institution_id = ").push_bind(v.clone());
        }
        if let (Some(v), true) = (&self.lang, keep(Dim::Lang)) {
            qb.push(" AND c.lang = ").push_bind(v.clone());
        }
    }
}

/// One page of a search.
pub struct SearchResult {
    /// The courses, with title highlights when there was a query.
    pub items: Vec<CourseSummary>,
    /// All matches.
    pub total: u64,
    /// The order actually used.
    pub sort: Sort,
}

/// Runs a search: the page of courses and the total.
pub async fn search(
    db: &Db,
    filter: &SearchFilter,
    sort: Sort,
    limit: u32,
    offset: u64,
) -> Result<SearchResult, sqlx::Error> {
    let sort = if filter.q.is_none() && sort == Sort::Relevance {
        Sort::Popular
    } else {
        sort
    };
    let mut conn = db.acquire().await?;
    let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*)");
    filter.push_from(&mut count);
    filter.push_where(&mut count, None);
    let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await?;

    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT c.id, c.title, c.subtitle, c.category_id, c.institution_id,
                i.name AS institution_name, i.verified AS institution_verified,
                c.level, c.lang, c.price_fen, c.list_price_fen, c.duration_minutes, c.lesson_count,
                c.rating, c.rating_count, c.learner_count, c.certificate, c.cover_url, c.published",
    );
    filter.push_from(&mut qb);
    qb.push(" JOIN institutions i ON i.id = c.institution_id");
    filter.push_where(&mut qb, None);
    qb.push(match sort {
        Sort::Relevance => " ORDER BY f.rank, c.learner_count DESC, c.id",
        Sort::Popular => " ORDER BY c.learner_count DESC, c.id",
        Sort::Rating => " ORDER BY c.rating DESC, c.rating_count DESC, c.id",
        Sort::Newest => " ORDER BY c.published DESC, c.id",
    });
    qb.push(" LIMIT ")
        .push_bind(i64::from(limit))
        .push(" OFFSET ")
        .push_bind(i64::try_from(offset).unwrap_or(i64::MAX));
    let rows: Vec<CourseRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let items = rows
        .into_iter()
        .map(|r| {
            let mut c = CourseSummary::from(r);
            if let Some(q) = &filter.q {
                c.highlights = search::highlights(&c.title, q);
            }
            c
        })
        .collect();
    Ok(SearchResult {
        items,
        total: total.max(0) as u64,
        sort,
    })
}

async fn group_counts(
    conn: &mut SqliteConnection,
    filter: &SearchFilter,
    dim: Dim,
    column: &str,
) -> Result<Vec<FacetValue>, sqlx::Error> {
    let mut qb = QueryBuilder::<Sqlite>::new(format!("SELECT {column} AS value, COUNT(*) AS n"));
    filter.push_from(&mut qb);
    filter.push_where(&mut qb, Some(dim));
    qb.push(format!(" GROUP BY {column} ORDER BY n DESC, value"));
    let rows: Vec<(String, i64)> = qb.build_query_as().fetch_all(&mut *conn).await?;
    Ok(rows
        .into_iter()
        .map(|(value, n)| FacetValue {
            value,
            label: None,
            count: n.max(0) as u64,
        })
        .collect())
}

async fn bucket_counts(
    conn: &mut SqliteConnection,
    filter: &SearchFilter,
    dim: Dim,
    buckets: &[(&str, &str)],
) -> Result<Vec<FacetValue>, sqlx::Error> {
    let sums: Vec<String> = buckets
        .iter()
        .map(|(_, cond)| format!("COALESCE(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END), 0)"))
        .collect();
    let mut qb = QueryBuilder::<Sqlite>::new(format!("SELECT {}", sums.join(", ")));
    filter.push_from(&mut qb);
    filter.push_where(&mut qb, Some(dim));
    let row = qb.build().fetch_one(&mut *conn).await?;
    use sqlx::Row;
    Ok(buckets
        .iter()
        .enumerate()
        .map(|(i, (value, _))| FacetValue {
            value: (*value).to_owned(),
            label: None,
            count: row.get::<i64, _>(i).max(0) as u64,
        })
        .collect())
}

/// Facet counts: for each filter, the count per value with every other active filter applied.
pub async fn facets(db: &Db, filter: &SearchFilter) -> Result<Facets, sqlx::Error> {
    let mut conn = db.acquire().await?;
    let c = &mut *conn;
    let mut institution = Vec::new();
    {
        let mut qb = QueryBuilder::<Sqlite>::new("SELECT c.institution_id, i.name, COUNT(*) AS n");
        filter.push_from(&mut qb);
        qb.push(" JOIN institutions i ON i.id = c.institution_id");
        filter.push_where(&mut qb, Some(Dim::Institution));
        qb.push(" GROUP BY c.institution_id ORDER BY n DESC, c.institution_id LIMIT 10");
        let rows: Vec<(String, String, i64)> = qb.build_query_as().fetch_all(&mut *c).await?;
        for (value, label, n) in rows {
            institution.push(FacetValue {
                value,
                label: Some(label),
                count: n.max(0) as u64,
            });
        }
    }
    Ok(Facets {
        category: group_counts(c, filter, Dim::Category, "c.category_id").await?,
        level: group_counts(c, filter, Dim::Level, "c.level").await?,
        lang: group_counts(c, filter, Dim::Lang, "c.lang").await?,
        price: bucket_counts(
            c,
            filter,
            Dim::Price,
            &[
                ("free", "c.price_fen = 0"),
                ("paid", "c.price_fen > 0"),
                ("0-100", "c.price_fen > 0 AND c.price_fen <= 10000"),
                ("100-500", "c.price_fen >= 10000 AND c.price_fen <= 50000"),
                ("500-", "c.price_fen >= 50000"),
            ],
        )
        .await?,
        duration: bucket_counts(
            c,
            filter,
            Dim::Duration,
            &[
                ("short", DurationBucket::Short.sql()),
                ("medium", DurationBucket::Medium.sql()),
                ("long", DurationBucket::Long.sql()),
            ],
        )
        .await?,
        min_rating: bucket_counts(
            c,
            filter,
            Dim::Rating,
            &[
                ("4.5", "c.rating >= 4.5"),
                ("4", "c.rating >= 4.0"),
                ("3.5", "c.rating >= 3.5"),
            ],
        )
        .await?,
        certificate: bucket_counts(
            c,
            filter,
            Dim::Certificate,
            &[("true", "c.certificate = 1")],
        )
        .await?,
        institution,
    })
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
