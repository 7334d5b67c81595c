//! Service routes: health and the OpenAPI document.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use jieti_api::Health;

use super::ApiRoutes;
use crate::error::AppResult;
use crate::{db, AppState};

/// The OpenAPI 3.1 document of `/api/v1`, kept beside the wire types in jieti-api.
pub const OPENAPI_JSON: &str = include_str!("../../../api/openapi.json");

pub(super) fn routes(r: ApiRoutes) -> ApiRoutes {
    r.get("/health", health).get("/openapi.json", openapi)
}

async fn health(State(state): State<AppState>) -> AppResult<impl IntoResponse> {
    let courses = db::catalog::count_courses(&state.db).await?;
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        Json(Health {
            status: "ok".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            courses,
        }),
    ))
}

async fn openapi() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        OPENAPI_JSON,
    )
}
