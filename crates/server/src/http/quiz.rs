//! Quiz routes: quizzes, attempts (start, save, check, submit) and the wrong-answer book.
//! Every route is the caller's own: attempts and mistakes of others read as not found.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use jieti_api::{is_client_id, CheckAnswer, ReviewAnswer, SaveAnswers, SubmitAttempt};
use serde::Deserialize;

use super::{ApiJson, ApiPath, ApiQuery, ApiRoutes};
use crate::auth::Learner;
use crate::db::quiz as q;
use crate::error::{AppError, AppResult};
use crate::AppState;

/// Most answers one save or submission may carry (no quiz is longer).
const MAX_ANSWERS: usize = 500;

pub(super) fn routes(r: ApiRoutes) -> ApiRoutes {
    r.get("/quizzes/{id}", quiz)
        .post("/quizzes/{id}/attempts", start)
        .get("/attempts/{id}", attempt)
        .put("/attempts/{id}/answers", save)
        .post("/attempts/{id}/check", check)
        .post("/attempts/{id}/submit", submit)
        .get("/mistakes", mistakes)
        .get("/mistakes/summary", mistake_summary)
        .post("/mistakes/{id}/review", review)
}

async fn quiz(
    State(state): State<AppState>,
    learner: Learner,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Response> {
    Ok(Json(q::quiz(&state.db, &learner.id, &id).await?).into_response())
}

async fn start(
    State(state): State<AppState>,
    learner: Learner,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Response> {
    Ok(Json(q::start(&state.db, &learner.id, &id).await?).into_response())
}

async fn attempt(
    State(state): State<AppState>,
    learner: Learner,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Response> {
    Ok(Json(q::attempt(&state.db, &learner.id, &id).await?).into_response())
}

fn too_many(n: usize) -> AppResult<()> {
    if n > MAX_ANSWERS {
        return Err(AppError::bad_field(
            "answers",
            format!("send at most {MAX_ANSWERS} answers"),
        ));
    }
    Ok(())
}

async fn save(
    State(state): State<AppState>,
    learner: Learner,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<SaveAnswers>,
) -> AppResult<Response> {
    too_many(body.answers.len())?;
    Ok(Json(q::save(&state.db, &learner.id, &id, &body.answers).await?).into_response())
}

async fn check(
    State(state): State<AppState>,
    learner: Learner,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<CheckAnswer>,
) -> AppResult<Response> {
    Ok(Json(q::check(&state.db, &learner.id, &id, &body).await?).into_response())
}

async fn submit(
    State(state): State<AppState>,
    learner: Learner,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<SubmitAttempt>,
) -> AppResult<Response> {
    if !is_client_id(&body.submission_id) {
        return Err(AppError::bad_field(
            "submission_id",
            "the id must be 8–64 letters, digits, '-' or '_'",
        ));
    }
    too_many(body.answers.len())?;
    Ok(Json(q::submit(&state.db, &learner.id, &id, &body).await?).into_response())
}

/// `GET /mistakes` query.
#[derive(Deserialize)]
struct MistakeQuery {
    /// Only those due now.
    #[serde(default)]
    due: bool,
}

async fn mistakes(
    State(state): State<AppState>,
    learner: Learner,
    ApiQuery(query): ApiQuery<MistakeQuery>,
) -> AppResult<Response> {
    Ok(Json(q::mistakes(&state.db, &learner.id, query.due).await?).into_response())
}

async fn mistake_summary(State(state): State<AppState>, learner: Learner) -> AppResult<Response> {
    Ok(Json(q::mistake_summary(&state.db, &learner.id).await?).into_response())
}

async fn review(
    State(state): State<AppState>,
    learner: Learner,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<ReviewAnswer>,
) -> AppResult<Response> {
    Ok(Json(q::review(&state.db, &learner.id, &id, &body.answer).await?).into_response())
}
