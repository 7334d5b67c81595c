//! Catalog queries: categories and course listings.

use jieti_api::{Category, CourseSummary, InstitutionSummary, Level, LocalizedText};
use sqlx::FromRow;

use super::Db;

#[derive(FromRow)]
struct CategoryRow {
    id: String,
    hue: i64,
    name_zh_hans: String,
    name_zh_hant: String,
    name_en: String,
    course_count: i64,
}

/// Every category in display order, with its course count.
pub async fn list_categories(db: &Db) -> Result<Vec<Category>, sqlx::Error> {
    let rows: Vec<CategoryRow> = sqlx::query_as(
        "SELECT c.id, c.hue, c.name_zh_hans, c.name_zh_hant, c.name_en,
                (SELECT COUNT(*) FROM courses WHERE category_id = c.id) AS course_count
         FROM categories c ORDER BY c.position",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Category {
            id: r.id,
            hue: r.hue.clamp(0, 359) as u16,
            name: LocalizedText {
                zh_hans: r.name_zh_hans,
                zh_hant: r.name_zh_hant,
                en: r.name_en,
            },
            course_count: r.course_count.max(0) as u64,
        })
        .collect())
}

/// Whether a category with this id exists.
pub async fn category_exists(db: &Db, id: &str) -> Result<bool, sqlx::Error> {
    exists(db, "SELECT 1 FROM categories WHERE id = ?", id).await
}

/// Whether an institution with this id exists.
pub async fn institution_exists(db: &Db, id: &str) -> Result<bool, sqlx::Error> {
    exists(db, "SELECT 1 FROM institutions WHERE id = ?", id).await
}

async fn exists(db: &Db, sql: &'static str, id: &str) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(sql).bind(id).fetch_optional(db).await?;
    Ok(found.is_some())
}

/// A course row joined with its institution, as listings select it.
#[derive(FromRow)]
pub(crate) struct CourseRow {
    id: String,
    title: String,
    subtitle: String,
    category_id: String,
    institution_id: String,
    institution_name: String,
    institution_verified: bool,
    level: String,
    lang: String,
    price_fen: i64,
    list_price_fen: Option<i64>,
    duration_minutes: i64,
    lesson_count: i64,
    rating: f64,
    rating_count: i64,
    learner_count: i64,
    certificate: bool,
    cover_url: Option<String>,
    published: String,
}

fn to_u32(v: i64) -> u32 {
    v.clamp(0, i64::from(u32::MAX)) as u32
}

impl From<CourseRow> for CourseSummary {
    fn from(r: CourseRow) -> Self {
        CourseSummary {
            id: r.id,
            title: r.title,
            subtitle: r.subtitle,
            category_id: r.category_id,
            institution: InstitutionSummary {
                id: r.institution_id,
                name: r.institution_name,
                verified: r.institution_verified,
            },
            // The CHECK constraint allows only the three levels.
            level: Level::parse(&r.level).unwrap_or(Level::Beginner),
            lang: r.lang,
            price_fen: to_u32(r.price_fen),
            list_price_fen: r.list_price_fen.map(to_u32),
            duration_minutes: to_u32(r.duration_minutes),
            lesson_count: to_u32(r.lesson_count),
            rating: r.rating as f32,
            rating_count: to_u32(r.rating_count),
            learner_count: to_u32(r.learner_count),
            certificate: r.certificate,
            cover_url: r.cover_url,
            published: r.published,
            highlights: Vec::new(),
        }
    }
}

/// Number of courses in the catalog.
pub async fn count_courses(db: &Db) -> Result<u64, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM courses")
        .fetch_one(db)
        .await?;
    Ok(n.max(0) as u64)
}
