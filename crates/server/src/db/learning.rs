//! Learning queries: lessons for the player, progress events and what they add up to, notes.

use std::collections::{HashMap, HashSet};

use jieti_api::{
    Block, CaptionTrack, CourseProgress, LessonDetail, LessonKind, LessonProgress, LessonVideo,
    Note, NoteKind, ProgressAction, ProgressEvent, ProgressReceipt, Rendition, RenditionKind,
};
use sqlx::{Any, FromRow, Transaction};

use super::Db;
use crate::auth;
use crate::progress::{self, Played};

#[derive(FromRow)]
struct LessonRow {
    id: String,
    course_id: String,
    course_title: String,
    chapter_title: String,
    title: String,
    kind: String,
    duration_s: i64,
    position: i64,
    video_id: Option<String>,
    blocks: Option<String>,
    text_chars: Option<i64>,
}

/// Public URL of a file in the media folder.
pub(crate) fn media_url(path: &str) -> String {
    format!("/media/{}", path.trim_start_matches('/'))
}

/// A lesson with its media or blocks and its neighbours, or None when there is no such lesson.
pub async fn lesson_detail(db: &Db, id: &str) -> Result<Option<LessonDetail>, sqlx::Error> {
    let row: Option<LessonRow> = sqlx::query_as(
        "SELECT l.id, l.course_id, c.title AS course_title, ch.title AS chapter_title, l.title, l.kind,
                l.duration_s, l.position, l.video_id, a.blocks, a.text_chars
         FROM lessons l
         JOIN courses c ON c.id = l.course_id
         JOIN chapters ch ON ch.course_id = l.course_id AND ch.position = l.chapter_position
         LEFT JOIN lesson_articles a ON a.lesson_id = l.id
         WHERE l.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let neighbour = |sql: &'static str| {
        sqlx::query_scalar::<_, String>(sql)
            .bind(r.course_id.clone())
            .bind(r.position)
            .fetch_optional(db)
    };
    let prev = neighbour(
        "SELECT id FROM lessons WHERE course_id = $1 AND position < $2 ORDER BY position DESC LIMIT 1",
    )
    .await?;
    let next = neighbour(
        "SELECT id FROM lessons WHERE course_id = $1 AND position > $2 ORDER BY position LIMIT 1",
    )
    .await?;
    let video = match &r.video_id {
        Some(v) => lesson_video(db, v).await?,
        None => None,
    };
    let kind = if r.kind == "video" {
        LessonKind::Video
    } else {
        LessonKind::Article
    };
    let blocks: Vec<Block> = r
        .blocks
        .as_deref()
        .and_then(|b| serde_json::from_str(b).ok())
        .unwrap_or_default();
    Ok(Some(LessonDetail {
        id: r.id,
        course_id: r.course_id,
        course_title: r.course_title,
        chapter_title: r.chapter_title,
        title: r.title,
        kind,
        duration_s: r.duration_s.clamp(0, i64::from(u32::MAX)) as u32,
        min_read_s: (kind == LessonKind::Article)
            .then(|| progress::min_read_s(r.text_chars.unwrap_or(0).clamp(0, 1 << 30) as u32)),
        video,
        blocks,
        prev,
        next,
    }))
}

async fn lesson_video(db: &Db, video_id: &str) -> Result<Option<LessonVideo>, sqlx::Error> {
    let head: Option<(f64, Option<String>)> =
        sqlx::query_as("SELECT duration_s, poster FROM videos WHERE id = $1")
            .bind(video_id)
            .fetch_optional(db)
            .await?;
    let Some((duration_s, poster)) = head else {
        return Ok(None);
    };
    #[allow(clippy::type_complexity)]
    let renditions: Vec<(String, String, i64, i64, i64, String, String)> = sqlx::query_as(
        "SELECT id, kind, height, bitrate_kbps, bytes, path, mime FROM video_renditions
         WHERE video_id = $1 ORDER BY kind = 'video', bitrate_kbps",
    )
    .bind(video_id)
    .fetch_all(db)
    .await?;
    let captions: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT lang, label, path FROM video_captions WHERE video_id = $1 ORDER BY lang",
    )
    .bind(video_id)
    .fetch_all(db)
    .await?;
    let n = |v: i64| v.clamp(0, i64::from(u32::MAX)) as u32;
    Ok(Some(LessonVideo {
        duration_s: duration_s as f32,
        poster_url: poster.as_deref().map(media_url),
        renditions: renditions
            .into_iter()
            .map(|(id, kind, height, kbps, bytes, path, mime)| Rendition {
                id,
                kind: if kind == "audio" {
                    RenditionKind::Audio
                } else {
                    RenditionKind::Video
                },
                height: n(height),
                bitrate_kbps: n(kbps),
                bytes: bytes.max(0) as u64,
                url: media_url(&path),
                mime,
            })
            .collect(),
        captions: captions
            .into_iter()
            .map(|(lang, label, path)| CaptionTrack {
                lang,
                label,
                url: media_url(&path),
            })
            .collect(),
    }))
}

/// What applying an event needs to know about its lesson.
#[derive(Clone)]
struct LessonFacts {
    course_id: String,
    video_duration: Option<f64>,
    min_read_s: f64,
}

async fn lesson_facts(
    tx: &mut Transaction<'_, Any>,
    lesson_id: &str,
) -> Result<Option<LessonFacts>, sqlx::Error> {
    let row: Option<(String, Option<f64>, Option<i64>)> = sqlx::query_as(
        "SELECT l.course_id, v.duration_s, a.text_chars FROM lessons l
         LEFT JOIN videos v ON v.id = l.video_id
         LEFT JOIN lesson_articles a ON a.lesson_id = l.id
         WHERE l.id = $1",
    )
    .bind(lesson_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|(course_id, video_duration, chars)| LessonFacts {
        course_id,
        video_duration,
        min_read_s: f64::from(progress::min_read_s(
            chars.unwrap_or(0).clamp(0, 1 << 30) as u32
        )),
    }))
}

#[derive(FromRow)]
struct StateRow {
    position: f64,
    position_at_ms: i64,
    intervals: String,
    seconds: f64,
    #[sqlx(try_from = "crate::db::Flag")]
    reached_end: bool,
    completed_at: Option<i64>,
    updated_at_ms: i64,
}

/// Stores a batch of events (each id once per learner) and updates lesson state, all or nothing.
///
/// Events for lessons that no longer exist are skipped, not refused, so that a queue the client
/// kept offline never gets stuck on one of them.
pub async fn record_events(
    db: &Db,
    learner_id: &str,
    events: &[ProgressEvent],
) -> Result<ProgressReceipt, sqlx::Error> {
    let mut tx = super::write_tx(db).await?;
    let receipt = record_in(&mut tx, learner_id, events).await?;
    tx.commit().await?;
    Ok(receipt)
}

/// A signed-in guest's learning becomes the account's: their events are replayed for it (each id
/// once) and their notes copied, inside the sign-in transaction.
pub async fn adopt(
    tx: &mut Transaction<'_, Any>,
    guest_id: &str,
    account_id: &str,
) -> Result<(), sqlx::Error> {
    let rows: Vec<(String, String, i64, String)> = sqlx::query_as(
        "SELECT id, lesson_id, at_ms, action FROM progress_events WHERE learner_id = $1 ORDER BY at_ms, id",
    )
    .bind(guest_id)
    .fetch_all(&mut **tx)
    .await?;
    let events: Vec<ProgressEvent> = rows
        .into_iter()
        .filter_map(|(id, lesson_id, at_ms, action)| {
            Some(ProgressEvent {
                id,
                lesson_id,
                at_ms,
                action: serde_json::from_str(&action).ok()?,
            })
        })
        .collect();
    record_in(tx, account_id, &events).await?;
    sqlx::query(
        "INSERT INTO notes (learner_id, id, lesson_id, kind, position, body, updated_at_ms, deleted_at_ms)
         SELECT $1, id, lesson_id, kind, position, body, updated_at_ms, deleted_at_ms FROM notes WHERE learner_id = $2 ON CONFLICT DO NOTHING",
    )
    .bind(account_id)
    .bind(guest_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Events stored per INSERT statement (6 values each: well under SQLite's and PostgreSQL's
/// limits on bound values, for a guest's whole history adopted at sign-in too).
const EVENTS_PER_INSERT: usize = 500;

async fn record_in(
    tx: &mut Transaction<'_, Any>,
    learner_id: &str,
    events: &[ProgressEvent],
) -> Result<ProgressReceipt, sqlx::Error> {
    let now = auth::now();
    // A device whose clock runs ahead must not make every later event look "late".
    let latest_ms = (now + 60) * 1000;
    let mut facts: HashMap<String, Option<LessonFacts>> = HashMap::new();
    for e in events {
        if !facts.contains_key(&e.lesson_id) {
            let f = lesson_facts(tx, &e.lesson_id).await?;
            facts.insert(e.lesson_id.clone(), f);
        }
    }
    // Events of lessons that exist, clamped; an id twice in one batch counts once (the first).
    let mut seen = HashSet::new();
    let mut duplicates = 0u32;
    let mut known: Vec<ProgressEvent> = Vec::new();
    for e in events {
        if !facts.get(&e.lesson_id).is_some_and(Option::is_some) {
            continue;
        }
        if !seen.insert(e.id.as_str()) {
            duplicates += 1;
            continue;
        }
        known.push(ProgressEvent {
            at_ms: e.at_ms.min(latest_ms),
            ..e.clone()
        });
    }
    // Stored a few hundred per statement: a round trip per event is what a database server
    // cannot afford under the write lock. RETURNING names the events that were new.
    let mut fresh: HashSet<String> = HashSet::new();
    for chunk in known.chunks(EVENTS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO progress_events (learner_id, id, lesson_id, at_ms, received_at, action)
             VALUES {} ON CONFLICT DO NOTHING RETURNING id",
            super::values_rows(chunk.len(), 6)
        );
        let mut insert = sqlx::query_scalar::<_, String>(&sql);
        for e in chunk {
            insert = insert
                .bind(learner_id)
                .bind(&e.id)
                .bind(&e.lesson_id)
                .bind(e.at_ms)
                .bind(now)
                .bind(serde_json::to_string(&e.action).unwrap_or_default());
        }
        fresh.extend(insert.fetch_all(&mut **tx).await?);
    }
    let receipt = ProgressReceipt {
        accepted: fresh.len() as u32,
        duplicates: duplicates + (known.len() - fresh.len()) as u32,
    };
    // Each lesson's state is read once, every new event applied to it in order, written once.
    let mut lessons: Vec<(&str, Vec<&ProgressEvent>)> = Vec::new();
    for e in known.iter().filter(|e| fresh.contains(&e.id)) {
        match lessons.iter_mut().find(|(l, _)| *l == e.lesson_id) {
            Some((_, list)) => list.push(e),
            None => lessons.push((&e.lesson_id, vec![e])),
        }
    }
    for (lesson, list) in lessons {
        if let Some(f) = facts.get(lesson).cloned().flatten() {
            apply(tx, learner_id, lesson, &list, &f).await?;
        }
    }
    Ok(receipt)
}

/// Applies a lesson's new events, in order, to what the learner's progress in it was.
async fn apply(
    tx: &mut Transaction<'_, Any>,
    learner_id: &str,
    lesson_id: &str,
    events: &[&ProgressEvent],
    f: &LessonFacts,
) -> Result<(), sqlx::Error> {
    let Some(first) = events.first() else {
        return Ok(());
    };
    // Studying a course enrols the learner in it (a course opened from a shared link, say).
    sqlx::query(
        "INSERT INTO enrollments (learner_id, course_id, enrolled_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(learner_id)
    .bind(&f.course_id)
    .bind(auth::now())
    .execute(&mut **tx)
    .await?;
    let row: Option<StateRow> = sqlx::query_as(
        "SELECT position, position_at_ms, intervals, seconds, reached_end, completed_at, updated_at_ms
         FROM lesson_progress WHERE learner_id = $1 AND lesson_id = $2",
    )
    .bind(learner_id)
    .bind(lesson_id)
    .fetch_optional(&mut **tx)
    .await?;
    let mut s = row.unwrap_or(StateRow {
        position: 0.0,
        position_at_ms: i64::MIN,
        intervals: "[]".into(),
        seconds: 0.0,
        reached_end: false,
        completed_at: None,
        updated_at_ms: first.at_ms,
    });
    let was_complete = s.completed_at.is_some();
    for e in events {
        apply_event(&mut s, e, f);
    }
    sqlx::query(
        "INSERT INTO lesson_progress (learner_id, lesson_id, course_id, position, position_at_ms, intervals,
                                      seconds, reached_end, completed_at, updated_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (learner_id, lesson_id) DO UPDATE SET
           position = excluded.position, position_at_ms = excluded.position_at_ms,
           intervals = excluded.intervals, seconds = excluded.seconds, reached_end = excluded.reached_end,
           completed_at = excluded.completed_at, updated_at_ms = excluded.updated_at_ms",
    )
    .bind(learner_id)
    .bind(lesson_id)
    .bind(&f.course_id)
    .bind(s.position)
    .bind(s.position_at_ms.max(0))
    .bind(&s.intervals)
    .bind(s.seconds)
    .bind(i64::from(s.reached_end))
    .bind(s.completed_at)
    .bind(s.updated_at_ms)
    .execute(&mut **tx)
    .await?;
    if !was_complete && s.completed_at.is_some() {
        // The course is complete when no lesson of it lacks a completion.
        let completed_now = sqlx::query(
            "UPDATE enrollments SET completed_at = $1
             WHERE learner_id = $2 AND course_id = $3 AND completed_at IS NULL
               AND NOT EXISTS (
                 SELECT 1 FROM lessons l
                 LEFT JOIN lesson_progress p ON p.lesson_id = l.id AND p.learner_id = $4
                 WHERE l.course_id = $5 AND p.completed_at IS NULL)",
        )
        .bind(auth::now())
        .bind(learner_id)
        .bind(&f.course_id)
        .bind(learner_id)
        .bind(&f.course_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if completed_now == 1 {
            sqlx::query("UPDATE courses SET completed_count = completed_count + 1 WHERE id = $1")
                .bind(&f.course_id)
                .execute(&mut **tx)
                .await?;
            super::certificates::issue_if_earned(tx, learner_id, &f.course_id).await?;
        }
    }
    Ok(())
}

/// One event's effect on a lesson's state (the rules of src/progress.rs).
fn apply_event(s: &mut StateRow, e: &ProgressEvent, f: &LessonFacts) {
    // A late event (sent after a newer one, from an offline queue) never moves the resume point back.
    let set_position = |s: &mut StateRow, p: f64| {
        if e.at_ms >= s.position_at_ms && p.is_finite() && p >= 0.0 {
            s.position = p;
            s.position_at_ms = e.at_ms;
        }
    };
    match e.action {
        ProgressAction::Position { position_s } => set_position(s, f64::from(position_s)),
        ProgressAction::Watched { from_s, to_s, rate } => {
            let (from, to) = (f64::from(from_s), f64::from(to_s));
            if let Some(d) = f.video_duration {
                if progress::stretch_counts(from, to, f64::from(rate), d) {
                    let mut played = Played::from_json(&s.intervals);
                    played.add(from, to.min(d));
                    s.seconds = played.seconds();
                    s.intervals = played.to_json();
                    if s.completed_at.is_none() && progress::video_complete(&played, d) {
                        s.completed_at = Some(auth::now());
                    }
                }
            }
            set_position(s, to);
        }
        ProgressAction::Read {
            open_s,
            reached_end,
            block,
        } => {
            let open = f64::from(open_s);
            if open.is_finite() && open > 0.0 {
                s.seconds += open.min(progress::MAX_READ_STEP_S);
            }
            s.reached_end |= reached_end;
            set_position(s, f64::from(block));
            if s.completed_at.is_none() && s.reached_end && s.seconds >= f.min_read_s {
                s.completed_at = Some(auth::now());
            }
        }
    }
    s.updated_at_ms = s.updated_at_ms.max(e.at_ms);
}

/// The learner's progress through a course (None when the course does not exist).
pub async fn course_progress(
    db: &Db,
    learner_id: &str,
    course_id: &str,
) -> Result<Option<CourseProgress>, sqlx::Error> {
    let total: Option<i64> = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM lessons WHERE course_id = c.id) FROM courses c WHERE c.id = $1",
    )
    .bind(course_id)
    .fetch_optional(db)
    .await?;
    let Some(total) = total else { return Ok(None) };
    let rows: Vec<(String, f64, f64, super::Flag, i64)> = sqlx::query_as(
        "SELECT lesson_id, position, seconds, completed_at IS NOT NULL, updated_at_ms
         FROM lesson_progress WHERE learner_id = $1 AND course_id = $2
         ORDER BY updated_at_ms DESC, lesson_id",
    )
    .bind(learner_id)
    .bind(course_id)
    .fetch_all(db)
    .await?;
    let last_lesson_id = rows.first().map(|r| r.0.clone());
    let lessons: Vec<LessonProgress> = rows
        .into_iter()
        .map(
            |(lesson_id, position, seconds, completed, updated_at_ms)| LessonProgress {
                lesson_id,
                position: position as f32,
                seconds: seconds as f32,
                completed: completed.0,
                updated_at_ms,
            },
        )
        .collect();
    Ok(Some(CourseProgress {
        course_id: course_id.to_owned(),
        completed: lessons.iter().filter(|l| l.completed).count() as u32,
        total: total.clamp(0, i64::from(u32::MAX)) as u32,
        lessons,
        last_lesson_id,
    }))
}

/// Whether a lesson with this id exists.
pub async fn lesson_exists(db: &Db, id: &str) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM lessons WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await?;
    Ok(found.is_some())
}

type NoteRow = (String, String, String, f64, String, i64);

fn note_of((id, lesson_id, kind, position, body, updated_at_ms): NoteRow) -> Note {
    Note {
        id,
        lesson_id,
        kind: if kind == "bookmark" {
            NoteKind::Bookmark
        } else {
            NoteKind::Note
        },
        position: position as f32,
        body,
        updated_at_ms,
    }
}

/// The learner's notes and bookmarks in a lesson, in lesson order.
pub async fn notes(db: &Db, learner_id: &str, lesson_id: &str) -> Result<Vec<Note>, sqlx::Error> {
    let rows: Vec<NoteRow> = sqlx::query_as(
        "SELECT id, lesson_id, kind, position, body, updated_at_ms FROM notes
         WHERE learner_id = $1 AND lesson_id = $2 AND deleted_at_ms IS NULL
         ORDER BY position, updated_at_ms",
    )
    .bind(learner_id)
    .bind(lesson_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(note_of).collect())
}

/// Creates or updates a note unless the stored one is newer; returns what is stored.
pub async fn put_note(db: &Db, learner_id: &str, note: &Note) -> Result<Note, sqlx::Error> {
    // A clock running ahead would make this edit win over every later one.
    let updated_at_ms = note.updated_at_ms.min((auth::now() + 60) * 1000);
    let kind = match note.kind {
        NoteKind::Note => "note",
        NoteKind::Bookmark => "bookmark",
    };
    sqlx::query(
        "INSERT INTO notes (learner_id, id, lesson_id, kind, position, body, updated_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (learner_id, id) DO UPDATE SET
           kind = excluded.kind, position = excluded.position, body = excluded.body,
           updated_at_ms = excluded.updated_at_ms, deleted_at_ms = NULL
         WHERE excluded.updated_at_ms >= notes.updated_at_ms
           AND (notes.deleted_at_ms IS NULL OR excluded.updated_at_ms > notes.deleted_at_ms)",
    )
    .bind(learner_id)
    .bind(&note.id)
    .bind(&note.lesson_id)
    .bind(kind)
    .bind(f64::from(note.position))
    .bind(&note.body)
    .bind(updated_at_ms)
    .execute(db)
    .await?;
    let row: NoteRow = sqlx::query_as(
        "SELECT id, lesson_id, kind, position, body, updated_at_ms FROM notes WHERE learner_id = $1 AND id = $2",
    )
    .bind(learner_id)
    .bind(&note.id)
    .fetch_one(db)
    .await?;
    Ok(note_of(row))
}

/// Deletes a note (idempotent): its text goes, a tombstone with the time stays, so that an
/// edit made before the deletion and arriving after it does not bring the note back.
pub async fn delete_note(db: &Db, learner_id: &str, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE notes SET body = '', deleted_at_ms = $1
         WHERE learner_id = $2 AND id = $3 AND deleted_at_ms IS NULL",
    )
    .bind(auth::now() * 1000)
    .bind(learner_id)
    .bind(id)
    .execute(db)
    .await
    .map(|_| ())
}
