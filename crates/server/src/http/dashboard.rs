//! The learner's dashboard and goal, certificates (public verification, staff revocation), and
//! institution analytics (staff of that institution and admins only).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use jieti_api::{RevokeCertificate, StudyGoal};

use super::{ApiJson, ApiPath, ApiRoutes};
use crate::auth::Learner;
use crate::db::{analytics, certificates, dashboard};
use crate::error::{AppError, AppResult};
use crate::{stats, AppState};

pub(super) fn routes(r: ApiRoutes) -> ApiRoutes {
    r.get("/me/dashboard", get_dashboard)
        .get("/me/goal", get_goal)
        .put("/me/goal", put_goal)
        .get("/certificates/{code}", certificate)
        .post("/certificates/{code}/revoke", revoke)
        .get("/courses/{id}/analytics", course_analytics)
        .get("/institutions/{id}/analytics", institution_analytics)
}

async fn get_dashboard(State(state): State<AppState>, learner: Learner) -> AppResult<Response> {
    Ok(Json(dashboard::dashboard(&state.db, &learner).await?).into_response())
}

async fn get_goal(State(state): State<AppState>, learner: Learner) -> AppResult<Response> {
    Ok(Json(dashboard::goal(&state.db, &learner.id).await?).into_response())
}

async fn put_goal(
    State(state): State<AppState>,
    learner: Learner,
    ApiJson(goal): ApiJson<StudyGoal>,
) -> AppResult<Response> {
    if !(10..=3000).contains(&goal.weekly_minutes) {
        return Err(AppError::bad_field(
            "weekly_minutes",
            "a weekly goal is 10 to 3,000 minutes",
        ));
    }
    if !(1..=600).contains(&goal.daily_minutes) {
        return Err(AppError::bad_field(
            "daily_minutes",
            "a day counts for the streak from 1 to 600 minutes",
        ));
    }
    if stats::time_zone(&goal.time_zone).is_none() {
        return Err(AppError::bad_field(
            "time_zone",
            "not a known IANA time zone (e.g. Asia/Shanghai)",
        ));
    }
    dashboard::set_goal(&state.db, &learner.id, &goal).await?;
    Ok(Json(dashboard::goal(&state.db, &learner.id).await?).into_response())
}

fn no_certificate(code: &str) -> AppError {
    AppError::NotFound(format!("no certificate with the code {code:?}"))
}

/// Public: anyone with the code may verify a certificate, signed in or not.
async fn certificate(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> AppResult<Response> {
    let canonical = certificates::canonical(&code).ok_or_else(|| no_certificate(&code))?;
    let cert = certificates::get(&state.db, &canonical)
        .await?
        .ok_or_else(|| no_certificate(&code))?;
    Ok(Json(cert).into_response())
}

async fn revoke(
    State(state): State<AppState>,
    learner: Learner,
    ApiPath(code): ApiPath<String>,
    ApiJson(body): ApiJson<RevokeCertificate>,
) -> AppResult<Response> {
    let canonical = certificates::canonical(&code).ok_or_else(|| no_certificate(&code))?;
    let cert = certificates::get(&state.db, &canonical)
        .await?
        .ok_or_else(|| no_certificate(&code))?;
    learner.require_manages(&cert.institution_id)?;
    let reason = body.reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(AppError::bad_field(
            "reason",
            "give a reason of 1 to 200 characters",
        ));
    }
    certificates::revoke(&state.db, &canonical, &learner.id, reason).await?;
    let cert = certificates::get(&state.db, &canonical)
        .await?
        .ok_or_else(|| no_certificate(&code))?;
    Ok(Json(cert).into_response())
}

async fn course_analytics(
    State(state): State<AppState>,
    learner: Learner,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Response> {
    let institution = analytics::course_institution(&state.db, &id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no course {id:?}")))?;
    learner.require_manages(&institution)?;
    let figures = analytics::course(&state.db, &id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no course {id:?}")))?;
    Ok(Json(figures).into_response())
}

async fn institution_analytics(
    State(state): State<AppState>,
    learner: Learner,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Response> {
    // Scope first: staff of another institution learn nothing, not even whether `id` exists.
    learner.require_manages(&id)?;
    let item_figures = state.institution_figures(&id).await?;
    let figures = analytics::institution(&state.db, &id, &item_figures)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no institution {id:?}")))?;
    Ok(Json(figures).into_response())
}
