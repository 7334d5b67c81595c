//! The demo catalog from `seed/demo.json`, with the lesson media made by `scripts/gen-media.sh`.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

use serde::Deserialize;
use sqlx::{Any, Transaction};

use super::articles;
use crate::db::{self, Db};

const DEMO_JSON: &str = include_str!("../../seed/demo.json");
const VERSION_KEY: &str = "demo_seed_version";

#[derive(Deserialize)]
struct Demo {
    categories: Vec<DemoCategory>,
    institutions: Vec<DemoInstitution>,
    courses: Vec<DemoCourse>,
}

#[derive(Deserialize)]
struct Names {
    zh_hans: String,
    zh_hant: String,
    en: String,
}

#[derive(Deserialize)]
struct DemoCategory {
    id: String,
    hue: i64,
    name: Names,
}

#[derive(Deserialize)]
struct DemoInstitution {
    id: String,
    name: String,
    name_en: String,
    city: String,
    founded: Option<i64>,
    verified: bool,
    description: String,
    employment_rate: Option<f64>,
}

#[derive(Deserialize)]
pub(super) struct DemoCourse {
    pub(super) id: String,
    pub(super) category: String,
    institution: String,
    pub(super) title: String,
    subtitle: String,
    pub(super) description: String,
    pub(super) lang: String,
    level: String,
    price_fen: i64,
    list_price_fen: Option<i64>,
    certificate: bool,
    rating: f64,
    rating_count: i64,
    learner_count: i64,
    published: String,
    tags: Vec<String>,
    pub(super) outcomes: Vec<String>,
    pub(super) requirements: Vec<String>,
    chapters: Vec<DemoChapter>,
}

#[derive(Deserialize)]
struct DemoChapter {
    title: String,
    lessons: Vec<DemoLesson>,
}

#[derive(Deserialize)]
struct DemoLesson {
    title: String,
    kind: String,
    minutes: i64,
}

/// `media/manifest.json`, written by `scripts/gen-media.sh`.
#[derive(Deserialize)]
struct Manifest {
    videos: Vec<ManifestVideo>,
}

#[derive(Deserialize)]
pub(super) struct ManifestVideo {
    pub(super) id: String,
    lang: String,
    title: String,
    duration_s: f64,
    pub(super) poster: Option<String>,
    renditions: Vec<ManifestRendition>,
    captions: Vec<ManifestCaption>,
}

#[derive(Deserialize)]
struct ManifestRendition {
    id: String,
    kind: String,
    width: i64,
    height: i64,
    bitrate_kbps: i64,
    bytes: i64,
    path: String,
    mime: String,
}

#[derive(Deserialize)]
struct ManifestCaption {
    lang: String,
    label: String,
    path: String,
}

/// What seeding the demo catalog did.
#[derive(Debug, PartialEq, Eq)]
pub enum DemoOutcome {
    /// The database already held this version of the demo catalog.
    UpToDate,
    /// The demo catalog was written: this many courses and demo videos.
    Seeded {
        /// Courses written.
        courses: usize,
        /// Demo videos found in the media folder.
        videos: usize,
    },
}

/// Writes the demo catalog (idempotent: upserts, and skips when this version is already in).
///
/// Media come from `media/manifest.json` when present; without it video lessons have no video yet.
pub async fn seed_demo(pool: &Db, media: &Path) -> Result<DemoOutcome, String> {
    let manifest_text = std::fs::read_to_string(media.join("manifest.json")).ok();
    let mut hasher = DefaultHasher::new();
    (
        DEMO_JSON,
        articles::ARTICLES_JSON,
        QUIZZES_JSON,
        manifest_text.as_deref(),
    )
        .hash(&mut hasher);
    let version = format!("{:016x}", hasher.finish());
    let current = db::get_meta(pool, VERSION_KEY)
        .await
        .map_err(|e| e.to_string())?;
    if current.as_deref() == Some(version.as_str()) {
        super::activity::seed_activity(pool).await?;
        return Ok(DemoOutcome::UpToDate);
    }
    let demo: Demo = serde_json::from_str(DEMO_JSON).map_err(|e| format!("seed/demo.json: {e}"))?;
    let manifest: Option<Manifest> = match &manifest_text {
        Some(t) => Some(serde_json::from_str(t).map_err(|e| format!("media/manifest.json: {e}"))?),
        None => None,
    };
    let mut manifest = manifest;
    if let Some(m) = manifest.as_mut() {
        check_captions(m, media);
    }
    let mut tx = crate::db::write_tx(pool).await.map_err(|e| e.to_string())?;
    write_demo(&mut tx, &demo, manifest.as_ref())
        .await
        .map_err(|e| format!("seeding demo: {e}"))?;
    db::set_meta(&mut *tx, VERSION_KEY, &version)
        .await
        .map_err(|e| e.to_string())?;
    db::set_meta(
        &mut *tx,
        crate::search::CATALOG_VERSION_KEY,
        &crate::search::new_catalog_version(),
    )
    .await
    .map_err(|e| e.to_string())?;
    super::baseline_completions(&mut tx)
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    seed_quizzes(pool).await?;
    super::activity::seed_activity(pool).await?;
    Ok(DemoOutcome::Seeded {
        courses: demo.courses.len(),
        videos: manifest.map_or(0, |m| m.videos.len()),
    })
}

/// The demo question bank: quizzes of every mode with every question kind.
pub const QUIZZES_JSON: &str = include_str!("../../seed/quizzes.json");

/// Upserts the demo quizzes (learners' attempts and mistakes on kept questions stay).
async fn seed_quizzes(pool: &Db) -> Result<(), String> {
    let quizzes: Vec<crate::quiz::QuizDef> =
        serde_json::from_str(QUIZZES_JSON).map_err(|e| format!("seed/quizzes.json: {e}"))?;
    for (i, q) in quizzes.iter().enumerate() {
        crate::db::quiz::upsert_quiz(pool, q, i as i64)
            .await
            .map_err(|e| format!("seed/quizzes.json: {e}"))?;
    }
    Ok(())
}

/// Drops caption tracks whose file is missing or is not WebVTT, as an import must: a learner
/// should never get a track that shows nothing. Warnings (recoverable problems) are logged.
fn check_captions(manifest: &mut Manifest, media: &Path) {
    for v in &mut manifest.videos {
        v.captions.retain(|c| {
            let path = media.join(&c.path);
            let parsed = std::fs::read(&path)
                .map_err(|e| e.to_string())
                .and_then(|bytes| {
                    crate::content::vtt::parse_bytes(&bytes).map_err(|e| e.to_string())
                });
            match parsed {
                Ok(vtt) => {
                    for w in &vtt.warnings {
                        tracing::warn!("{}: line {}: {}", path.display(), w.line, w.message);
                    }
                    true
                }
                Err(e) => {
                    tracing::warn!("{}: caption track left out: {e}", path.display());
                    false
                }
            }
        });
    }
}

/// Upserts the categories only (the synthetic generator needs them too).
pub(crate) async fn write_categories(tx: &mut Transaction<'_, Any>) -> Result<(), String> {
    let demo: Demo = serde_json::from_str(DEMO_JSON).map_err(|e| format!("seed/demo.json: {e}"))?;
    write_category_rows(tx, &demo.categories)
        .await
        .map_err(|e| e.to_string())
}

async fn write_category_rows(
    tx: &mut Transaction<'_, Any>,
    categories: &[DemoCategory],
) -> Result<(), sqlx::Error> {
    for (pos, c) in categories.iter().enumerate() {
        sqlx::query(
            "INSERT INTO categories (id, position, hue, name_zh_hans, name_zh_hant, name_en)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (id) DO UPDATE SET position = excluded.position, hue = excluded.hue,
               name_zh_hans = excluded.name_zh_hans, name_zh_hant = excluded.name_zh_hant,
               name_en = excluded.name_en",
        )
        .bind(&c.id)
        .bind(pos as i64)
        .bind(c.hue)
        .bind(&c.name.zh_hans)
        .bind(&c.name.zh_hant)
        .bind(&c.name.en)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn write_demo(
    tx: &mut Transaction<'_, Any>,
    demo: &Demo,
    manifest: Option<&Manifest>,
) -> Result<(), sqlx::Error> {
    write_category_rows(tx, &demo.categories).await?;
    for i in &demo.institutions {
        sqlx::query(
            "INSERT INTO institutions (id, name, name_en, city, founded, verified, description, employment_rate)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_en = excluded.name_en,
               city = excluded.city, founded = excluded.founded, verified = excluded.verified,
               description = excluded.description, employment_rate = excluded.employment_rate",
        )
        .bind(&i.id)
        .bind(&i.name)
        .bind(&i.name_en)
        .bind(&i.city)
        .bind(i.founded)
        .bind(i64::from(i.verified))
        .bind(&i.description)
        .bind(i.employment_rate)
        .execute(&mut **tx)
        .await?;
    }
    let videos = manifest.map(|m| m.videos.as_slice()).unwrap_or_default();
    for v in videos {
        write_video(tx, v).await?;
    }
    let mut video_turn = 0usize;
    for c in &demo.courses {
        let minutes: i64 = c
            .chapters
            .iter()
            .flat_map(|ch| &ch.lessons)
            .map(|l| l.minutes)
            .sum();
        let lesson_count = c.chapters.iter().map(|ch| ch.lessons.len()).sum::<usize>() as i64;
        sqlx::query(
            "INSERT INTO courses (id, category_id, institution_id, title, subtitle, description, lang, level,
               price_fen, list_price_fen, certificate, rating, rating_count, learner_count,
               duration_minutes, lesson_count, published, tags, outcomes, requirements)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
             ON CONFLICT (id) DO UPDATE SET category_id = excluded.category_id,
               institution_id = excluded.institution_id, title = excluded.title,
               subtitle = excluded.subtitle, description = excluded.description, lang = excluded.lang,
               level = excluded.level, price_fen = excluded.price_fen,
               list_price_fen = excluded.list_price_fen, certificate = excluded.certificate,
               rating = excluded.rating, rating_count = excluded.rating_count,
               learner_count = excluded.learner_count, duration_minutes = excluded.duration_minutes,
               lesson_count = excluded.lesson_count, published = excluded.published,
               tags = excluded.tags, outcomes = excluded.outcomes, requirements = excluded.requirements",
        )
        .bind(&c.id)
        .bind(&c.category)
        .bind(&c.institution)
        .bind(&c.title)
        .bind(&c.subtitle)
        .bind(&c.description)
        .bind(&c.lang)
        .bind(&c.level)
        .bind(c.price_fen)
        .bind(c.list_price_fen)
        .bind(i64::from(c.certificate))
        .bind(c.rating)
        .bind(c.rating_count)
        .bind(c.learner_count)
        .bind(minutes)
        .bind(lesson_count)
        .bind(&c.published)
        .bind(serde_json::to_string(&c.tags).unwrap_or_else(|_| "[]".into()))
        .bind(serde_json::to_string(&c.outcomes).unwrap_or_else(|_| "[]".into()))
        .bind(serde_json::to_string(&c.requirements).unwrap_or_else(|_| "[]".into()))
        .execute(&mut **tx)
        .await?;
        // Seeded ratings as a distribution, plus any real reviews learners have written.
        let mut d = super::rating_distribution(c.rating, c.rating_count);
        let real: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT rating, COUNT(*) FROM reviews WHERE course_id = $1 GROUP BY rating",
        )
        .bind(&c.id)
        .fetch_all(&mut **tx)
        .await?;
        for (stars, n) in real {
            d[(stars.clamp(1, 5) - 1) as usize] += n;
        }
        sqlx::query(
            "UPDATE courses SET ratings_1 = $1, ratings_2 = $2, ratings_3 = $3, ratings_4 = $4, ratings_5 = $5,
               rating = $6, rating_count = $7 WHERE id = $8",
        )
        .bind(d[0])
        .bind(d[1])
        .bind(d[2])
        .bind(d[3])
        .bind(d[4])
        .bind(super::average(&d))
        .bind(d.iter().sum::<i64>())
        .bind(&c.id)
        .execute(&mut **tx)
        .await?;
        // The syllabus is upserted, never replaced: deleting a lesson would delete learners'
        // progress and notes in it (ON DELETE CASCADE). Only what the demo no longer has goes.
        let lesson_total: usize = c.chapters.iter().map(|ch| ch.lessons.len()).sum();
        sqlx::query("DELETE FROM lessons WHERE course_id = $1 AND position > $2")
            .bind(&c.id)
            .bind(lesson_total as i64)
            .execute(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM chapters WHERE course_id = $1 AND position >= $2")
            .bind(&c.id)
            .bind(c.chapters.len() as i64)
            .execute(&mut **tx)
            .await?;
        // Video lessons take the demo videos in turn, preferring the course's own language and
        // then a clip on its subject (four short clips stand in for every lesson of the demo).
        let same_lang: Vec<&ManifestVideo> = videos.iter().filter(|v| v.lang == c.lang).collect();
        let pool: Vec<&ManifestVideo> = if same_lang.is_empty() {
            videos.iter().collect()
        } else {
            same_lang
        };
        let subject: &[&str] = match c.category.as_str() {
            "it" => &["python-hello", "excel-vlookup"],
            "ecommerce" | "design" => &["ecommerce-listing"],
            "exam" => &["excel-vlookup", "safety-basics"],
            "trades" => &["safety-basics"],
            _ => &[],
        };
        let on_subject: Vec<&ManifestVideo> = pool
            .iter()
            .copied()
            .filter(|v| subject.contains(&v.id.as_str()))
            .collect();
        let pool = if on_subject.is_empty() {
            pool
        } else {
            on_subject
        };
        let mut position = 0i64;
        for (ch_pos, ch) in c.chapters.iter().enumerate() {
            sqlx::query(
                "INSERT INTO chapters (course_id, position, title) VALUES ($1, $2, $3)
                 ON CONFLICT (course_id, position) DO UPDATE SET title = excluded.title",
            )
            .bind(&c.id)
            .bind(ch_pos as i64)
            .bind(&ch.title)
            .execute(&mut **tx)
            .await?;
            for l in &ch.lessons {
                position += 1;
                let lesson_id = format!("{}-{}", c.id, position);
                let video_id = (l.kind == "video" && !pool.is_empty()).then(|| {
                    video_turn += 1;
                    pool[video_turn % pool.len()].id.clone()
                });
                sqlx::query(
                    "INSERT INTO lessons (id, course_id, chapter_position, position, title, kind, duration_s, video_id)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                     ON CONFLICT (id) DO UPDATE SET chapter_position = excluded.chapter_position,
                       title = excluded.title, kind = excluded.kind, duration_s = excluded.duration_s,
                       video_id = excluded.video_id",
                )
                .bind(&lesson_id)
                .bind(&c.id)
                .bind(ch_pos as i64)
                .bind(position)
                .bind(&l.title)
                .bind(&l.kind)
                .bind(l.minutes * 60)
                .bind(video_id)
                .execute(&mut **tx)
                .await?;
                if l.kind == "article" {
                    let blocks = articles::article(c, &ch.title, &l.title, videos);
                    articles::write(tx, &lesson_id, &blocks).await?;
                } else {
                    sqlx::query("DELETE FROM lesson_articles WHERE lesson_id = $1")
                        .bind(&lesson_id)
                        .execute(&mut **tx)
                        .await?;
                }
            }
        }
    }
    Ok(())
}

async fn write_video(tx: &mut Transaction<'_, Any>, v: &ManifestVideo) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO videos (id, lang, title, duration_s, poster) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET lang = excluded.lang, title = excluded.title,
           duration_s = excluded.duration_s, poster = excluded.poster",
    )
    .bind(&v.id)
    .bind(&v.lang)
    .bind(&v.title)
    .bind(v.duration_s)
    .bind(&v.poster)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM video_renditions WHERE video_id = $1")
        .bind(&v.id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM video_captions WHERE video_id = $1")
        .bind(&v.id)
        .execute(&mut **tx)
        .await?;
    for r in &v.renditions {
        sqlx::query(
            "INSERT INTO video_renditions (video_id, id, kind, width, height, bitrate_kbps, bytes, path, mime)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&v.id)
        .bind(&r.id)
        .bind(&r.kind)
        .bind(r.width)
        .bind(r.height)
        .bind(r.bitrate_kbps)
        .bind(r.bytes)
        .bind(&r.path)
        .bind(&r.mime)
        .execute(&mut **tx)
        .await?;
    }
    for c in &v.captions {
        sqlx::query(
            "INSERT INTO video_captions (video_id, lang, label, path) VALUES ($1, $2, $3, $4)",
        )
        .bind(&v.id)
        .bind(&c.lang)
        .bind(&c.label)
        .bind(&c.path)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
