//! The learning player's routes: lessons, progress events, course progress, notes.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use jieti_api::{
    is_client_id, Note, ProgressAction, ProgressBatch, MAX_EVENTS_PER_BATCH, MAX_NOTE_CHARS,
};

use super::{public_cache, ApiJson, ApiPath, ApiRoutes};
use crate::auth::Learner;
use crate::db::learning as q;
use crate::error::{AppError, AppResult};
use crate::AppState;

pub(super) fn routes(r: ApiRoutes) -> ApiRoutes {
    r.get("/lessons/{id}", lesson)
        .get("/lessons/{id}/notes", lesson_notes)
        .post("/progress/events", post_events)
        .get("/courses/{id}/progress", course_progress)
        .put("/notes/{id}", put_note)
        .delete("/notes/{id}", delete_note)
}

async fn lesson(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Response> {
    let detail = q::lesson_detail(&state.db, &id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no lesson {id:?}")))?;
    Ok(public_cache(Json(detail)))
}

/// Refuses what no honest client sends; semantic limits (rates, lengths) are the progress rules'.
fn check_batch(batch: &ProgressBatch) -> AppResult<()> {
    if batch.events.is_empty() || batch.events.len() > MAX_EVENTS_PER_BATCH {
        return Err(AppError::bad_field(
            "events",
            format!("send between 1 and {MAX_EVENTS_PER_BATCH} events"),
        ));
    }
    for (i, e) in batch.events.iter().enumerate() {
        if !is_client_id(&e.id) {
            return Err(AppError::bad_field(
                "events",
                format!("event {i}: the id must be 8–64 letters, digits, '-' or '_'"),
            ));
        }
        if e.lesson_id.is_empty() || e.lesson_id.len() > 128 {
            return Err(AppError::bad_field(
                "events",
                format!("event {i}: bad lesson_id"),
            ));
        }
        let finite = match e.action {
            ProgressAction::Position { position_s } => position_s.is_finite(),
            ProgressAction::Watched { from_s, to_s, rate } => {
                from_s.is_finite() && to_s.is_finite() && rate.is_finite()
            }
            ProgressAction::Read { open_s, .. } => open_s.is_finite(),
        };
        if !finite {
            return Err(AppError::bad_field(
                "events",
                format!("event {i}: numbers must be finite"),
            ));
        }
    }
    Ok(())
}

async fn post_events(
    State(state): State<AppState>,
    learner: Learner,
    ApiJson(batch): ApiJson<ProgressBatch>,
) -> AppResult<Response> {
    check_batch(&batch)?;
    let receipt = q::record_events(&state.db, &learner.id, &batch.events).await?;
    Ok(Json(receipt).into_response())
}

async fn course_progress(
    State(state): State<AppState>,
    learner: Learner,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Response> {
    let progress = q::course_progress(&state.db, &learner.id, &id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no course {id:?}")))?;
    Ok(Json(progress).into_response())
}

async fn lesson_notes(
    State(state): State<AppState>,
    learner: Learner,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Response> {
    if !q::lesson_exists(&state.db, &id).await? {
        return Err(AppError::NotFound(format!("no lesson {id:?}")));
    }
    Ok(Json(q::notes(&state.db, &learner.id, &id).await?).into_response())
}

async fn put_note(
    State(state): State<AppState>,
    learner: Learner,
    ApiPath(id): ApiPath<String>,
    ApiJson(note): ApiJson<Note>,
) -> AppResult<Response> {
    if !is_client_id(&id) {
        return Err(AppError::bad_field(
            "id",
            "the id must be 8–64 letters, digits, '-' or '_'",
        ));
    }
    if note.id != id {
        return Err(AppError::bad_field(
            "id",
            "the body's id differs from the path's",
        ));
    }
    if note.body.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::bad_field(
            "body",
            format!("a note holds at most {MAX_NOTE_CHARS} characters"),
        ));
    }
    if !(note.position.is_finite() && note.position >= 0.0) {
        return Err(AppError::bad_field(
            "position",
            "the position must be 0 or more",
        ));
    }
    if !q::lesson_exists(&state.db, &note.lesson_id).await? {
        return Err(AppError::bad_field(
            "lesson_id",
            format!("no lesson {:?}", note.lesson_id),
        ));
    }
    Ok(Json(q::put_note(&state.db, &learner.id, &note).await?).into_response())
}

async fn delete_note(
    State(state): State<AppState>,
    learner: Learner,
    ApiPath(id): ApiPath<String>,
) -> AppResult<StatusCode> {
    q::delete_note(&state.db, &learner.id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
