//! The `/api/v1` routes: one module per resource, each adding its routes to [`ApiRoutes`].

mod account;
mod catalog;
mod course;
mod dashboard;
mod embed;
mod learn;
mod meta;
mod quiz;

pub use meta::OPENAPI_JSON;

use std::hash::{DefaultHasher, Hash, Hasher};

use axum::body::Body;
use axum::extract::{FromRequestParts, OriginalUri, Query, Request};
use axum::handler::Handler;
use axum::http::{header, request::Parts, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use axum::Router;
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::AppState;

/// The API router being built, and the list of what it mounts (checked against the OpenAPI document).
pub struct ApiRoutes {
    router: Router<AppState>,
    mounted: Vec<(Method, &'static str)>,
}

impl ApiRoutes {
    fn new() -> Self {
        ApiRoutes {
            router: Router::new(),
            mounted: Vec::new(),
        }
    }

    fn add(mut self, method: Method, path: &'static str, route: MethodRouter<AppState>) -> Self {
        self.router = self.router.route(path, route);
        self.mounted.push((method, path));
        self
    }

    /// Mounts a GET handler at `path` (relative to `/api/v1`).
    pub fn get<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::GET, path, axum::routing::get(handler))
    }

    /// Mounts a POST handler.
    pub fn post<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::POST, path, axum::routing::post(handler))
    }

    /// Mounts a PUT handler.
    pub fn put<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::PUT, path, axum::routing::put(handler))
    }

    /// Mounts a DELETE handler.
    pub fn delete<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::DELETE, path, axum::routing::delete(handler))
    }
}

/// Every API route, as mounted.
pub fn api_routes() -> ApiRoutes {
    let routes = ApiRoutes::new();
    let routes = meta::routes(routes);
    let routes = catalog::routes(routes);
    let routes = course::routes(routes);
    let routes = account::routes(routes);
    let routes = learn::routes(routes);
    let routes = dashboard::routes(routes);
    let routes = embed::routes(routes);
    quiz::routes(routes)
}

/// The `(method, path)` pairs the API mounts, paths relative to `/api/v1`.
pub fn mounted_routes() -> Vec<(Method, &'static str)> {
    api_routes().mounted
}

/// The API router with its JSON fallbacks and caching headers.
pub fn router() -> Router<AppState> {
    api_routes()
        .router
        // OriginalUri: inside `nest` the request's own path has lost its `/api/v1` prefix.
        .fallback(|uri: OriginalUri| async move { AppError::RouteNotFound(uri.path().to_owned()) })
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .layer(axum::middleware::from_fn(etag))
}

/// `Query<T>` whose rejection is the contract's 400 error body.
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(rejection) => Err(AppError::BadRequest {
                message: rejection
                    .body_text()
                    .replace("Failed to deserialize query string: ", "invalid query: "),
                field: None,
            }),
        }
    }
}

/// `Json<T>` whose rejection (bad JSON, wrong fields, missing content type) is the contract's 400.
///
/// A number with no fraction is read as an integer, `3.0` as `3`: the document's `integer` is
/// JSON Schema's, which counts `3.0` as one, and some clients (Python's `json`) write floats so.
pub struct ApiJson<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bad = |message: String| AppError::BadRequest {
            message,
            field: None,
        };
        let axum::Json(mut value) = axum::Json::<serde_json::Value>::from_request(req, state)
            .await
            .map_err(|rejection| bad(rejection.body_text()))?;
        integral_numbers_as_integers(&mut value);
        serde_path_to_error::deserialize(value)
            .map(ApiJson)
            .map_err(|e| {
                bad(format!(
                    "Failed to deserialize the JSON body into the target type: {e}"
                ))
            })
    }
}

/// Rewrites every float in `value` that is a whole number in `i64`/`u64` range as that integer.
fn integral_numbers_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) => {
            // 2^63: whole floats in [-2^63, 2^64) convert exactly; larger ones stay floats.
            const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
            if let Some(f) = n.as_f64().filter(|f| n.is_f64() && f.fract() == 0.0) {
                if (0.0..2.0 * TWO_POW_63).contains(&f) {
                    *n = (f as u64).into();
                } else if (-TWO_POW_63..0.0).contains(&f) {
                    *n = (f as i64).into();
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers_as_integers),
        Value::Object(map) => map.values_mut().for_each(integral_numbers_as_integers),
        _ => {}
    }
}

/// `Path<T>` whose rejection is the contract's 400.
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(rejection) => Err(AppError::BadRequest {
                message: rejection.body_text(),
                field: None,
            }),
        }
    }
}

/// The client's address, when the server was started with connection info (not in `oneshot` tests).
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

/// Marks a response as public catalog data that browsers and CDNs may cache briefly.
pub fn public_cache<R: IntoResponse>(body: R) -> Response {
    let mut res = body.into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60, stale-while-revalidate=600"),
    );
    res
}

/// Largest body the ETag layer buffers; bigger responses go out without an ETag.
const ETAG_MAX_BODY: usize = 4 << 20;

/// Adds a weak ETag to successful GET responses and answers `If-None-Match` with 304,
/// so a learner on a slow network re-downloads nothing that has not changed.
async fn etag(req: Request, next: Next) -> Response {
    // HEAD bodies are stripped before this layer, so they would get the empty body's tag.
    let is_get = req.method() == Method::GET;
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    let res = next.run(req).await;
    if !is_get || res.status() != StatusCode::OK {
        return res;
    }
    let too_big = axum::body::HttpBody::size_hint(res.body())
        .upper()
        .is_none_or(|n| n > ETAG_MAX_BODY as u64);
    if too_big {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, ETAG_MAX_BODY).await {
        Ok(b) => b,
        Err(e) => return AppError::Internal(format!("buffering response: {e}")).into_response(),
    };
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    let tag = format!("W/\"{:016x}\"", hasher.finish());
    if !parts.headers.contains_key(header::CACHE_CONTROL) {
        parts
            .headers
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    let matches = if_none_match
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
    if let Ok(value) = HeaderValue::from_str(&tag) {
        parts.headers.insert(header::ETAG, value);
    }
    if matches {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::integral_numbers_as_integers;
    use serde_json::json;

    #[test]
    fn whole_floats_become_integers_and_the_rest_stay() {
        let mut v = json!({
            "rating": 3.0, "neg": -2.0, "zero": -0.0, "half": 2.5, "int": 7,
            "huge": 1e300, "two_pow_64": 18_446_744_073_709_551_616.0,
            "nested": [{"block": 117193929.0}], "text": "3.0"
        });
        integral_numbers_as_integers(&mut v);
        assert_eq!(
            v,
            json!({
                "rating": 3, "neg": -2, "zero": 0, "half": 2.5, "int": 7,
                "huge": 1e300, "two_pow_64": 18_446_744_073_709_551_616.0,
                "nested": [{"block": 117193929}], "text": "3.0"
            })
        );
        assert!(v["rating"].is_u64() && v["neg"].is_i64() && v["huge"].is_f64());
        assert!(v["two_pow_64"].is_f64());
    }
}
