//! What every module of the app uses: the reactive system (signals, memos, effects, owners and
//! contexts, from `reactive_graph`) and a few browser helpers.
//!
//! The app depends on `reactive_graph` itself, not on the `leptos` crate: its views are builder
//! trees (`components::dom`), so Leptos' renderer, macros and server functions are not needed,
//! and the latter's exports would stay in the wasm and its JS glue even unused (ADR 0009).

use std::future::Future;
use std::time::Duration;

pub use reactive_graph::computed::Memo;
pub use reactive_graph::effect::Effect;
pub use reactive_graph::graph::untrack;
pub use reactive_graph::owner::{on_cleanup, provide_context, use_context, Owner, StoredValue};
pub use reactive_graph::prelude::*;
pub use reactive_graph::signal::{ArcRwSignal, RwSignal};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    static WINDOW: web_sys::Window = web_sys::window().expect("a browser window");
    static DOCUMENT: web_sys::Document = window().document().expect("a document");
}

/// The browser window (looked up once).
pub fn window() -> web_sys::Window {
    WINDOW.with(Clone::clone)
}

/// The document (looked up once).
pub fn document() -> web_sys::Document {
    DOCUMENT.with(Clone::clone)
}

/// Runs a future on the browser's event loop (effects' executor).
pub fn spawn_local(future: impl Future<Output = ()> + 'static) {
    any_spawner::Executor::spawn_local(future);
}

/// A timeout that can be cancelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeoutHandle(i32);

impl TimeoutHandle {
    /// Cancels the timeout.
    pub fn clear(&self) {
        window().clear_timeout_with_handle(self.0);
    }
}

/// Calls `f` once after `after`; the handle cancels it.
pub fn set_timeout_with_handle(
    f: impl FnOnce() + 'static,
    after: Duration,
) -> Result<TimeoutHandle, JsValue> {
    // `into_js_value`: a cancelled callback is freed by the JS garbage collector, not leaked.
    let f = Closure::once(f).into_js_value();
    window()
        .set_timeout_with_callback_and_timeout_and_arguments_0(
            f.unchecked_ref(),
            i32::try_from(after.as_millis()).unwrap_or(i32::MAX),
        )
        .map(TimeoutHandle)
}

/// Calls `f` once after `after`.
pub fn set_timeout(f: impl FnOnce() + 'static, after: Duration) {
    let _ = set_timeout_with_handle(f, after);
}

/// Calls `f` before the next frame is laid out.
pub fn request_animation_frame(f: impl FnOnce() + 'static) {
    let f = Closure::once(f).into_js_value();
    let _ = window().request_animation_frame(f.unchecked_ref());
}

/// The `value` of an event's target (an input, a select, a textarea); empty for anything else.
pub fn event_target_value(ev: &web_sys::Event) -> String {
    ev.target()
        .and_then(|t| js_sys::Reflect::get(&t, &JsValue::from_str("value")).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// Whether an event's target (a checkbox) is checked.
pub fn event_target_checked(ev: &web_sys::Event) -> bool {
    ev.target()
        .and_then(|t| js_sys::Reflect::get(&t, &JsValue::from_str("checked")).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}
