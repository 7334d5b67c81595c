//! Pages loaded on demand: with the `split` feature (release builds), each page function marked
//! with [`split_page!`] goes into its own wasm chunk, fetched the first time the page is shown, so
//! the first load of any route carries only the shell, the catalog and that route's page.
//!
//! `scripts/wasm-bindgen` splits the module at these points (`wasm-split-cli`) before handing it to
//! the real wasm-bindgen; without the feature (tests, `trunk serve`) the pages are ordinary calls.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use send_wrapper::SendWrapper;

use crate::api::ApiError;
use crate::components::dom::next_task;
use crate::components::ErrorView;

/// A page chunk failed to load (offline, or a deploy replaced it).
#[derive(Debug)]
pub struct ChunkError;

#[cfg(feature = "split")]
impl From<leptos::wasm_split::SplitLoaderError> for ChunkError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        ChunkError
    }
}

/// A page as its chunk gives it: the view, or why the chunk could not load.
pub type PageResult = Result<AnyView, ChunkError>;

/// A page loader: resolves to the page once its chunk is in.
pub type PageFuture = Pin<Box<dyn Future<Output = PageResult>>>;

/// Declares a page function that lives in its own chunk (`split` feature) and a loader for it.
///
/// `split_page!(chunk_name, fn name(args) { body })` defines `name(args) -> PageFuture`.
#[macro_export]
macro_rules! split_page {
    ($chunk:ident, fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $body:block) => {
        /// Loads this page's chunk (when split) and builds the page.
        pub fn $name($($arg: $ty),*) -> $crate::lazy::PageFuture {
            #[cfg_attr(
                feature = "split",
                leptos::wasm_split::wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible)
            )]
            fn inner($($arg: $ty),*) -> $crate::lazy::PageResult {
                Ok($body)
            }
            #[cfg(feature = "split")]
            return Box::pin(async move { inner($($arg),*).await });
            #[cfg(not(feature = "split"))]
            return Box::pin(std::future::ready(inner($($arg),*)));
        }
    };
}

/// Shows the page `load` resolves to; until then nothing (on the first page, the static
/// shell's skeleton; later, the page's own skeleton follows at once on a warm cache), and on a
/// failed chunk load an error view whose retry loads again.
#[component]
pub fn LazyPage(load: Box<dyn Fn() -> PageFuture>) -> impl IntoView {
    let attempt = RwSignal::new(0u32);
    let load = SendWrapper::new(load);
    move || {
        attempt.track();
        let future = SendWrapper::new(load());
        Suspend::new(async move {
            // Two tasks, not one: the app's start, then the page (its chunks and its view, which
            // must mount in the task that builds it: its effects run right after). On a slow
            // phone one long task would block input for hundreds of milliseconds.
            next_task().await;
            let result = future.await;
            // The static shell's skeleton (see `crate::start`) stays until the first page is in.
            if let Some(skeleton) = document().get_element_by_id(crate::SKELETON_ID) {
                skeleton.remove();
            }
            match result {
                Ok(view) => view,
                Err(ChunkError) => {
                    let retry = Callback::new(move |_| attempt.update(|n| *n += 1));
                    let error = ApiError::Network("a part of the app could not be loaded".into());
                    view! { <ErrorView error=error on_retry=retry/> }.into_any()
                }
            }
        })
    }
}
