//! Pages loaded on demand: with the `split` feature (release builds), each page function marked
//! with [`split_page!`] goes into its own wasm chunk, fetched the first time the page is shown, so
//! the first load of any route carries only the shell, the catalog and that route's page.
//!
//! `scripts/wasm-bindgen` splits the module at these points (`wasm-split-cli`) before handing it to
//! the real wasm-bindgen; without the feature (tests, `trunk serve`) the pages are ordinary calls.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use crate::api::ApiError;
use crate::components::dom::{dom, error_nodes, next_task, on_reload, put};
use crate::prelude::*;
use crate::state::use_i18n;

/// A page chunk failed to load (offline, or a deploy replaced it).
#[derive(Debug)]
pub struct ChunkError;

#[cfg(feature = "split")]
impl From<wasm_split_helpers::SplitLoaderError> for ChunkError {
    fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
        ChunkError
    }
}

/// A page as its chunk gives it: its element, or why the chunk could not load.
pub type PageResult = Result<web_sys::Element, ChunkError>;

/// A page loader: resolves to the page once its chunk is in.
pub type PageFuture = Pin<Box<dyn Future<Output = PageResult>>>;

/// Makes a page's future (and so the page) when called.
pub type Loader = Rc<dyn Fn() -> PageFuture>;

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
                wasm_split_helpers::wasm_split(
                    $chunk,
                    wasm_split_path = ::wasm_split_helpers,
                    fallible,
                    preload(load_chunk)
                )
            )]
            fn inner($($arg: $ty),*) -> $crate::lazy::PageResult {
                Ok($body)
            }
            #[cfg(feature = "split")]
            return Box::pin(async move {
                /// Whether this page's chunk is in (then the page is built at once).
                static LOADED: ::std::sync::atomic::AtomicBool =
                    ::std::sync::atomic::AtomicBool::new(false);
                if !LOADED.load(::std::sync::atomic::Ordering::Relaxed) {
                    load_chunk().await?;
                    LOADED.store(true, ::std::sync::atomic::Ordering::Relaxed);
                    // The chunk's compilation and the page's build in two tasks, not one long one.
                    $crate::components::dom::next_task().await;
                }
                inner($($arg),*).await
            });
            #[cfg(not(feature = "split"))]
            return Box::pin(std::future::ready(inner($($arg),*)));
        }
    };
}

/// Polls a page's future with the page's owner as the current one: a page built once its chunk
/// is in makes its effects and listeners under that owner, so they end with the page.
struct Owned {
    owner: Owner,
    future: PageFuture,
}

impl Future for Owned {
    type Output = PageResult;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<PageResult> {
        let this = &mut *self;
        this.owner.with(|| this.future.as_mut().poll(cx))
    }
}

/// Where pages show (the app's `<main>`): one page at a time, each under an owner of its own that
/// is cleaned up (effects, listeners, requests) when the next page comes.
pub struct Outlet {
    main: web_sys::Element,
    parent: Owner,
    current: RefCell<Option<Owner>>,
}

impl Outlet {
    /// Pages shown in `main`, their owners children of `parent`.
    pub fn new(main: web_sys::Element, parent: Owner) -> Rc<Outlet> {
        Rc::new(Outlet {
            main,
            parent,
            current: RefCell::new(None),
        })
    }

    fn is_current(&self, owner: &Owner) -> bool {
        self.current.borrow().as_ref() == Some(owner)
    }

    /// Shows the page `load` resolves to; until then nothing (on the first page, the static
    /// shell's skeleton; later, the page's own skeleton follows at once on a warm cache), and on
    /// a failed chunk load an error view whose retry loads again.
    pub fn show(self: &Rc<Self>, load: Loader) {
        if let Some(old) = self.current.take() {
            old.cleanup();
        }
        // The static shell's skeleton (see `crate::start`) stays until the first page is in.
        if document().get_element_by_id(crate::SKELETON_ID).is_none() {
            self.main.set_text_content(None);
        }
        let owner = self.parent.child();
        *self.current.borrow_mut() = Some(owner.clone());
        let this = Rc::clone(self);
        crate::prelude::spawn_local(async move {
            // Two tasks, not one: the app's start (or the tap), then the page (its chunks and
            // its view). On a slow phone one long task would block input for hundreds of ms.
            next_task().await;
            if !this.is_current(&owner) {
                return;
            }
            let future = owner.with(|| load());
            let result = Owned {
                owner: owner.clone(),
                future,
            }
            .await;
            if !this.is_current(&owner) {
                // Another page was asked for meanwhile: what this one made goes at once.
                return owner.cleanup();
            }
            if let Some(skeleton) = document().get_element_by_id(crate::SKELETON_ID) {
                skeleton.remove();
            }
            let page = match result {
                Ok(page) => page,
                Err(ChunkError) => owner.with(|| {
                    let i18n = use_i18n();
                    let error = ApiError::Network("a part of the app could not be loaded".into());
                    let view = dom("page", move || error_nodes(i18n, &error));
                    let again = Rc::downgrade(&this);
                    on_reload(&view, move || {
                        if let Some(outlet) = again.upgrade() {
                            outlet.show(load.clone());
                        }
                    });
                    view
                }),
            };
            put(&this.main, &page);
        });
    }
}
