//! Catalog routes: categories and the course listing.

use axum::extract::State;
use axum::response::Response;
use axum::Json;
use jieti_api::{CategoryList, CourseQuery, Page, DEFAULT_PER_PAGE, MAX_PER_PAGE};

use super::{public_cache, ApiQuery, ApiRoutes};
use crate::db::catalog::{self as q, CourseFilter};
use crate::error::{AppError, AppResult};
use crate::AppState;

/// Deepest page served; deeper offsets would scan for nothing a person reads.
pub const MAX_PAGE: u32 = 10_000;

pub(super) fn routes(r: ApiRoutes) -> ApiRoutes {
    r.get("/categories", categories).get("/courses", courses)
}

async fn categories(State(state): State<AppState>) -> AppResult<Response> {
    let items = q::list_categories(&state.db).await?;
    Ok(public_cache(Json(CategoryList { items })))
}

async fn courses(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<CourseQuery>,
) -> AppResult<Response> {
    let page = query.page.unwrap_or(1);
    if !(1..=MAX_PAGE).contains(&page) {
        return Err(AppError::bad_field(
            "page",
            format!("page must be between 1 and {MAX_PAGE}"),
        ));
    }
    let per_page = query.per_page.unwrap_or(DEFAULT_PER_PAGE);
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(AppError::bad_field(
            "per_page",
            format!("per_page must be between 1 and {MAX_PER_PAGE}"),
        ));
    }
    let category = query.category.filter(|c| !c.is_empty());
    if let Some(c) = &category {
        if !q::category_exists(&state.db, c).await? {
            return Err(AppError::bad_field(
                "category",
                format!("unknown category {c:?}"),
            ));
        }
    }
    let filter = CourseFilter { category };
    let offset = u64::from(page - 1) * u64::from(per_page);
    let (items, total) = q::list_courses(&state.db, &filter, per_page, offset).await?;
    Ok(public_cache(Json(Page {
        items,
        total,
        page,
        per_page,
    })))
}
