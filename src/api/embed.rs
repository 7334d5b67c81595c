//! Embed settings calls (staff): the origins allowed to frame the player and the token secret.

use jieti_api::encode_component;
use wasm_bindgen::JsValue;

use super::{get_value, send_value, ApiError};

fn path(id: &str) -> String {
    format!("/institutions/{}/embed", encode_component(id))
}

/// `GET /institutions/{id}/embed`: allowlist and token secret (staff of it, admins).
pub async fn get_settings(id: &str) -> Result<JsValue, ApiError> {
    get_value(&path(id)).await
}

/// `PUT /institutions/{id}/embed` with a ready `{"origins": […]}` body.
pub async fn put_origins(id: &str, body: String) -> Result<JsValue, ApiError> {
    send_value("PUT", &path(id), Some(body)).await
}

/// `POST /institutions/{id}/embed/secret`: a new token secret (old tokens stop working).
pub async fn rotate_secret(id: &str) -> Result<JsValue, ApiError> {
    send_value("POST", &format!("{}/secret", path(id)), None).await
}
