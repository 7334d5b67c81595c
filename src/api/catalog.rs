//! Catalog calls: categories and course listings.

use jieti_api::{CategoryList, CourseQuery, CourseSummary, Page};

use super::{get_json, ApiError};

/// `GET /categories`.
pub async fn get_categories() -> Result<CategoryList, ApiError> {
    get_json("/categories").await
}

/// `GET /courses` without facets, read as a plain page (the facet decoding code stays out of the
/// wasm until a view shows facets).
pub async fn get_courses(query: &CourseQuery) -> Result<Page<CourseSummary>, ApiError> {
    let qs = query.to_query_string();
    let qs = if qs.is_empty() {
        "facets=false".to_owned()
    } else {
        format!("{qs}&facets=false")
    };
    let path = if qs.is_empty() {
        "/courses".to_owned()
    } else {
        format!("/courses?{qs}")
    };
    get_json(&path).await
}
