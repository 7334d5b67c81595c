//! Jieti: a client-side-rendered learning app for vocational and lifelong education.

pub mod api;
pub mod app;
pub mod components;
pub mod i18n;
pub mod lazy;
pub mod prelude;
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

/// Id of the static shell's block with the route's skeleton (index.html): moved into the app's
/// `<main>` until the first page's code is in, so the screen never goes blank meanwhile.
pub const SKELETON_ID: &str = "shell-main";

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
    // In the task after the one that compiled and instantiated the wasm: on a slow phone the
    // two together would block input for well over 50 ms. The static shell shows meanwhile.
    prelude::set_timeout(move || mount(&root), std::time::Duration::ZERO);
    // The service worker is registered by public/pwa.js, after the page has loaded.
}

/// Mounts the app in `root`, in place of the static shell.
fn mount(root: &web_sys::HtmlElement) {
    // The app paints the same header in place of the static shell's; the skeleton moves into
    // the app's <main> until the first page replaces it (crate::lazy::Outlet).
    let doc = root.owner_document();
    let skeleton = doc.as_ref().and_then(|d| d.get_element_by_id(SKELETON_ID));
    root.set_text_content(None);
    app::mount(root);
    if let (Some(main), Some(skeleton)) = (doc.and_then(|d| d.get_element_by_id("main")), skeleton)
    {
        let _ = main.append_child(&skeleton);
    }
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
