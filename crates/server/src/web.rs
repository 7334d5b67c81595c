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
use crate::http::ApiPath;
use crate::{db, embed, AppState};

/// What every HTML page we serve (the app and the embeds) may load. Scripts only from this
/// origin: no inline script (the build moves it into files, scripts/release.js), no `eval`, wasm
/// compiled by the browser; so markup that user content ever managed to inject could not run.
/// Styles may be inline (the shell inlines its CSS; a style cannot run code). Images and media
/// may come from any https host (an institution's CDN); requests go to this origin only.
macro_rules! document_policy {
    () => {
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; \
         media-src 'self' blob: https:; font-src 'self' data:; connect-src 'self'; \
         worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'"
    };
}

/// The CSP of the app's pages: [`document_policy`], and only we may frame them (clickjacking
/// defence).
pub const APP_CSP: &str = concat!(document_policy!(), "; frame-ancestors 'self'");

/// The CSP of an embed page that `origins` (an institution's allowlist) may frame.
pub fn embed_csp(origins: &[String]) -> String {
    format!(
        "{}; {}",
        document_policy!(),
        embed::frame_ancestors(origins)
    )
}

fn not_built() -> Response {
    AppError::NotFound("the app is not built; run `trunk build --release`".into()).into_response()
}

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
        return not_built();
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
    if is_html(&res) {
        res.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(APP_CSP),
        );
    }
    res
}

fn is_html(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"))
}

/// `GET /embed/lesson/{id}`: the embed page for one lesson.
pub async fn embed_lesson(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    req: Request,
) -> Response {
    embed_page(&state, jieti_api::EmbedKind::Lesson, &id, req).await
}

/// `GET /embed/course/{id}`: the embed page for a whole course.
pub async fn embed_course(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    req: Request,
) -> Response {
    embed_page(&state, jieti_api::EmbedKind::Course, &id, req).await
}

/// `GET /embed/course/{id}/{lesson}`: the course embed opened at one of its lessons.
pub async fn embed_course_lesson(
    State(state): State<AppState>,
    ApiPath((id, _lesson)): ApiPath<(String, String)>,
    req: Request,
) -> Response {
    embed_page(&state, jieti_api::EmbedKind::Course, &id, req).await
}

/// `GET /embed/quiz/{id}`: the embed page for one quiz.
pub async fn embed_quiz(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    req: Request,
) -> Response {
    embed_page(&state, jieti_api::EmbedKind::Quiz, &id, req).await
}

/// `GET /embed/quiz/{id}/{attempt}`: the quiz embed opened at one attempt.
pub async fn embed_quiz_attempt(
    State(state): State<AppState>,
    ApiPath((id, _attempt)): ApiPath<(String, String)>,
    req: Request,
) -> Response {
    embed_page(&state, jieti_api::EmbedKind::Quiz, &id, req).await
}

/// The origins allowed to frame an embed of `id`: its institution's allowlist; none when `id` is
/// unknown (the page shows its own not-found) or the database fails (refusing is the safe side).
async fn embed_origins(state: &AppState, kind: jieti_api::EmbedKind, id: &str) -> Vec<String> {
    let origins = match db::embed::institution_of(&state.db, kind, id).await {
        Ok(Some(institution)) => db::embed::origins(&state.db, &institution).await,
        Ok(None) => Ok(Vec::new()),
        Err(e) => Err(e),
    };
    origins.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "reading embed origins; framing allowed for 'self' only");
        Vec::new()
    })
}

/// `dist/embed.html` (`dist/embed-quiz.html` for quizzes: the same page with the quiz's wasm),
/// precompressed when the client accepts it, framable by the allowlist of the
/// institution that owns `id`. Revalidated on every load so an allowlist edit applies at once.
async fn embed_page(
    state: &AppState,
    kind: jieti_api::EmbedKind,
    id: &str,
    req: Request,
) -> Response {
    let Some(dist) = state.dist() else {
        return not_built();
    };
    let csp = embed_csp(&embed_origins(state, kind, id).await);
    // ServeFile serves its one file whatever the request's path.
    let page = if kind == jieti_api::EmbedKind::Quiz {
        "embed-quiz.html"
    } else {
        "embed.html"
    };
    let res = ServeFile::new(dist.join(page))
        .precompressed_br()
        .precompressed_gzip()
        .oneshot(req)
        .await;
    let mut res = match res {
        Ok(r) if r.status() == StatusCode::NOT_FOUND => return not_built(),
        Ok(r) => r.map(Body::new),
        Err(e) => return AppError::Internal(format!("serving embed.html: {e}")).into_response(),
    };
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // Normalised origins are plain ASCII, so this cannot fail; if it did, 'self' alone is safe.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_str(&csp).unwrap_or(HeaderValue::from_static(APP_CSP)),
    );
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
