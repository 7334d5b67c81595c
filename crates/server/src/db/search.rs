//! Course search: the filter types, and reading the page's rows.

use jieti_api::{CourseSummary, Level};

use super::catalog::{CourseRow, COURSE_COLUMNS};
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

/// The listed form of the courses with these docs, in the same order, with title highlights.
pub async fn courses_by_docs(
    db: &Db,
    docs: &[i64],
    q: Option<&ParsedQuery>,
) -> Result<Vec<CourseSummary>, sqlx::Error> {
    if docs.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT c.doc, {COURSE_COLUMNS} FROM courses c JOIN institutions i ON i.id = c.institution_id WHERE c.doc IN ({})",
        crate::db::placeholders(1, docs.len())
    );
    let mut query = sqlx::query_as(&sql);
    for d in docs {
        query = query.bind(*d);
    }
    let rows: Vec<DocRow> = query.fetch_all(db).await?;
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
