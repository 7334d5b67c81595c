//! The only code that touches the network. One file per resource; every call returns
//! `Result<T, ApiError>`, and an in-flight request is aborted when its future is dropped.

pub mod account;
pub mod catalog;
pub mod dashboard;
pub mod embed;
pub mod learn;
pub mod quiz;

use futures_util::future::{abortable, AbortHandle};
use jieti_api::{ErrorBody, ErrorCode, API_BASE};
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::prelude::*;

/// Why an API call failed.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// No response: offline, DNS, CORS, or the connection dropped.
    Network(String),
    /// The server answered with an error status and (usually) the contract's error body.
    Status {
        /// HTTP status.
        status: u16,
        /// The error code from the body, when it had one.
        code: Option<ErrorCode>,
        /// The message from the body, or the status text.
        message: String,
        /// The request field the error is about, when the body names one.
        field: Option<String>,
    },
    /// The response was JSON, but not the shape the contract promises.
    Decode(String),
}

impl ApiError {
    /// Whether retrying later may succeed: network trouble (answers that are not the API's at all,
    /// such as a captive portal's login page sent as 200, count as network), server errors, and
    /// answers of the wrong shape (a server being upgraded).
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Network(_) | ApiError::Decode(_) => true,
            ApiError::Status { status, .. } => *status >= 500 || *status == 429 || *status == 408,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Network(m) => write!(f, "network error: {m}"),
            ApiError::Status {
                status, message, ..
            } => write!(f, "HTTP {status}: {message}"),
            ApiError::Decode(m) => write!(f, "bad response: {m}"),
        }
    }
}

/// Base URL of the API: `<meta name="jieti-api-base">` when set, else the build's
/// `JIETI_API_BASE`, else this origin. No trailing slash.
pub fn api_base() -> String {
    let from_meta = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("meta[name=jieti-api-base]").ok().flatten())
        .and_then(|m| m.get_attribute("content"))
        .filter(|s| !s.trim().is_empty());
    let base = from_meta
        .or_else(|| option_env!("JIETI_API_BASE").map(str::to_owned))
        .unwrap_or_default();
    format!("{}{API_BASE}", base.trim().trim_end_matches('/'))
}

/// Aborts the fetch when dropped: a superseded resource future cancels its request.
struct AbortOnDrop(Option<web_sys::AbortController>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(c) = &self.0 {
            c.abort();
        }
    }
}

fn js_message(e: &wasm_bindgen::JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        // Not `{e:?}`: JsValue's Debug formats numbers, which drags float formatting into the wasm.
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// GETs `path` (relative to the API base, with its query) and decodes the JSON body.
pub async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    request("GET", path, None).await
}

/// A JSON request body from `name → value` pairs (JSON.stringify of a plain object: less wasm than
/// a serde serializer for the few small bodies the app sends).
pub fn json_body(fields: &[(&str, wasm_bindgen::JsValue)]) -> String {
    let object = js_sys::Object::new();
    for (name, value) in fields {
        let _ = js_sys::Reflect::set(&object, &(*name).into(), value);
    }
    js_sys::JSON::stringify(&object)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

/// Sends `method path` with an optional JSON body and the learner's bearer token, and decodes the
/// JSON answer (`()` for a 204).
pub async fn request<T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<String>,
) -> Result<T, ApiError> {
    let value = fetch_value(method, path, body, false).await?;
    serde_wasm_bindgen::from_value(value).map_err(|e| ApiError::Decode(e.to_string()))
}

/// GETs `path` and returns the parsed JSON as a JS value, for callers that read a few fields
/// by hand instead of decoding whole types (the learning player keeps its wasm small this way).
pub async fn get_value(path: &str) -> Result<wasm_bindgen::JsValue, ApiError> {
    fetch_value("GET", path, None, false).await
}

/// Sends `method path` with an optional JSON body and returns the parsed JSON answer as a JS
/// value (read by hand, like [`get_value`]).
pub async fn send_value(
    method: &str,
    path: &str,
    body: Option<String>,
) -> Result<wasm_bindgen::JsValue, ApiError> {
    fetch_value(method, path, body, false).await
}

/// Sends `method path` with `keepalive` (the browser finishes it even if the page closes) and
/// ignores the answer's body: for syncing progress as the learner leaves.
pub async fn send_keepalive(
    method: &str,
    path: &str,
    body: Option<String>,
) -> Result<(), ApiError> {
    fetch_value(method, path, body, true).await.map(|_| ())
}

/// The answer index.html's start-up script already requested for `url` with the same `token`
/// (the first page's GETs, in `window.jietiPrefetch` by `url#token`), taken so it is used once.
/// One asked without a token serves any token too: the script asks without one only for public
/// URLs, and a token that came since is the guest the app made at start (in the background, so
/// it may be there before the page asks: a race the first-load test lost in a clean-clone run).
fn prefetched(method: &str, url: &str, token: &str) -> Option<js_sys::Promise> {
    if method != "GET" {
        return None;
    }
    let store = js_sys::Reflect::get(&web_sys::window()?.into(), &"jietiPrefetch".into()).ok()?;
    [token, ""].into_iter().find_map(|t| {
        let key = wasm_bindgen::JsValue::from_str(&[url, "#", t].concat());
        let promise = js_sys::Reflect::get(&store, &key).ok()?.dyn_into().ok()?;
        let _ = js_sys::Reflect::delete_property(store.dyn_ref::<js_sys::Object>()?, &key);
        Some(promise)
    })
}

/// How long a request may take, answer and body, before it fails as a network error: a request
/// hanging on a dead mobile link would otherwise leave a page loading for ever. Long enough for
/// a lesson's JSON at 2G speed. `window.jietiTimeoutMs` overrides it (tests, very slow links).
const TIMEOUT_MS: i32 = 20_000;

/// Aborts `controller` after the timeout, with a reason the error view can show; the timer's id.
fn abort_later(window: &web_sys::Window, controller: &web_sys::AbortController) -> Option<i32> {
    let ms = js_sys::Reflect::get(window, &"jietiTimeoutMs".into())
        .ok()
        .and_then(|v| v.as_f64())
        .filter(|v| *v > 0.0)
        .map_or(TIMEOUT_MS, |v| v as i32);
    // `controller.abort.bind(controller, reason)`: a timer without a Rust closure to keep alive.
    let abort: js_sys::Function = js_sys::Reflect::get(controller, &"abort".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let bound: js_sys::Function = abort
        .bind1(controller, &"the request timed out".into())
        .unchecked_into();
    window
        .set_timeout_with_callback_and_timeout_and_arguments_0(&bound, ms)
        .ok()
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `JSON.parse` on a JS string as it is (js-sys' binding takes a Rust `&str`).
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn json_parse(
        text: &wasm_bindgen::JsValue,
    ) -> Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>;
}

/// The untyped half of [`request`], shared by every response type.
async fn fetch_value(
    method: &str,
    path: &str,
    body: Option<String>,
    keepalive: bool,
) -> Result<wasm_bindgen::JsValue, ApiError> {
    let window = web_sys::window().ok_or_else(|| ApiError::Network("no window".into()))?;
    let controller = web_sys::AbortController::new().ok();
    let guard = AbortOnDrop(controller);
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    if keepalive {
        // Not in web-sys's stable RequestInit API; it is a plain dictionary member.
        let _ = js_sys::Reflect::set(&init, &"keepalive".into(), &true.into());
    }
    if let Some(c) = &guard.0 {
        init.set_signal(Some(&c.signal()));
    }
    // A keepalive send outlives the page and is retried from the outbox anyway.
    let timer = guard
        .0
        .as_ref()
        .filter(|_| !keepalive)
        .and_then(|c| abort_later(&window, c));
    let headers = web_sys::Headers::new().map_err(|e| ApiError::Network(js_message(&e)))?;
    let _ = headers.set("Accept", "application/json");
    let token = crate::state::session::token();
    if let Some(token) = &token {
        let _ = headers.set("Authorization", &format!("Bearer {token}"));
    }
    if let Some(body) = &body {
        let _ = headers.set("Content-Type", "application/json");
        init.set_body(&body.into());
    }
    init.set_headers(&headers);
    let url = format!("{}{path}", api_base());
    let request = web_sys::Request::new_with_str_and_init(&url, &init)
        .map_err(|e| ApiError::Network(js_message(&e)))?;
    // index.html's start-up script may have asked for this already, while the wasm loaded.
    let pending = prefetched(method, &url, token.as_deref().unwrap_or_default())
        .unwrap_or_else(|| window.fetch_with_request(&request));
    let response: web_sys::Response = JsFuture::from(pending)
        .await
        .map_err(|e| ApiError::Network(js_message(&e)))?
        .unchecked_into();
    let text = match response.text() {
        Ok(p) => JsFuture::from(p)
            .await
            .map_err(|e| ApiError::Network(js_message(&e)))?,
        Err(e) => return Err(ApiError::Network(js_message(&e))),
    };
    if let Some(id) = timer {
        window.clear_timeout_with_handle(id);
    }
    drop(guard);
    // The browser's JSON.parse, then serde over the JS values: less wasm than serde_json's parser.
    // The text stays a JS string: copying it into wasm and back cost ~3 ms per page of results
    // on a slow phone. An empty body (204) reads as null.
    let empty = text
        .dyn_ref::<js_sys::JsString>()
        .is_none_or(|t| t.length() == 0);
    let parsed = if empty {
        Ok(wasm_bindgen::JsValue::NULL)
    } else {
        json_parse(&text)
    };
    if !response.ok() {
        let body = parsed
            .ok()
            .and_then(|v| serde_wasm_bindgen::from_value::<ErrorBody>(v).ok());
        return Err(ApiError::Status {
            status: response.status(),
            code: body.as_ref().map(|b| b.error.code),
            field: body.as_ref().and_then(|b| b.error.field.clone()),
            message: body
                .map(|b| b.error.message)
                .unwrap_or_else(|| response.status_text()),
        });
    }
    // A success whose body is not JSON did not come from the API: a Wi-Fi login page, a proxy's
    // page, or an answer cut short. The network is at fault, and the learner is told so.
    parsed.map_err(|e| ApiError::Network(format!("the answer is not JSON ({})", js_message(&e))))
}

/// A request's state for a view: the last result (kept while a newer request loads) and whether
/// one is in flight.
pub struct Fetch<T: Send + Sync + 'static> {
    data: RwSignal<Option<Result<T, ApiError>>>,
    loading: RwSignal<bool>,
    version: RwSignal<u32>,
}

impl<T: Send + Sync + 'static> Clone for Fetch<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Fetch<T> {}

impl<T: Clone + Send + Sync + 'static> Fetch<T> {
    /// The last result, or None before the first one arrives (tracked).
    pub fn get(&self) -> Option<Result<T, ApiError>> {
        self.data.get()
    }

    /// Reads the last result in place, without cloning it (tracked).
    pub fn with<R>(&self, f: impl FnOnce(Option<&Result<T, ApiError>>) -> R) -> R {
        self.data.with(|d| f(d.as_ref()))
    }

    /// Whether a request is in flight (tracked).
    pub fn loading(&self) -> bool {
        self.loading.get()
    }

    /// Makes the request again.
    pub fn refetch(&self) {
        self.version.update(|v| *v = v.wrapping_add(1));
    }
}

/// Runs `fetcher` now and whenever the signals it reads change (or on `refetch`).
///
/// A newer request cancels the one in flight (its fetch is aborted), and so does the view going
/// away; a result is never written after the view is gone.
///
/// Lighter than `LocalResource` + `<Suspense>` (about 20 KB less wasm) and enough for our views.
/// Only the small closure below is generated per result type; the scheduling is shared.
pub fn use_fetch<T, Fut>(fetcher: impl Fn() -> Fut + 'static) -> Fetch<T>
where
    T: Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, ApiError>> + 'static,
{
    let data = RwSignal::new(None::<Result<T, ApiError>>);
    let loading = RwSignal::new(true);
    let version = RwSignal::new(0u32);
    let failed = move || data.with_untracked(|d| matches!(d, Some(Err(_))));
    let clear = move || data.set(None);
    let start = move || -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>> {
        let request = fetcher();
        Box::pin(async move {
            let result = request.await;
            let _ = data.try_set(Some(result));
        })
    };
    drive(
        version,
        loading,
        Box::new(start),
        Box::new(failed),
        Box::new(clear),
    );
    Fetch {
        data,
        loading,
        version,
    }
}

/// The type-independent part of [`use_fetch`]: re-runs `start` when what it reads changes,
/// aborting the previous run, and tracks `loading`.
fn drive(
    version: RwSignal<u32>,
    loading: RwSignal<bool>,
    start: Box<dyn Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>>,
    failed: Box<dyn Fn() -> bool>,
    clear: Box<dyn Fn()>,
) {
    let current = StoredValue::new_local(None::<AbortHandle>);
    let first = StoredValue::new_local(true);
    let start = send_wrapper::SendWrapper::new((start, failed, clear));
    Effect::new(move |_| {
        version.track();
        let (start, failed, clear) = &*start;
        let request = start();
        // A new request because something changed (a filter tapped, a retry) goes out in the
        // next task: the tap's own task then only updates what was tapped, and stays short.
        let again = !first.get_value();
        first.set_value(false);
        let request = async move {
            if again {
                crate::components::dom::next_task().await;
            }
            request.await
        };
        if let Some(previous) = current.get_value() {
            previous.abort();
        }
        // After a failure, a retry shows the loading state rather than the old error.
        if failed() {
            clear();
        }
        let (request, handle) = abortable(request);
        current.set_value(Some(handle));
        loading.set(true);
        crate::prelude::spawn_local(async move {
            if request.await.is_ok() {
                let _ = loading.try_set(false);
            }
        });
    });
    on_cleanup(move || {
        if let Some(handle) = current.try_get_value().flatten() {
            handle.abort();
        }
    });
}
