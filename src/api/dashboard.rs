//! Dashboard, certificate and analytics calls. They return the parsed JSON, which the dashboard
//! pages read by hand (as the player and quizzes do) to keep the wasm small.

use jieti_api::encode_component;
use wasm_bindgen::JsValue;

use super::{get_value, send_value, ApiError};

/// `GET /me/dashboard`: everything the learner's dashboard shows.
pub async fn get_dashboard() -> Result<JsValue, ApiError> {
    get_value("/me/dashboard").await
}

/// `PUT /me/goal` with a ready `StudyGoal` body.
pub async fn put_goal(body: String) -> Result<JsValue, ApiError> {
    send_value("PUT", "/me/goal", Some(body)).await
}

/// `GET /certificates/{code}`: public verification.
pub async fn get_certificate(code: &str) -> Result<JsValue, ApiError> {
    get_value(&format!("/certificates/{}", encode_component(code))).await
}

/// `POST /certificates/{code}/revoke` with `{"reason"}` (staff).
pub async fn revoke_certificate(code: &str, body: String) -> Result<JsValue, ApiError> {
    let path = format!("/certificates/{}/revoke", encode_component(code));
    send_value("POST", &path, Some(body)).await
}

/// `GET /institutions/{id}/analytics` (staff of it, admins).
pub async fn get_institution_analytics(id: &str) -> Result<JsValue, ApiError> {
    get_value(&format!("/institutions/{}/analytics", encode_component(id))).await
}

/// `GET /courses/{id}/analytics` (staff of its institution, admins).
pub async fn get_course_analytics(id: &str) -> Result<JsValue, ApiError> {
    get_value(&format!("/courses/{}/analytics", encode_component(id))).await
}
