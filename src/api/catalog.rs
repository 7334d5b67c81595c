//! Catalog calls: categories and course listings.

use jieti_api::{
    encode_component, CategoryList, CourseDetail, CourseQuery, CourseSearch, CourseSummary,
    InstitutionDetail, Page, ReviewPage,
};

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

/// `GET /courses` with facets: the search page's results and filter counts.
pub async fn search_courses(query: &CourseQuery) -> Result<CourseSearch, ApiError> {
    let qs = query.to_query_string();
    let path = if qs.is_empty() {
        "/courses".to_owned()
    } else {
        format!("/courses?{qs}")
    };
    get_json(&path).await
}

/// `GET /courses/{id}`: a course with its syllabus.
pub async fn get_course(id: &str) -> Result<CourseDetail, ApiError> {
    get_json(&format!("/courses/{}", encode_component(id))).await
}

/// `GET /courses/{id}/reviews?page=N`.
pub async fn get_reviews(id: &str, page: u32) -> Result<ReviewPage, ApiError> {
    get_json(&format!(
        "/courses/{}/reviews?page={page}",
        encode_component(id)
    ))
    .await
}

/// `GET /institutions/{id}`.
pub async fn get_institution(id: &str) -> Result<InstitutionDetail, ApiError> {
    get_json(&format!("/institutions/{}", encode_component(id))).await
}
