//! Identity and enrolment calls. The bearer token is attached by [`super::request`].

use jieti_api::{encode_component, Enrollment, Me, MyCourses, Review, Session};
use wasm_bindgen::JsValue;

use super::{get_json, json_body, request, ApiError};

/// `POST /session/guest`: a new guest learner and its token.
pub async fn start_guest() -> Result<Session, ApiError> {
    request("POST", "/session/guest", None).await
}

/// `GET /me`: whom the current token belongs to.
pub async fn me() -> Result<Me, ApiError> {
    get_json("/me").await
}

/// `POST /account`: sign up, upgrading the current guest in place.
pub async fn sign_up(email: &str, password: &str, display_name: &str) -> Result<Session, ApiError> {
    let body = json_body(&[
        ("email", JsValue::from_str(email)),
        ("password", JsValue::from_str(password)),
        ("display_name", JsValue::from_str(display_name)),
    ]);
    request("POST", "/account", Some(body)).await
}

/// `POST /session`: sign in (a guest's enrolments come along).
pub async fn sign_in(email: &str, password: &str) -> Result<Session, ApiError> {
    let body = json_body(&[
        ("email", JsValue::from_str(email)),
        ("password", JsValue::from_str(password)),
    ]);
    request("POST", "/session", Some(body)).await
}

/// `DELETE /session`: revokes the current token.
pub async fn sign_out() -> Result<(), ApiError> {
    request("DELETE", "/session", None).await
}

/// `GET /me/courses`: the learner's courses, most recent first.
pub async fn my_courses() -> Result<MyCourses, ApiError> {
    get_json("/me/courses").await
}

/// `PUT /courses/{id}/enrollment`: enrols (idempotent).
pub async fn enroll(course: &str) -> Result<Enrollment, ApiError> {
    let path = format!("/courses/{}/enrollment", encode_component(course));
    request("PUT", &path, None).await
}

/// `DELETE /courses/{id}/enrollment`: leaves the course.
pub async fn unenroll(course: &str) -> Result<(), ApiError> {
    let path = format!("/courses/{}/enrollment", encode_component(course));
    request("DELETE", &path, None).await
}

/// `GET /courses/{id}/review`: the learner's own review (None: not written yet).
pub async fn my_review(course: &str) -> Result<Option<Review>, ApiError> {
    get_json(&format!("/courses/{}/review", encode_component(course))).await
}

/// `PUT /courses/{id}/review`: writes or edits the learner's one review.
pub async fn put_review(course: &str, rating: u8, body: &str) -> Result<Review, ApiError> {
    let body = json_body(&[
        ("rating", JsValue::from(rating)),
        ("body", JsValue::from_str(body)),
    ]);
    let path = format!("/courses/{}/review", encode_component(course));
    request("PUT", &path, Some(body)).await
}

/// `DELETE /courses/{id}/review`.
pub async fn delete_review(course: &str) -> Result<(), ApiError> {
    let path = format!("/courses/{}/review", encode_component(course));
    request("DELETE", &path, None).await
}
