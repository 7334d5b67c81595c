//! Catalog calls: categories and course listings.

use jieti_api::{
    encode_component, CategoryList, CourseDetail, CourseQuery, CourseSearch, InstitutionDetail,
    ReviewPage,
};

use super::{get_json, ApiError};

/// `GET /categories`.
pub async fn get_categories() -> Result<CategoryList, ApiError> {
    get_json("/categories").await
}

/// `GET /courses`: a page of courses with the total and facet counts.
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
