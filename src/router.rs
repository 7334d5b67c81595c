//! A small client-side router: the URL as a signal, same-origin link interception, history.
//!
//! Replaces `leptos_router`, which cost the first load about 10 KB brotli for features we do not
//! use (nested routes, suspense-aware transitions, server integration). Pages read the URL through
//! [`use_url`] and change it with [`navigate`]; plain `<a href>` links just work.

use jieti_api::encode_component;
use wasm_bindgen::{closure::Closure, JsCast};

use crate::prelude::*;

/// The app's current URL: path and decoded query pairs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Url {
    /// The path, percent-decoded per segment by [`Url::segments`] (kept raw here).
    pub path: String,
    /// The query's `name=value` pairs, decoded, in order.
    pub query: Vec<(String, String)>,
}

impl Url {
    /// Parses a `pathname` and a `search` (with or without its `?`).
    pub fn parse(path: &str, search: &str) -> Url {
        let query = search
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(k), decode(v))
            })
            .collect();
        Url {
            path: if path.is_empty() {
                "/".into()
            } else {
                path.into()
            },
            query,
        }
    }

    /// The first value of a query parameter, when present and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// This URL as an href.
    pub fn href(&self) -> String {
        let query: Vec<String> = self
            .query
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
            .collect();
        if query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, query.join("&"))
        }
    }

    /// The href of this URL with `name` set to `value` (removed when None) and back on page 1.
    pub fn with(&self, name: &str, value: Option<&str>) -> String {
        let mut next = self.clone();
        next.query.retain(|(k, _)| k != name && k != "page");
        if let Some(v) = value {
            next.query.push((name.to_owned(), v.to_owned()));
        }
        next.href()
    }

    /// The href of this URL at page `n` (page 1 has no parameter).
    pub fn at_page(&self, n: u32) -> String {
        let mut next = self.clone();
        next.query.retain(|(k, _)| k != "page");
        if n > 1 {
            next.query.push(("page".into(), n.to_string()));
        }
        next.href()
    }

    /// The path's segments, percent-decoded (`/courses/a%20b` → `["courses", "a b"]`).
    pub fn segments(&self) -> Vec<String> {
        self.path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(decode)
            .collect()
    }
}

/// Decodes a query or path component (`+` is a space in queries; bad escapes stay as they are).
fn decode(s: &str) -> String {
    let s = s.replace('+', " ");
    js_sys::decode_uri_component(&s)
        .ok()
        .and_then(|d| d.as_string())
        .unwrap_or(s)
}

thread_local! {
    /// The URL signal. Global rather than context: navigations also start from DOM listeners,
    /// which run outside any reactive owner.
    static URL: std::cell::Cell<Option<RwSignal<Url>>> = const { std::cell::Cell::new(None) };
}

fn url_signal() -> RwSignal<Url> {
    URL.with(|u| {
        u.get().unwrap_or_else(|| {
            let url = RwSignal::new(current_url());
            u.set(Some(url));
            url
        })
    })
}

fn current_url() -> Url {
    let location = window().location();
    Url::parse(
        &location.pathname().unwrap_or_default(),
        &location.search().unwrap_or_default(),
    )
}

/// Starts routing: reads the current URL, follows back/forward, and turns clicks on same-origin
/// links into history navigations.
pub fn provide_router() {
    let url = url_signal();
    let on_pop = Closure::<dyn Fn()>::new(move || url.set(current_url()));
    let _ = window().add_event_listener_with_callback("popstate", on_pop.as_ref().unchecked_ref());
    on_pop.forget();
    let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
        if let Some(href) = link_target(&ev) {
            ev.prevent_default();
            // In a task of its own: the tap's input handling (pointer events, focus, hit tests)
            // and the new URL's page updates would make one long task on a slow phone.
            set_timeout(move || navigate(&href, false), std::time::Duration::ZERO);
        }
    });
    let _ = document().add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    on_click.forget();
}

/// The in-app href of a click the router should handle, or None to let the browser do it.
fn link_target(ev: &web_sys::MouseEvent) -> Option<String> {
    if ev.default_prevented()
        || ev.button() != 0
        || ev.meta_key()
        || ev.ctrl_key()
        || ev.shift_key()
        || ev.alt_key()
    {
        return None;
    }
    let target: web_sys::Element = ev.target()?.dyn_into().ok()?;
    let a = target.closest("a[href]").ok()??;
    if a.has_attribute("download")
        || a.get_attribute("target").is_some_and(|t| t != "_self")
        || a.get_attribute("rel")
            .is_some_and(|r| r.split_ascii_whitespace().any(|w| w == "external"))
    {
        return None;
    }
    let href = a.get_attribute("href")?;
    // Only app-absolute paths: other origins, schemes, bare fragments, and the server's own
    // paths (API, media files) go to the browser.
    let app_path = href.starts_with('/')
        && !href.starts_with("//")
        && !href.starts_with("/api/")
        && !href.starts_with("/media/");
    app_path.then_some(href)
}

/// The current URL (tracked).
pub fn use_url() -> Memo<Url> {
    let url = url_signal();
    Memo::new(move |_| url.get())
}

/// Goes to an app path (`/x?y`), adding a history entry, or replacing the current one.
pub fn navigate(href: &str, replace: bool) {
    let url = url_signal();
    let (path, search) = href.split_once('?').unwrap_or((href, ""));
    let next = Url::parse(path, search);
    if let Ok(history) = window().history() {
        let result = if replace {
            history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(href))
        } else {
            history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(href))
        };
        if result.is_err() {
            return;
        }
    }
    let new_page = url.with_untracked(|u| u.path != next.path);
    url.set(next);
    if new_page && !replace {
        window().scroll_to_with_x_and_y(0.0, 0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::Url;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn parses_query_and_segments() {
        let url = Url::parse(
            "/courses/a%20b",
            "?q=%E7%94%B5%E5%95%86+x&page=2&empty=&flag",
        );
        assert_eq!(url.segments(), vec!["courses", "a b"]);
        assert_eq!(url.get("q"), Some("电商 x"));
        assert_eq!(url.get("page"), Some("2"));
        assert_eq!(url.get("empty"), None);
        assert_eq!(url.get("flag"), None);
        assert_eq!(Url::parse("", "").path, "/");
        assert_eq!(url.with("q", Some("a&b")), "/courses/a%20b?q=a%26b");
        assert_eq!(
            url.with("page", None),
            "/courses/a%20b?q=%E7%94%B5%E5%95%86%20x"
        );
        assert_eq!(
            url.at_page(3),
            "/courses/a%20b?q=%E7%94%B5%E5%95%86%20x&page=3"
        );
        // A malformed escape is kept as typed rather than failing.
        assert_eq!(Url::parse("/", "q=100%").get("q"), Some("100%"));
    }
}
