//! Quiz calls. They return the parsed JSON; the quiz pages read the fields they need by hand
//! (`quiz/widgets.rs`), as the player does, to keep the wasm small.

use jieti_api::encode_component;
use wasm_bindgen::JsValue;

use super::{get_value, send_value, ApiError};

fn enc(id: &str) -> String {
    encode_component(id)
}

/// `GET /quizzes/{id}`: the quiz's rules and the learner's attempts.
pub async fn get_quiz(id: &str) -> Result<JsValue, ApiError> {
    get_value(&format!("/quizzes/{}", enc(id))).await
}

/// `POST /quizzes/{id}/attempts`: starts an attempt, or returns the one in progress.
pub async fn start_attempt(id: &str) -> Result<JsValue, ApiError> {
    send_value("POST", &format!("/quizzes/{}/attempts", enc(id)), None).await
}

/// `GET /attempts/{id}`.
pub async fn get_attempt(id: &str) -> Result<JsValue, ApiError> {
    get_value(&format!("/attempts/{}", enc(id))).await
}

/// `PUT /attempts/{id}/answers` with a ready body `{"answers": {…}}`.
pub async fn save_answers(id: &str, body: String) -> Result<JsValue, ApiError> {
    send_value("PUT", &format!("/attempts/{}/answers", enc(id)), Some(body)).await
}

/// `POST /attempts/{id}/check` with `{"question_id", "answer"}`: practice feedback.
pub async fn check_answer(id: &str, body: String) -> Result<JsValue, ApiError> {
    send_value("POST", &format!("/attempts/{}/check", enc(id)), Some(body)).await
}

/// `POST /attempts/{id}/submit` with `{"submission_id", "answers"}` (idempotent).
pub async fn submit(id: &str, body: String) -> Result<JsValue, ApiError> {
    send_value("POST", &format!("/attempts/{}/submit", enc(id)), Some(body)).await
}

/// `GET /mistakes`: the wrong-answer book, due first.
pub async fn get_mistakes() -> Result<JsValue, ApiError> {
    get_value("/mistakes").await
}

/// `POST /mistakes/{question_id}/review` with `{"answer"}`.
pub async fn review(question_id: &str, body: String) -> Result<JsValue, ApiError> {
    send_value(
        "POST",
        &format!("/mistakes/{}/review", enc(question_id)),
        Some(body),
    )
    .await
}
