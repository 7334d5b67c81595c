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
    exists(db, "SELECT 1 FROM categories WHERE id = $1", id).await
}

/// Whether an institution with this id exists.
pub async fn institution_exists(db: &Db, id: &str) -> Result<bool, sqlx::Error> {
    exists(db, "SELECT 1 FROM institutions WHERE id = $1", id).await
}

async fn exists(db: &Db, sql: &'static str, id: &str) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(sql).bind(id).fetch_optional(db).await?;
    Ok(found.is_some())
}

/// The columns of a [`CourseRow`], from `courses c JOIN institutions i`.
pub(crate) const COURSE_COLUMNS: &str =
    "c.id, c.title, c.subtitle, c.category_id, c.institution_id,
    i.name AS institution_name, i.verified AS institution_verified, c.level, c.lang, c.price_fen,
    c.list_price_fen, c.duration_minutes, c.lesson_count, c.rating, c.rating_count, c.learner_count,
    c.certificate, c.cover_url, c.published";

/// A course row joined with its institution, as listings select it.
#[derive(FromRow)]
pub(crate) struct CourseRow {
    id: String,
    title: String,
    subtitle: String,
    category_id: String,
    institution_id: String,
    institution_name: String,
    #[sqlx(try_from = "crate::db::Flag")]
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
    #[sqlx(try_from = "crate::db::Flag")]
    certificate: bool,
    cover_url: Option<String>,
    published: String,
}

pub(crate) fn to_u32(v: i64) -> u32 {
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

/// Whether a course with this id exists.
pub async fn course_exists(db: &Db, id: &str) -> Result<bool, sqlx::Error> {
    exists(db, "SELECT 1 FROM courses WHERE id = $1", id).await
}

/// The rendition lesson sizes are given for: the ≤ 150 kbps rung a weak network starts on.
pub const DEFAULT_RENDITION: &str = "240p";

/// A lesson's download size at a rendition of `bitrate_kbps`, bytes.
pub(crate) fn download_size(bitrate_kbps: i64, duration_s: u32) -> u64 {
    // Whole-file bitrate (video + audio) × length: what the learner's data plan pays.
    bitrate_kbps.max(0) as u64 * 1000 / 8 * u64::from(duration_s)
}

#[derive(FromRow)]
struct DetailRow {
    description: String,
    outcomes: String,
    requirements: String,
    tags: String,
    ratings_1: i64,
    ratings_2: i64,
    ratings_3: i64,
    ratings_4: i64,
    ratings_5: i64,
}

#[derive(FromRow)]
struct LessonRow {
    chapter_position: i64,
    chapter_title: String,
    id: String,
    title: String,
    kind: String,
    duration_s: i64,
    bitrate_kbps: Option<i64>,
}

fn strings(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// A course's page: summary, description, syllabus with sizes, rating distribution.
pub async fn course_detail(
    db: &Db,
    id: &str,
) -> Result<Option<jieti_api::CourseDetail>, sqlx::Error> {
    let sql = format!(
        "SELECT {COURSE_COLUMNS} FROM courses c JOIN institutions i ON i.id = c.institution_id WHERE c.id = $1"
    );
    let summary: Option<CourseRow> = sqlx::query_as(&sql).bind(id).fetch_optional(db).await?;
    let Some(summary) = summary else {
        return Ok(None);
    };
    let d: DetailRow = sqlx::query_as(
        "SELECT description, outcomes, requirements, tags, ratings_1, ratings_2, ratings_3, ratings_4, ratings_5
         FROM courses WHERE id = $1",
    )
    .bind(id)
    .fetch_one(db)
    .await?;
    let lessons: Vec<LessonRow> = sqlx::query_as(
        "SELECT l.chapter_position, ch.title AS chapter_title, l.id, l.title, l.kind, l.duration_s, r.bitrate_kbps
         FROM lessons l
         JOIN chapters ch ON ch.course_id = l.course_id AND ch.position = l.chapter_position
         LEFT JOIN video_renditions r ON r.video_id = l.video_id AND r.id = $1
         WHERE l.course_id = $2 ORDER BY l.position",
    )
    .bind(DEFAULT_RENDITION)
    .bind(id)
    .fetch_all(db)
    .await?;
    let has_media = lessons.iter().any(|l| l.bitrate_kbps.is_some());
    let mut chapters: Vec<jieti_api::ChapterOutline> = Vec::new();
    let mut current = None;
    for l in lessons {
        if current != Some(l.chapter_position) {
            current = Some(l.chapter_position);
            chapters.push(jieti_api::ChapterOutline {
                title: l.chapter_title.clone(),
                lessons: Vec::new(),
            });
        }
        let kind = if l.kind == "video" {
            jieti_api::LessonKind::Video
        } else {
            jieti_api::LessonKind::Article
        };
        let duration_s = to_u32(l.duration_s);
        if let Some(ch) = chapters.last_mut() {
            ch.lessons.push(jieti_api::LessonOutline {
                id: l.id,
                title: l.title,
                kind,
                duration_s,
                size_bytes: l.bitrate_kbps.map(|kbps| download_size(kbps, duration_s)),
            });
        }
    }
    let dist = [
        d.ratings_1,
        d.ratings_2,
        d.ratings_3,
        d.ratings_4,
        d.ratings_5,
    ]
    .map(|n| n.max(0) as u64);
    Ok(Some(jieti_api::CourseDetail {
        course: summary.into(),
        description: d.description,
        outcomes: strings(&d.outcomes),
        requirements: strings(&d.requirements),
        tags: strings(&d.tags),
        chapters,
        rating_distribution: dist,
        default_rendition: has_media.then(|| DEFAULT_RENDITION.to_owned()),
        quizzes: super::quiz::course_quizzes(db, id).await?,
    }))
}

/// One page of a course's written reviews, newest first, and their total.
pub async fn reviews(
    db: &Db,
    course_id: &str,
    limit: u32,
    offset: u64,
) -> Result<(Vec<jieti_api::Review>, u64), sqlx::Error> {
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reviews WHERE course_id = $1")
        .bind(course_id)
        .fetch_one(db)
        .await?;
    let rows: Vec<(Option<String>, i64, String, i64)> = sqlx::query_as(
        "SELECT l.display_name, r.rating, r.body, r.updated_at FROM reviews r JOIN learners l ON l.id = r.learner_id
         WHERE r.course_id = $1 ORDER BY r.updated_at DESC, r.learner_id LIMIT $2 OFFSET $3",
    )
    .bind(course_id)
    .bind(i64::from(limit))
    .bind(i64::try_from(offset).unwrap_or(i64::MAX))
    .fetch_all(db)
    .await?;
    let items = rows
        .into_iter()
        .map(|(name, rating, body, updated_at)| jieti_api::Review {
            author: name.unwrap_or_else(|| super::learners::GUEST_NAME.into()),
            rating: rating.clamp(1, 5) as u8,
            body,
            updated_at,
        })
        .collect();
    Ok((items, total.max(0) as u64))
}

#[derive(FromRow)]
struct InstitutionRow {
    id: String,
    name: String,
    name_en: String,
    city: String,
    founded: Option<i64>,
    #[sqlx(try_from = "crate::db::Flag")]
    verified: bool,
    description: String,
    employment_rate: Option<f64>,
    course_count: i64,
    learner_count: i64,
    completed_count: i64,
    rating_sum: i64,
    rating_count: i64,
}

/// An institution's profile with its quality index, computed from the current data and its
/// item-analysis `figures` (see `AppState::institution_figures`).
pub async fn institution_detail_with(
    db: &Db,
    id: &str,
    figures: &super::analytics::InstitutionFigures,
) -> Result<Option<jieti_api::InstitutionDetail>, sqlx::Error> {
    let row: Option<InstitutionRow> = sqlx::query_as(
        "SELECT i.id, i.name, i.name_en, i.city, i.founded, i.verified, i.description, i.employment_rate,
                COUNT(c.id) AS course_count,
                CAST(COALESCE(SUM(c.learner_count), 0) AS BIGINT) AS learner_count,
                CAST(COALESCE(SUM(c.completed_count), 0) AS BIGINT) AS completed_count,
                CAST(COALESCE(SUM(c.ratings_1 + 2 * c.ratings_2 + 3 * c.ratings_3 + 4 * c.ratings_4 + 5 * c.ratings_5), 0) AS BIGINT) AS rating_sum,
                CAST(COALESCE(SUM(c.ratings_1 + c.ratings_2 + c.ratings_3 + c.ratings_4 + c.ratings_5), 0) AS BIGINT) AS rating_count
         FROM institutions i LEFT JOIN courses c ON c.institution_id = i.id
         WHERE i.id = $1 GROUP BY i.id",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    let Some(r) = row else { return Ok(None) };
    // Active: distinct learners who enrolled in or studied one of its courses in the last 30 days.
    let since = crate::auth::now() - 30 * 24 * 3600;
    let active: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (
           SELECT e.learner_id FROM enrollments e JOIN courses c ON c.id = e.course_id
           WHERE c.institution_id = $1 AND e.enrolled_at >= $2
           UNION
           SELECT p.learner_id FROM progress_events p JOIN lessons l ON l.id = p.lesson_id
           JOIN courses c ON c.id = l.course_id
           WHERE c.institution_id = $1 AND p.received_at >= $2) AS active",
    )
    .bind(id)
    .bind(since)
    .fetch_one(db)
    .await?;
    // Completion: learners who completed its courses over all its learners.
    let completion = (r.learner_count > 0).then(|| {
        f64::from(crate::search::index::completion_rate(
            r.completed_count,
            r.learner_count,
        ))
    });
    let quality = crate::quality::quality_index(
        completion,
        r.rating_sum.max(0) as u64,
        r.rating_count.max(0) as u64,
        active.max(0) as u64,
        r.employment_rate,
        figures.assessment_quality(),
    );
    Ok(Some(jieti_api::InstitutionDetail {
        id: r.id,
        name: r.name,
        name_en: r.name_en,
        city: r.city,
        founded: r.founded.map(|y| y as i32),
        verified: r.verified,
        description: r.description,
        course_count: r.course_count.max(0) as u64,
        learner_count: r.learner_count.max(0) as u64,
        quality,
    }))
}

/// A course's search doc and current average rating.
pub async fn doc_and_rating(db: &Db, id: &str) -> Result<Option<(i64, f64)>, sqlx::Error> {
    sqlx::query_as("SELECT doc, rating FROM courses WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}
