//! A course's page and its reviews; an institution's page.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use jieti_api::{ReviewPage, DEFAULT_PER_PAGE, MAX_PER_PAGE};

use super::catalog::{whole, MAX_PAGE};
use super::{public_cache, ApiPath, ApiQuery, ApiRoutes};
use crate::db::catalog as q;
use crate::error::{AppError, AppResult};
use crate::AppState;

pub(super) fn routes(r: ApiRoutes) -> ApiRoutes {
    r.get("/courses/{id}", course)
        .get("/courses/{id}/reviews", reviews)
        .get("/institutions/{id}", institution)
}

async fn course(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Response> {
    let detail = q::course_detail(&state.db, &id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no course {id:?}")))?;
    Ok(public_cache(Json(detail)))
}

async fn institution(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Response> {
    let figures = state.institution_figures(&id).await?;
    let detail = q::institution_detail_with(&state.db, &id, &figures)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no institution {id:?}")))?;
    Ok(public_cache(Json(detail)))
}

#[derive(serde::Deserialize)]
struct Paging {
    page: Option<String>,
    per_page: Option<String>,
}

async fn reviews(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> AppResult<Response> {
    let page = whole("page", paging.page, 1, MAX_PAGE)?;
    let per_page = whole("per_page", paging.per_page, DEFAULT_PER_PAGE, MAX_PER_PAGE)?;
    if !q::course_exists(&state.db, &id).await? {
        return Err(AppError::NotFound(format!("no course {id:?}")));
    }
    let (items, total) = q::reviews(
        &state.db,
        &id,
        per_page,
        u64::from(page - 1) * u64::from(per_page),
    )
    .await?;
    // Not publicly cached: a learner must see their own review at once (the ETag still saves bytes).
    Ok(Json(ReviewPage {
        items,
        total,
        page,
        per_page,
    })
    .into_response())
}
