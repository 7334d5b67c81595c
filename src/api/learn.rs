//! Learning calls: lessons, course progress, progress events and notes. They return the parsed
//! JSON; the player reads the fields it needs (`player/data.rs`), which keeps its wasm small.

use jieti_api::encode_component;
use wasm_bindgen::JsValue;

use super::{get_value, send_keepalive, ApiError};

/// `GET /courses/{id}`: the course (the player reads its title and syllabus).
pub async fn get_course(course: &str) -> Result<JsValue, ApiError> {
    get_value(&format!("/courses/{}", encode_component(course))).await
}

/// `GET /lessons/{id}`: the lesson with its media or blocks.
pub async fn get_lesson(id: &str) -> Result<JsValue, ApiError> {
    get_value(&format!("/lessons/{}", encode_component(id))).await
}

/// `GET /courses/{id}/progress`: the learner's progress through a course.
pub async fn get_course_progress(course: &str) -> Result<JsValue, ApiError> {
    get_value(&format!("/courses/{}/progress", encode_component(course))).await
}

/// `GET /lessons/{id}/notes`: the learner's notes in a lesson.
pub async fn get_notes(lesson: &str) -> Result<JsValue, ApiError> {
    get_value(&format!("/lessons/{}/notes", encode_component(lesson))).await
}

/// `POST /progress/events` with a ready JSON body `{"events": […]}`.
pub async fn post_progress_events(body: String) -> Result<(), ApiError> {
    send_keepalive("POST", "/progress/events", Some(body)).await
}

/// `PUT /notes/{id}` with a ready JSON body of the note.
pub async fn put_note(id: &str, body: String) -> Result<(), ApiError> {
    send_keepalive(
        "PUT",
        &format!("/notes/{}", encode_component(id)),
        Some(body),
    )
    .await
}

/// `DELETE /notes/{id}` (idempotent).
pub async fn delete_note(id: &str) -> Result<(), ApiError> {
    send_keepalive("DELETE", &format!("/notes/{}", encode_component(id)), None).await
}
