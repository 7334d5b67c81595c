//! Jieti: a Leptos client-side-rendered learning app for vocational and lifelong education.

pub mod api;
pub mod app;
pub mod components;
pub mod i18n;
pub mod lazy;
pub mod router;
pub mod state;

mod account;
mod dashboard;
mod discovery;
pub mod embed;
mod player;
mod quiz;

use wasm_bindgen::JsCast;

/// Id of the element the app mounts into (it holds the static shell until then).
const ROOT_ID: &str = "app";

/// Installs the panic hook and mounts the app over the static shell in `#app`.
pub fn start() {
    std::panic::set_hook(Box::new(on_panic));
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(ROOT_ID))
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        web_sys::console::error_1(&"Jieti: no #app element to mount into".into());
        return;
    };
    // The static shell has done its job: the app paints the same layout in its place.
    root.set_text_content(None);
    leptos::mount::mount_to(root, app::App).forget();
    register_service_worker();
}

/// Registers `sw.js` (offline shell, cached catalog data, downloaded lessons) where supported.
fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let nav = window.navigator();
    let Ok(container) = js_sys::Reflect::get(&nav, &"serviceWorker".into()) else {
        return;
    };
    if container.is_undefined() {
        return;
    }
    let container: web_sys::ServiceWorkerContainer = container.unchecked_into();
    // A failed registration (private mode, an old browser) only means no offline support.
    let _ = container.register("/sw.js");
}

/// A panic must never leave a blank page: log it and put a static error view in place of the app.
///
/// The view is plain DOM with a link, not wasm callbacks: after a panic the wasm instance is unusable.
fn on_panic(info: &std::panic::PanicHookInfo<'_>) {
    web_sys::console::error_1(&format!("Jieti crashed: {info}").into());
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(root) = doc.get_element_by_id(ROOT_ID) else {
        return;
    };
    let t = i18n::messages(i18n::stored_locale());
    let build = || -> Option<()> {
        let section = doc.create_element("section").ok()?;
        section.set_class_name("page crash-view");
        section.set_attribute("role", "alert").ok()?;
        let h = doc.create_element("h1").ok()?;
        h.set_class_name("page-title");
        h.set_text_content(Some(t.crash_title));
        let p = doc.create_element("p").ok()?;
        p.set_text_content(Some(t.crash_body));
        let a = doc.create_element("a").ok()?;
        a.set_class_name("button");
        let here = web_sys::window()?.location().href().ok()?;
        a.set_attribute("href", &here).ok()?;
        a.set_text_content(Some(t.reload));
        section.append_child(&h).ok()?;
        section.append_child(&p).ok()?;
        section.append_child(&a).ok()?;
        root.set_text_content(None);
        root.append_child(&section).ok()?;
        Some(())
    };
    let _ = build();
}
