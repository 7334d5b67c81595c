//! Jieti reference server: implements the `/api/v1` contract over SQLite and serves the built app.

pub mod auth;
pub mod bench;
pub mod content;
pub mod db;
pub mod embed;
pub mod error;
pub mod http;
pub mod progress;
pub mod quality;
pub mod quiz;
pub mod search;
pub mod seed;
pub mod stats;
pub mod web;

use std::path::PathBuf;
use std::sync::Arc;

use axum::http::{header, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::trace::TraceLayer;

use crate::error::AppError;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: db::Db,
    inner: Arc<Paths>,
}

/// An institution's figures and the `figures_key` they were computed at.
type CachedFigures = ((i64, i64), Arc<db::analytics::InstitutionFigures>);

struct Paths {
    dist: Option<PathBuf>,
    media: PathBuf,
    email_limiter: auth::RateLimiter,
    address_limiter: auth::RateLimiter,
    index: std::sync::RwLock<Option<Arc<search::index::CatalogIndex>>>,
    rebuilding: tokio::sync::Mutex<()>,
    /// Item-analysis figures per institution, with the key they were computed at.
    figures: std::sync::Mutex<std::collections::HashMap<String, CachedFigures>>,
}

impl AppState {
    /// State over `db`, serving the built app from `dist` (when given) and media from `media`.
    pub fn new(db: db::Db, dist: Option<PathBuf>, media: PathBuf) -> Self {
        // Sign-in and sign-up: 10 attempts per email and 100 per client address per 15 minutes.
        // The address limit is loose because mobile carriers put many learners behind one address.
        let window = std::time::Duration::from_secs(15 * 60);
        let email_limiter = auth::RateLimiter::new(10, window);
        let address_limiter = auth::RateLimiter::new(100, window);
        AppState {
            db,
            inner: Arc::new(Paths {
                dist,
                media,
                email_limiter,
                address_limiter,
                index: std::sync::RwLock::new(None),
                rebuilding: tokio::sync::Mutex::new(()),
                figures: std::sync::Mutex::new(std::collections::HashMap::new()),
            }),
        }
    }

    /// The built app's folder, when the server serves it.
    pub fn dist(&self) -> Option<&PathBuf> {
        self.inner.dist.as_ref()
    }

    /// Limits sign-in and sign-up attempts per email.
    pub fn email_limiter(&self) -> &auth::RateLimiter {
        &self.inner.email_limiter
    }

    /// Limits sign-in and sign-up attempts per client address.
    pub fn address_limiter(&self) -> &auth::RateLimiter {
        &self.inner.address_limiter
    }

    /// An institution's item-analysis figures, computed again only when one of its quizzes has a
    /// new submission or new questions: the public institution page reads them on every visit,
    /// and a full analysis reads every first attempt's answers.
    pub async fn institution_figures(
        &self,
        institution_id: &str,
    ) -> error::AppResult<Arc<db::analytics::InstitutionFigures>> {
        let key = db::analytics::figures_key(&self.db, institution_id).await?;
        let cached = self.inner.figures.lock().ok().and_then(|m| {
            m.get(institution_id)
                .filter(|(k, _)| *k == key)
                .map(|(_, f)| f.clone())
        });
        if let Some(f) = cached {
            return Ok(f);
        }
        let figures = Arc::new(db::analytics::institution_figures(&self.db, institution_id).await?);
        if let Ok(mut m) = self.inner.figures.lock() {
            m.insert(institution_id.to_owned(), (key, figures.clone()));
        }
        Ok(figures)
    }

    /// The in-memory catalog index, rebuilt first if the catalog changed since it was built.
    pub async fn catalog_index(&self) -> Result<Arc<search::index::CatalogIndex>, sqlx::Error> {
        let version = db::get_meta(&self.db, search::CATALOG_VERSION_KEY)
            .await?
            .unwrap_or_default();
        let current = || {
            self.inner
                .index
                .read()
                .ok()
                .and_then(|g| g.clone())
                .filter(|ix| ix.version == version)
        };
        if let Some(ix) = current() {
            return Ok(ix);
        }
        // One rebuild at a time; requests that queued behind it use its result.
        let _guard = self.inner.rebuilding.lock().await;
        if let Some(ix) = current() {
            return Ok(ix);
        }
        let ix = Arc::new(search::index::CatalogIndex::build(&self.db, version).await?);
        if let Ok(mut slot) = self.inner.index.write() {
            *slot = Some(ix.clone());
        }
        Ok(ix)
    }

    /// Tells the catalog index a course's rating changed (a review), without a rebuild.
    pub fn rating_changed(&self, doc: i64, rating: f64) {
        if let Some(ix) = self.inner.index.read().ok().and_then(|g| g.clone()) {
            ix.set_rating(doc, rating);
        }
    }

    /// The media folder.
    pub fn media(&self) -> &PathBuf {
        &self.inner.media
    }
}

/// The whole HTTP application: `/api/v1`, `/media`, the embed pages and the app with its SPA fallback.
pub fn app(state: AppState) -> Router {
    // Bearer tokens, never cookies, so any origin may call the API (institutions run the app elsewhere).
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_NONE_MATCH,
        ])
        .expose_headers([header::ETAG]);
    let api = http::router().layer(CompressionLayer::new()).layer(cors);
    Router::new()
        .nest("/api/v1", api)
        .nest("/media", web::media_router(state.media()))
        // The embed pages: the one HTML documents other sites may frame (their CSP says which).
        .route("/embed/lesson/{id}", get(web::embed_lesson))
        .route("/embed/course/{id}", get(web::embed_course))
        .route("/embed/course/{id}/{lesson}", get(web::embed_course_lesson))
        .route("/embed/quiz/{id}", get(web::embed_quiz))
        .route("/embed/quiz/{id}/{attempt}", get(web::embed_quiz_attempt))
        .fallback(web::fallback)
        .layer(TraceLayer::new_for_http())
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    AppError::Internal("handler panicked".into()).into_response()
}

async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    res
}
