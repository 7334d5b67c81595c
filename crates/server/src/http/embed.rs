//! The embeddable player's API: public facts for an embed's poster, the exchange of a host site's
//! learner token for a session, opaque ids for the host's records, and institutions' settings.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use jieti_api::{EmbedContext, EmbedInfo, EmbedOrigins, EmbedTokenExchange};
use serde::Deserialize;

use super::{ApiJson, ApiPath, ApiQuery, ApiRoutes};
use crate::auth::{self, Learner};
use crate::db::{analytics, catalog, embed as q};
use crate::embed::{self, TokenError};
use crate::error::{AppError, AppResult};
use crate::AppState;

pub(super) fn routes(r: ApiRoutes) -> ApiRoutes {
    r.get("/embed/lessons/{id}", lesson_info)
        .get("/embed/courses/{id}", course_info)
        .get("/embed/quizzes/{id}", quiz_info)
        .post("/embed/session", exchange)
        .get("/embed/context", context)
        .get("/institutions/{id}/embed", get_settings)
        .put("/institutions/{id}/embed", put_origins)
        .post("/institutions/{id}/embed/secret", rotate_secret)
}

fn with_cache_control(body: impl IntoResponse, value: &'static str) -> Response {
    let mut res = body.into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    res
}

/// Revalidated on every load (the ETag makes that cheap): an allowlist edit must show at once.
fn info_response(info: Option<EmbedInfo>, what: &str, id: &str) -> AppResult<Response> {
    let info = info.ok_or_else(|| AppError::NotFound(format!("no {what} {id:?}")))?;
    Ok(with_cache_control(Json(info), "no-cache"))
}

async fn lesson_info(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Response> {
    info_response(q::lesson_info(&state.db, &id).await?, "lesson", &id)
}

async fn course_info(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Response> {
    info_response(q::course_info(&state.db, &id).await?, "course", &id)
}

async fn quiz_info(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Response> {
    info_response(q::quiz_info(&state.db, &id).await?, "quiz", &id)
}

/// The token is never logged nor echoed: it is a credential for the host's user.
async fn exchange(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<EmbedTokenExchange>,
) -> AppResult<Response> {
    let token = embed::parse_token(body.token.trim())?;
    let secret = q::secret(&state.db, &token.issuer)
        .await?
        .ok_or_else(|| TokenError("iss is not an institution that has set up embedding".into()))?;
    let claims = token.verify(&secret, auth::now())?;
    let session = q::exchange(
        &state.db,
        &claims.issuer,
        &claims.subject,
        claims.name.as_deref(),
    )
    .await?;
    Ok(with_cache_control(Json(session), "no-store"))
}

#[derive(Deserialize)]
struct ContextQuery {
    course: Option<String>,
}

async fn context(
    State(state): State<AppState>,
    learner: Learner,
    ApiQuery(query): ApiQuery<ContextQuery>,
) -> AppResult<Response> {
    let course = query
        .course
        .filter(|c| !c.is_empty())
        .ok_or_else(|| AppError::bad_field("course", "give the course id: ?course=…"))?;
    let institution = analytics::course_institution(&state.db, &course)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no course {course:?}")))?;
    let settings = q::ensure_settings(&state.db, &institution).await?;
    Ok(Json(EmbedContext {
        actor_name: embed::actor_name(&settings.actor_salt, &learner.id),
        registration: embed::registration(&settings.actor_salt, &learner.id, &course),
    })
    .into_response())
}

/// Staff of `id` or an admin, and `id` exists. Scope first: others learn nothing about `id`.
async fn manage(state: &AppState, learner: &Learner, id: &str) -> AppResult<()> {
    learner.require_manages(id)?;
    if !catalog::institution_exists(&state.db, id).await? {
        return Err(AppError::NotFound(format!("no institution {id:?}")));
    }
    Ok(())
}

/// The settings hold the secret: never stored by a cache.
async fn settings_response(state: &AppState, id: &str) -> AppResult<Response> {
    Ok(with_cache_control(
        Json(q::settings(&state.db, id).await?),
        "no-store",
    ))
}

async fn get_settings(
    State(state): State<AppState>,
    learner: Learner,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Response> {
    manage(&state, &learner, &id).await?;
    settings_response(&state, &id).await
}

async fn put_origins(
    State(state): State<AppState>,
    learner: Learner,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<EmbedOrigins>,
) -> AppResult<Response> {
    manage(&state, &learner, &id).await?;
    let origins = embed::normalize_origins(&body.origins)?;
    q::replace_origins(&state.db, &id, &origins).await?;
    settings_response(&state, &id).await
}

async fn rotate_secret(
    State(state): State<AppState>,
    learner: Learner,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Response> {
    manage(&state, &learner, &id).await?;
    q::rotate_secret(&state.db, &id).await?;
    settings_response(&state, &id).await
}
