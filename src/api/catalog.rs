//! Catalog calls: categories and course listings.

use jieti_api::{CategoryList, CourseQuery, CourseSummary, Page};

use super::{get_json, ApiError};

/// `GET /categories`.
pub async fn get_categories() -> Result<CategoryList, ApiError> {
    get_json("/categories").await
}

/// `GET /courses` with the query's filters and paging.
pub async fn get_courses(query: &CourseQuery) -> Result<Page<CourseSummary>, ApiError> {
    let qs = query.to_query_string();
    let path = if qs.is_empty() {
        "/courses".to_owned()
    } else {
        format!("/courses?{qs}")
    };
    get_json(&path).await
}
