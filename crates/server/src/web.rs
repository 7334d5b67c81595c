//! Static files: the built app (with SPA fallback and long-lived hashed assets) and lesson media.

use std::path::Path;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::AppError;
use crate::AppState;

/// Media files (video renditions, captions, posters) with HTTP range requests.
///
/// Open to any origin (captions are fetched cross-origin when the app runs elsewhere). Files keep
/// their names when regenerated, so they are cached for a day, not forever.
pub fn media_router(media: &Path) -> Router<AppState> {
    Router::new()
        .fallback_service(ServeDir::new(media).append_index_html_on_directories(false))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=86400"),
        ))
        .layer(
            tower_http::cors::CorsLayer::new()
                .allow_origin(tower_http::cors::Any)
                .allow_methods([axum::http::Method::GET])
                .allow_headers([header::RANGE])
                .expose_headers([
                    header::CONTENT_RANGE,
                    header::ACCEPT_RANGES,
                    header::CONTENT_LENGTH,
                ]),
        )
}

/// Whether a file name carries trunk's content hash (`app-1a2b3c4d5e6f7a8b_bg.wasm`), so it never changes.
///
/// Trunk prints the hash as a number, so it can be shorter than 16 digits.
pub fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.split(['-', '_', '.'])
        .any(|part| (12..=16).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Everything that no route matched: unknown API paths get the JSON 404, the rest is the app.
pub async fn fallback(State(state): State<AppState>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    if path == "/api" || path.starts_with("/api/") {
        return AppError::RouteNotFound(path).into_response();
    }
    let Some(dist) = state.dist() else {
        return AppError::NotFound("the app is not built; run `trunk build --release`".into())
            .into_response();
    };
    let index = dist.join("index.html");
    let (method, headers) = (req.method().clone(), req.headers().clone());
    let last = path.rsplit('/').next().unwrap_or("");
    let looks_like_file = last.contains('.');
    let res = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(true)
        .oneshot(req)
        .await
        .map(|r| r.map(Body::new));
    let mut found_file = false;
    let mut res = match res {
        Ok(r) if r.status() != StatusCode::NOT_FOUND => {
            found_file = true;
            r
        }
        // A missing file is a 404; any other path is a route of the app (a deep link).
        _ if looks_like_file => return (StatusCode::NOT_FOUND, "not found").into_response(),
        _ => {
            let mut req = Request::new(Body::empty());
            *req.method_mut() = method;
            *req.headers_mut() = headers;
            match ServeFile::new(&index)
                .precompressed_br()
                .precompressed_gzip()
                .oneshot(req)
                .await
            {
                Ok(r) => r.map(Body::new),
                Err(e) => {
                    return AppError::Internal(format!("serving index.html: {e}")).into_response()
                }
            }
        }
    };
    // Only a real hashed file is immutable; the shell served for a deep link never is.
    let cache = if found_file && res.status().is_success() && is_hashed_asset(&path) {
        "public, max-age=31536000, immutable"
    } else {
        // index.html and unhashed files: always revalidate, so a new release is picked up at once.
        "no-cache"
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn hashed_assets_are_recognised() {
        assert!(is_hashed_asset("/jieti-3f2a9c1b7d6e5f40_bg.wasm"));
        assert!(is_hashed_asset("/stylers-0123456789abcdef.css"));
        assert!(is_hashed_asset("/jieti-44fa91871463fcf.js"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/courses/python-data-analysis"));
        assert!(!is_hashed_asset("/embed.js"));
    }
}
