//! Embed queries: an institution's settings (secret, actor salt, allowed origins), the public facts
//! an embed shows, and the host site's users mapped to learners.

use std::collections::HashMap;

use jieti_api::{EmbedInfo, EmbedKind, EmbedSettings, LessonKind, Session};
use sqlx::FromRow;

use super::catalog::{download_size, to_u32, DEFAULT_RENDITION};
use super::learners::{finish_session, insert_guest};
use super::learning::media_url;
use super::Db;
use crate::auth;
use crate::embed::{new_secret, EMBED_SESSION_TTL_SECS};
use crate::error::{AppError, AppResult};

/// An institution's stored embed settings.
#[derive(Clone, Debug, FromRow)]
pub struct SettingsRow {
    /// HMAC key of its learner tokens.
    pub secret: String,
    /// Salt of its actor ids (never shown).
    pub actor_salt: String,
    /// Last change, Unix seconds.
    pub updated_at: i64,
}

async fn settings_row(db: &Db, institution_id: &str) -> Result<Option<SettingsRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT secret, actor_salt, updated_at FROM embed_settings WHERE institution_id = $1",
    )
    .bind(institution_id)
    .fetch_optional(db)
    .await
}

/// The settings of `institution_id` (which must exist), made with a new secret and salt on first use.
pub async fn ensure_settings(db: &Db, institution_id: &str) -> Result<SettingsRow, sqlx::Error> {
    if let Some(row) = settings_row(db, institution_id).await? {
        return Ok(row);
    }
    // Two first requests at once: the first insert wins and both read its row.
    sqlx::query(
        "INSERT INTO embed_settings (institution_id, secret, actor_salt, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (institution_id) DO NOTHING",
    )
    .bind(institution_id)
    .bind(new_secret())
    .bind(auth::new_token())
    .bind(auth::now())
    .execute(db)
    .await?;
    settings_row(db, institution_id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}

/// The secret learner tokens from `institution_id` are signed with; None until embedding is set up.
pub async fn secret(db: &Db, institution_id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT secret FROM embed_settings WHERE institution_id = $1")
        .bind(institution_id)
        .fetch_optional(db)
        .await
}

/// The origins allowed to frame `institution_id`'s embeds, in the order staff last gave them.
pub async fn origins(db: &Db, institution_id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT origin FROM embed_origins WHERE institution_id = $1 ORDER BY position",
    )
    .bind(institution_id)
    .fetch_all(db)
    .await
}

/// The staff view of `institution_id`'s settings (made on first use).
pub async fn settings(db: &Db, institution_id: &str) -> Result<EmbedSettings, sqlx::Error> {
    let row = ensure_settings(db, institution_id).await?;
    Ok(EmbedSettings {
        institution_id: institution_id.to_owned(),
        origins: origins(db, institution_id).await?,
        secret: row.secret,
        updated_at: row.updated_at,
    })
}

/// Replaces the allowlist with `list` (already normalised); an origin kept keeps its `added_at`.
pub async fn replace_origins(
    db: &Db,
    institution_id: &str,
    list: &[String],
) -> Result<(), sqlx::Error> {
    ensure_settings(db, institution_id).await?;
    // IMMEDIATE: read and rewrite the list under the write lock, so two saves cannot interleave.
    let mut tx = super::write_tx(db).await?;
    let old: HashMap<String, i64> =
        sqlx::query_as("SELECT origin, added_at FROM embed_origins WHERE institution_id = $1")
            .bind(institution_id)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
    sqlx::query("DELETE FROM embed_origins WHERE institution_id = $1")
        .bind(institution_id)
        .execute(&mut *tx)
        .await?;
    let now = auth::now();
    for (position, origin) in (0i64..).zip(list) {
        sqlx::query(
            "INSERT INTO embed_origins (institution_id, origin, added_at, position) VALUES ($1, $2, $3, $4)",
        )
        .bind(institution_id)
        .bind(origin)
        .bind(old.get(origin).copied().unwrap_or(now))
        .bind(position)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE embed_settings SET updated_at = $1 WHERE institution_id = $2")
        .bind(now)
        .bind(institution_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Gives `institution_id` a new secret: tokens signed with the old one stop working at once.
pub async fn rotate_secret(db: &Db, institution_id: &str) -> Result<(), sqlx::Error> {
    ensure_settings(db, institution_id).await?;
    sqlx::query("UPDATE embed_settings SET secret = $1, updated_at = $2 WHERE institution_id = $3")
        .bind(new_secret())
        .bind(auth::now())
        .bind(institution_id)
        .execute(db)
        .await
        .map(|_| ())
}

/// The institution owning the lesson, course or quiz `id`, if it exists.
pub async fn institution_of(
    db: &Db,
    kind: EmbedKind,
    id: &str,
) -> Result<Option<String>, sqlx::Error> {
    let sql = match kind {
        EmbedKind::Lesson => {
            "SELECT c.institution_id FROM lessons l JOIN courses c ON c.id = l.course_id WHERE l.id = $1"
        }
        EmbedKind::Course => "SELECT institution_id FROM courses WHERE id = $1",
        EmbedKind::Quiz => {
            "SELECT c.institution_id FROM quizzes q JOIN courses c ON c.id = q.course_id WHERE q.id = $1"
        }
    };
    sqlx::query_scalar(sql).bind(id).fetch_optional(db).await
}

#[derive(FromRow)]
struct LessonInfoRow {
    id: String,
    title: String,
    kind: String,
    duration_s: i64,
    course_id: String,
    course_title: String,
    institution_id: String,
    institution_name: String,
    bitrate_kbps: Option<i64>,
    poster: Option<String>,
}

fn lesson_kind(kind: &str) -> LessonKind {
    if kind == "video" {
        LessonKind::Video
    } else {
        LessonKind::Article
    }
}

/// What a lesson's embed shows, or None when there is no such lesson.
pub async fn lesson_info(db: &Db, id: &str) -> Result<Option<EmbedInfo>, sqlx::Error> {
    let row: Option<LessonInfoRow> = sqlx::query_as(
        "SELECT l.id, l.title, l.kind, l.duration_s, l.course_id, c.title AS course_title,
                c.institution_id, i.name AS institution_name, r.bitrate_kbps, v.poster
         FROM lessons l
         JOIN courses c ON c.id = l.course_id
         JOIN institutions i ON i.id = c.institution_id
         LEFT JOIN video_renditions r ON r.video_id = l.video_id AND r.id = $1
         LEFT JOIN videos v ON v.id = l.video_id
         WHERE l.id = $2",
    )
    .bind(DEFAULT_RENDITION)
    .bind(id)
    .fetch_optional(db)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let duration_s = to_u32(r.duration_s);
    let allowed_origins = origins(db, &r.institution_id).await?;
    Ok(Some(EmbedInfo {
        kind: EmbedKind::Lesson,
        course_id: r.course_id,
        course_title: r.course_title,
        lesson_id: Some(r.id),
        quiz_id: None,
        title: r.title,
        lesson_kind: Some(lesson_kind(&r.kind)),
        duration_s,
        size_bytes: r.bitrate_kbps.map(|kbps| download_size(kbps, duration_s)),
        lessons: 1,
        poster_url: r.poster.as_deref().map(media_url),
        institution_id: r.institution_id,
        institution_name: r.institution_name,
        allowed_origins,
    }))
}

#[derive(FromRow)]
struct CourseHead {
    id: String,
    title: String,
    institution_id: String,
    institution_name: String,
}

/// What a course's embed shows, or None when there is no such course.
pub async fn course_info(db: &Db, id: &str) -> Result<Option<EmbedInfo>, sqlx::Error> {
    let head: Option<CourseHead> = sqlx::query_as(
        "SELECT c.id, c.title, c.institution_id, i.name AS institution_name
         FROM courses c JOIN institutions i ON i.id = c.institution_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    let Some(c) = head else { return Ok(None) };
    let lessons: Vec<(String, i64, Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT l.kind, l.duration_s, r.bitrate_kbps, v.poster
         FROM lessons l
         LEFT JOIN video_renditions r ON r.video_id = l.video_id AND r.id = $1
         LEFT JOIN videos v ON v.id = l.video_id
         WHERE l.course_id = $2 ORDER BY l.position",
    )
    .bind(DEFAULT_RENDITION)
    .bind(id)
    .fetch_all(db)
    .await?;
    let mut duration_s = 0u32;
    let mut size_bytes: Option<u64> = None;
    let mut poster_url = None;
    for (kind, duration, kbps, poster) in &lessons {
        let d = to_u32(*duration);
        duration_s = duration_s.saturating_add(d);
        if let Some(kbps) = kbps {
            size_bytes = Some(
                size_bytes
                    .unwrap_or(0)
                    .saturating_add(download_size(*kbps, d)),
            );
        }
        // The first video lesson that has a poster: lessons without media have none to show.
        if poster_url.is_none() && kind == "video" {
            poster_url = poster.as_deref().map(media_url);
        }
    }
    let allowed_origins = origins(db, &c.institution_id).await?;
    Ok(Some(EmbedInfo {
        kind: EmbedKind::Course,
        course_id: c.id,
        course_title: c.title.clone(),
        lesson_id: None,
        quiz_id: None,
        title: c.title,
        lesson_kind: None,
        duration_s,
        size_bytes,
        lessons: u32::try_from(lessons.len()).unwrap_or(u32::MAX),
        poster_url,
        institution_id: c.institution_id,
        institution_name: c.institution_name,
        allowed_origins,
    }))
}

#[derive(FromRow)]
struct QuizInfoRow {
    id: String,
    title: String,
    time_limit_s: Option<i64>,
    course_id: String,
    course_title: String,
    institution_id: String,
    institution_name: String,
}

/// What a quiz's embed shows, or None when there is no such quiz.
pub async fn quiz_info(db: &Db, id: &str) -> Result<Option<EmbedInfo>, sqlx::Error> {
    let row: Option<QuizInfoRow> = sqlx::query_as(
        "SELECT q.id, q.title, q.time_limit_s, q.course_id, c.title AS course_title,
                c.institution_id, i.name AS institution_name
         FROM quizzes q
         JOIN courses c ON c.id = q.course_id
         JOIN institutions i ON i.id = c.institution_id
         WHERE q.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    let Some(q) = row else { return Ok(None) };
    let allowed_origins = origins(db, &q.institution_id).await?;
    Ok(Some(EmbedInfo {
        kind: EmbedKind::Quiz,
        course_id: q.course_id,
        course_title: q.course_title,
        lesson_id: None,
        quiz_id: Some(q.id),
        title: q.title,
        lesson_kind: None,
        duration_s: q.time_limit_s.map(to_u32).unwrap_or(0),
        size_bytes: None,
        lessons: 0,
        poster_url: None,
        institution_id: q.institution_id,
        institution_name: q.institution_name,
        allowed_origins,
    }))
}

/// A new session for the learner the host site's user `subject` is at `institution_id`: made as a
/// guest on first sight, the same learner on every later visit. `name`, when given, becomes the
/// display name of a learner who has not signed up.
pub async fn exchange(
    db: &Db,
    institution_id: &str,
    subject: &str,
    name: Option<&str>,
) -> AppResult<Session> {
    // IMMEDIATE: two first visits at once must map to one learner, not race to two.
    let mut tx = super::write_tx(db).await?;
    let mapped: Option<(String, String, super::Flag)> = sqlx::query_as(
        "SELECT e.learner_id, l.role, l.email IS NOT NULL FROM embed_learners e
         JOIN learners l ON l.id = e.learner_id
         WHERE e.institution_id = $1 AND e.subject = $2",
    )
    .bind(institution_id)
    .bind(subject)
    .fetch_optional(&mut *tx)
    .await?;
    let learner_id = match mapped {
        // An institution's token must never open a session with staff or admin rights.
        Some((_, role, _)) if role != "learner" => {
            return Err(AppError::Forbidden(
                "this user has staff rights here; staff sign in directly, not through an embed"
                    .into(),
            ))
        }
        // Nor a personal account: an institution's secret opens only the learners it made.
        Some((_, _, super::Flag(true))) => {
            return Err(AppError::Forbidden(
                "this learner has an account of their own; they sign in directly".into(),
            ))
        }
        Some((id, _, _)) => id,
        None => {
            let id = insert_guest(&mut tx).await?;
            sqlx::query(
                "INSERT INTO embed_learners (institution_id, subject, learner_id, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(institution_id)
            .bind(subject)
            .bind(&id)
            .bind(auth::now())
            .execute(&mut *tx)
            .await?;
            id
        }
    };
    if let Some(name) = name {
        // An account's own name (chosen at sign-up) is not the host's to change.
        sqlx::query("UPDATE learners SET display_name = $1 WHERE id = $2 AND email IS NULL")
            .bind(name)
            .bind(&learner_id)
            .execute(&mut *tx)
            .await?;
    }
    finish_session(tx, &learner_id, EMBED_SESSION_TTL_SECS).await
}
