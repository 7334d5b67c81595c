//! "Download for offline": the service worker (`public/sw.js`) fetches the chosen rendition,
//! the captions and the lesson data into its offline cache with progress, and serves them from
//! there (with ranges) when the lesson is played again, online or not.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::data::{field, object, Lesson, Rung};
use super::video::{connection_field, data_saver};
use super::{fill, make};
use crate::components::dom::{el, text};
use crate::i18n;
use crate::prelude::*;
use crate::state::{storage, I18n};

/// The service worker's cache of downloaded lessons.
const OFFLINE_CACHE: &str = "jieti-offline-v1";
/// Storage key prefix: which rendition of a lesson was downloaded.
const DOWNLOAD_KEY: &str = "jieti.download:";

/// The rendition id downloaded for a lesson, if any.
pub fn downloaded_rendition(lesson: &str) -> Option<String> {
    storage::get(&format!("{DOWNLOAD_KEY}{lesson}"))
}

/// Whether the connection may cost money: data saver, or a cellular connection.
fn metered() -> bool {
    data_saver()
        || connection_field("type")
            .and_then(|t| t.as_string())
            .as_deref()
            == Some("cellular")
}

/// Download state of the lesson.
#[derive(Clone, Copy, PartialEq)]
enum State {
    Idle,
    Loading(f64, f64),
    Done,
    Failed,
}

/// The download row of a video lesson: size, progress, storage used, remove.
pub(crate) struct Download {
    lesson: Rc<Lesson>,
    i18n: I18n,
    root: web_sys::Element,
    rung: RefCell<Option<Rung>>,
    state: Cell<State>,
    used: Cell<Option<f64>>,
    /// Wall clock of the last progress message (a download silent for 30 s has failed).
    last_progress: Cell<f64>,
    on_message: RefCell<Option<super::Listener<web_sys::MessageEvent>>>,
}

fn service_worker() -> Option<web_sys::ServiceWorkerContainer> {
    let c = js_sys::Reflect::get(&window().navigator(), &"serviceWorker".into()).ok()?;
    (!c.is_undefined()).then(|| c.unchecked_into())
}

impl Download {
    /// The row for a lesson (empty until [`Download::start`]).
    pub fn new(lesson: Rc<Lesson>, i18n: I18n) -> Rc<Download> {
        let state = if downloaded_rendition(&lesson.id).is_some() {
            State::Done
        } else {
            State::Idle
        };
        Rc::new(Download {
            lesson,
            i18n,
            root: make(el("div", "pl-download", vec![])),
            rung: RefCell::new(None),
            state: Cell::new(state),
            used: Cell::new(None),
            last_progress: Cell::new(0.0),
            on_message: RefCell::new(None),
        })
    }

    /// The row's element.
    pub fn element(&self) -> &web_sys::Element {
        &self.root
    }

    /// Listens for the worker's progress messages about this lesson.
    pub fn start(self: &Rc<Self>) {
        let Some(container) = service_worker() else {
            // No service worker (an old browser, or a non-secure origin): nothing to offer.
            return;
        };
        let weak = Rc::downgrade(self);
        let on = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            if let Some(d) = weak.upgrade() {
                d.on_message(&ev.data());
            }
        });
        let _ = container.add_event_listener_with_callback("message", on.as_ref().unchecked_ref());
        *self.on_message.borrow_mut() = Some(on);
        self.refresh_used();
        self.render();
    }

    /// Stops listening.
    pub fn dispose(&self) {
        if let (Some(container), Some(on)) = (service_worker(), self.on_message.borrow_mut().take())
        {
            let _ = container
                .remove_event_listener_with_callback("message", on.as_ref().unchecked_ref());
        }
    }

    /// The rendition a download would fetch (the one playing).
    pub fn set_rung(&self, rung: Option<Rung>) {
        *self.rung.borrow_mut() = rung;
        self.render();
    }

    fn files(&self, r: &Rung) -> Vec<String> {
        let mut urls = vec![r.url.clone()];
        if let Some(m) = &self.lesson.media {
            urls.extend(m.tracks.iter().map(|c| c.url.clone()));
            urls.extend(m.poster.clone());
        }
        let api = crate::api::api_base();
        urls.push(format!(
            "{api}/lessons/{}",
            jieti_api::encode_component(&self.lesson.id)
        ));
        urls.push(format!(
            "{api}/courses/{}",
            jieti_api::encode_component(&self.lesson.course_id)
        ));
        urls
    }

    fn on_message(self: &Rc<Self>, data: &JsValue) {
        if field(data, "key").as_string().as_deref() != Some(self.lesson.id.as_str()) {
            return;
        }
        let loaded = field(data, "loaded").as_f64().unwrap_or(0.0);
        let total = field(data, "total").as_f64().unwrap_or(0.0);
        match field(data, "type").as_string().as_deref() {
            Some("download-progress") => {
                self.last_progress.set(js_sys::Date::now());
                self.state.set(State::Loading(loaded, total));
            }
            Some("download-done") => {
                // The rendition that was downloaded, as the worker says (auto quality may have
                // moved on meanwhile).
                if let Some(rung) = field(data, "rung").as_string() {
                    storage::set(&format!("{DOWNLOAD_KEY}{}", self.lesson.id), &rung);
                }
                self.state.set(State::Done);
                self.refresh_used();
            }
            Some("download-failed") => self.state.set(State::Failed),
            _ => return,
        }
        self.render();
    }

    /// Starts the download, after asking on a metered connection.
    pub fn begin(self: &Rc<Self>) {
        let Some(r) = self.rung.borrow().clone() else {
            return;
        };
        let t = super::text::text(self.i18n.locale());
        if metered()
            && !window()
                .confirm_with_message(t.metered_confirm)
                .unwrap_or(false)
        {
            return;
        }
        let Some(container) = service_worker() else {
            return;
        };
        let list: js_sys::Array = self
            .files(&r)
            .into_iter()
            .map(|u| JsValue::from_str(&u))
            .collect();
        let total = r.bytes as f64;
        let msg = object(&[
            ("type", "download".into()),
            ("key", JsValue::from_str(&self.lesson.id)),
            ("rung", JsValue::from_str(&r.id)),
            ("urls", list.into()),
            ("total", JsValue::from_f64(total)),
        ]);
        self.state.set(State::Loading(0.0, total));
        self.last_progress.set(js_sys::Date::now());
        self.render();
        self.watch();
        let d = self.clone();
        crate::prelude::spawn_local(async move {
            // Waits for an active worker (the first visit installs it).
            let worker = match container.ready() {
                Ok(ready) => JsFuture::from(ready)
                    .await
                    .ok()
                    .map(|r| r.unchecked_into::<web_sys::ServiceWorkerRegistration>())
                    .and_then(|r| r.active()),
                Err(_) => None,
            };
            if worker.is_none_or(|w| w.post_message(&msg).is_err()) {
                d.state.set(State::Failed);
                d.render();
            }
        });
    }

    /// Fails a download that stopped reporting (the worker was stopped, say), so that the
    /// learner can try again.
    fn watch(self: &Rc<Self>) {
        let weak = Rc::downgrade(self);
        set_timeout(
            move || {
                let Some(d) = weak.upgrade() else { return };
                if let State::Loading(..) = d.state.get() {
                    if js_sys::Date::now() - d.last_progress.get() >= 30_000.0 {
                        d.state.set(State::Failed);
                        d.render();
                    } else {
                        d.watch();
                    }
                }
            },
            std::time::Duration::from_secs(10),
        );
    }

    /// Removes the downloaded files.
    pub fn remove(self: &Rc<Self>) {
        // The downloaded rendition, not necessarily the one playing now.
        let stored = downloaded_rendition(&self.lesson.id);
        let r = self.lesson.media.as_ref().and_then(|m| {
            m.rungs
                .iter()
                .find(|r| Some(&r.id) == stored.as_ref())
                .cloned()
        });
        let Some(r) = r.or_else(|| self.rung.borrow().clone()) else {
            return;
        };
        // The rendition and the lesson's data; captions, poster and course data may be shared
        // with other downloaded lessons, and are small.
        let urls: Vec<String> = self
            .files(&r)
            .into_iter()
            .take(1)
            .chain([format!(
                "{}/lessons/{}",
                crate::api::api_base(),
                jieti_api::encode_component(&self.lesson.id)
            )])
            .collect();
        storage::remove(&format!("{DOWNLOAD_KEY}{}", self.lesson.id));
        let d = self.clone();
        crate::prelude::spawn_local(async move {
            if let Ok(caches) = window().caches() {
                if let Ok(cache) = JsFuture::from(caches.open(OFFLINE_CACHE)).await {
                    let cache: web_sys::Cache = cache.unchecked_into();
                    for u in &urls {
                        let _ = JsFuture::from(cache.delete_with_str(u)).await;
                    }
                }
            }
            d.state.set(State::Idle);
            d.refresh_used();
            d.render();
        });
    }

    /// Bytes stored by this site (all caches and storage), when the browser says.
    fn refresh_used(self: &Rc<Self>) {
        let d = self.clone();
        crate::prelude::spawn_local(async move {
            let Ok(promise) = window().navigator().storage().estimate() else {
                return;
            };
            if let Ok(estimate) = JsFuture::from(promise).await {
                d.used.set(field(&estimate, "usage").as_f64());
                d.render();
            }
        });
    }

    /// The row, from the state.
    pub fn render(&self) {
        if service_worker().is_none() {
            return;
        }
        let t = super::text::text(self.i18n.locale());
        let button = |label: String, act: &'static str| {
            el("button", "button button--quiet", vec![text(label)])
                .attr("type", "button")
                .attr("data-act", act)
        };
        let mut nodes = match self.state.get() {
            State::Done => vec![
                el("span", "pl-offline-ok", vec![text(t.downloaded)]),
                button(t.remove_download.into(), "remove-download"),
            ],
            State::Loading(loaded, total) => vec![
                el("progress", "", vec![])
                    .attr("max", (total as u64).max(1).to_string())
                    .attr("value", (loaded as u64).to_string())
                    .attr("aria-label", t.download_lesson),
                el(
                    "span",
                    "",
                    vec![text(format!(
                        "{} / {}",
                        i18n::megabytes(loaded as u64),
                        i18n::megabytes(total as u64)
                    ))],
                ),
            ],
            s => {
                let size = self.rung.borrow().as_ref().map_or(0, |r| r.bytes);
                let mut v = vec![button(
                    super::text::download_label(self.i18n.locale(), &i18n::megabytes(size)),
                    "download",
                )];
                if s == State::Failed {
                    v.push(el("span", "", vec![text(t.download_failed)]).attr("role", "alert"));
                }
                v
            }
        };
        // What downloads take on this device, once there are some.
        if let Some(u) = self.used.get().filter(|_| self.state.get() != State::Idle) {
            nodes.push(el(
                "span",
                "pl-used",
                vec![text(format!(
                    "{} {}",
                    t.storage_used,
                    i18n::megabytes(u as u64)
                ))],
            ));
        }
        fill(&self.root, nodes);
    }
}
