//! Catalog calls: categories and course listings.

use jieti_api::{
    encode_component, CategoryList, CourseDetail, CourseQuery, CourseSearch, InstitutionDetail,
    QuizMode, QuizSummary, ReviewPage,
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

/// `GET /courses/{id}`: a course with its syllabus and quizzes.
pub async fn get_course(id: &str) -> Result<CourseDetail, ApiError> {
    let v = super::get_value(&format!("/courses/{}", encode_component(id))).await?;
    let mut d: CourseDetail =
        serde_wasm_bindgen::from_value(v.clone()).map_err(|e| ApiError::Decode(e.to_string()))?;
    // Read by hand (the app does not derive its decoder, see `CourseDetail::quizzes`).
    d.quizzes = crate::player::data::list(&v, "quizzes")
        .iter()
        .map(|q| {
            let text = |n| crate::player::data::text_of(q, n);
            QuizSummary {
                id: text("id"),
                course_id: text("course_id"),
                title: text("title"),
                mode: match text("mode").as_str() {
                    "practice" => QuizMode::Practice,
                    "exam" => QuizMode::Exam,
                    _ => QuizMode::Graded,
                },
                question_count: crate::player::data::num(q, "question_count") as u32,
                time_limit_s: crate::state::sync::field(q, "time_limit_s")
                    .as_f64()
                    .map(|s| s as u32),
            }
        })
        .collect();
    Ok(d)
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
