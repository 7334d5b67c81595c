//! The embed player (`/embed/course/:id`, `/embed/lesson/:id`): the learning player with minimal
//! chrome inside an institution's page, built as its own wasm (`src/embed_main.rs`, `embed.html`).
//!
//! The page's bridge script (`public/embed-frame.js`) does everything that does not need the
//! player: the poster shown until the viewer taps play, the learner's identity, the handshake
//! with the host page, resizing, and the xAPI statements. The wasm only reports what the learner
//! did as `jieti:learn` events on `window` (see [`emit`]); outside an embed nothing is reported.

pub mod settings;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use jieti_api::{encode_component, Locale};
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::player::data::{field, object, Lesson};
use crate::player::{Host, Player};

/// Shows what the URL names: a lesson of the course (player), or an attempt (quiz).
pub(crate) type Show = Rc<dyn Fn(Option<String>)>;

thread_local! {
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
    /// Shows what the URL names (`/embed/…/:lesson` or `/embed/quiz/:id/:attempt`).
    static SHOW: RefCell<Option<Show>> = const { RefCell::new(None) };
    /// The player, told when progress reached the server.
    static PLAYER: RefCell<Option<Rc<Player>>> = const { RefCell::new(None) };
    /// The path prefix links must have to stay in this page (else the iframe navigates).
    static PREFIX: Cell<&'static str> = const { Cell::new("/embed/") };
    /// A progress event was queued since the learner's progress was last read.
    static DIRTY: Cell<bool> = const { Cell::new(false) };
    /// When the progress was last read (ms), so completions are checked at most every few seconds.
    static LAST_READ: Cell<f64> = const { Cell::new(0.0) };
    /// A read is scheduled for the end of the wait.
    static LATER: Cell<bool> = const { Cell::new(false) };
}

/// Least time between two reads of the learner's progress after sends (ms).
const PROGRESS_EVERY_MS: f64 = 5000.0;

/// Whether this wasm runs as the embed.
pub fn active() -> bool {
    ACTIVE.with(Cell::get)
}

/// Reports a learning event to the embed page's bridge: `{type, lesson, …fields}`.
pub fn emit(kind: &str, lesson: &str, fields: &[(&str, JsValue)]) {
    if !active() {
        return;
    }
    if kind == "record" {
        DIRTY.with(|d| d.set(true));
    }
    let detail = object(&[("type", kind.into()), ("lesson", lesson.into())]);
    for (k, v) in fields {
        let _ = Reflect::set(&detail, &JsValue::from_str(k), v);
    }
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&detail);
    if let Ok(ev) = web_sys::CustomEvent::new_with_event_init_dict("jieti:learn", &init) {
        let _ = web_sys::window().map(|w| w.dispatch_event(&ev));
    }
}

/// A lesson is on screen: the bridge learns its title and length (for statements and progress).
pub fn lesson_shown(lesson: &Lesson) {
    emit(
        "lesson",
        &lesson.id,
        &[
            ("course", lesson.course_id.as_str().into()),
            ("course_title", lesson.course_title.as_str().into()),
            ("title", lesson.title.as_str().into()),
            // The media's real length where there is a video (progress is measured against it).
            (
                "duration_s",
                lesson
                    .media
                    .as_ref()
                    .map_or(f64::from(lesson.duration_s), |m| m.duration_s)
                    .into(),
            ),
            ("video", lesson.is_video.into()),
            ("blocks", (lesson.blocks.len() as u32).into()),
        ],
    );
}

/// The outbox reached the server: read the progress again (throttled) so completions show.
pub fn synced() {
    if !active() || !DIRTY.with(|d| d.get()) {
        return;
    }
    let now = js_sys::Date::now();
    let wait = PROGRESS_EVERY_MS - (now - LAST_READ.with(Cell::get));
    if wait > 0.0 {
        // Too soon: read once the wait is over, so the send that completed a lesson is not lost.
        if !LATER.with(|l| l.replace(true)) {
            let later = Closure::once_into_js(|| {
                LATER.with(|l| l.set(false));
                synced();
            });
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                    later.unchecked_ref(),
                    wait.ceil() as i32,
                );
            }
        }
        return;
    }
    LAST_READ.with(|l| l.set(now));
    DIRTY.with(|d| d.set(false));
    if let Some(p) = PLAYER.with(|p| p.borrow().clone()) {
        p.progress_sent();
    }
}

/// The query string of this page (theme and language), kept on every embed link.
fn query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// The href of a lesson inside a course embed.
pub fn course_lesson_href(course: &str, lesson: &str) -> String {
    format!(
        "/embed/course/{}/{}{}",
        encode_component(course),
        encode_component(lesson),
        query()
    )
}

/// The href of a lesson embed.
pub fn lesson_href(lesson: &str) -> String {
    format!("/embed/lesson/{}{}", encode_component(lesson), query())
}

/// The href of a quiz in an embed, or of one attempt at it.
pub fn quiz_href(quiz: &str, attempt: Option<&str>) -> String {
    match attempt {
        Some(a) => format!(
            "/embed/quiz/{}/{}{}",
            encode_component(quiz),
            encode_component(a),
            query()
        ),
        None => format!("/embed/quiz/{}{}", encode_component(quiz), query()),
    }
}

/// The href of a course: its embed inside an embed, else its page in the app.
pub fn course_href(course: &str) -> String {
    if active() {
        format!("/embed/course/{}{}", encode_component(course), query())
    } else {
        crate::app::href::course(course)
    }
}

/// "Open in Jieti", for the link from an embed to the course in the app.
pub fn open_in_app(locale: Locale) -> &'static str {
    match locale {
        Locale::ZhHans => "在阶梯中打开",
        Locale::ZhHant => "在階梯中打開",
        Locale::En => "Open in Jieti",
    }
}

/// Moves to `href` inside the embed without reloading it.
pub fn go(href: &str) {
    let Some(w) = web_sys::window() else { return };
    if let Ok(h) = w.history() {
        let _ = h.push_state_with_url(&JsValue::NULL, "", Some(href));
    }
    show_from_url();
}

/// The segments of the current path, percent-decoded.
fn segments() -> Vec<String> {
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            js_sys::decode_uri_component(s)
                .ok()
                .and_then(|d| d.as_string())
                .unwrap_or_else(|| s.to_owned())
        })
        .collect()
}

/// Shows the lesson the URL names (after a link, a history step, or auto-advance).
fn show_from_url() {
    let seg = segments();
    let target = match seg.as_slice() {
        [_, kind, _, rest] if kind == "course" || kind == "quiz" => Some(rest.clone()),
        [_, kind, lesson] if kind == "lesson" => Some(lesson.clone()),
        _ => None,
    };
    if let Some(show) = SHOW.with(|s| s.borrow().clone()) {
        show(target);
    }
}

/// What an embed page starts with: its `#app` (emptied), the locale, and `window.jietiEmbed`.
fn begin() -> Option<(web_sys::Element, Locale, JsValue)> {
    std::panic::set_hook(Box::new(crate::on_panic));
    let _ = any_spawner::Executor::init_wasm_bindgen();
    ACTIVE.with(|a| a.set(true));
    let w = web_sys::window()?;
    let doc = w.document()?;
    let Some(root) = doc.get_element_by_id(crate::ROOT_ID) else {
        web_sys::console::error_1(&"Jieti: no #app element to mount into".into());
        return None;
    };
    let info = Reflect::get(&w, &"jietiEmbed".into()).unwrap_or(JsValue::UNDEFINED);
    // The learner's token, from the bridge: storage may be denied to this third-party frame,
    // and then it lives only in memory (crate::state::storage).
    if let Some(token) = field(&info, "token").as_string() {
        crate::state::storage::set(crate::state::session::EMBED_TOKEN_KEY, &token);
        // A new session of the same learner (a host token exchanged again): their queue follows.
        if let Some(previous) = field(&info, "previous").as_string() {
            crate::state::sync::move_outbox(&previous, &token);
        }
    }
    let locale = w
        .location()
        .search()
        .ok()
        .and_then(|q| {
            crate::router::Url::parse("", &q)
                .get("lang")
                .and_then(Locale::parse)
        })
        .unwrap_or_else(crate::i18n::stored_locale);
    if let Some(html) = doc.document_element() {
        let _ = html.set_attribute("lang", locale.as_str());
    }
    root.set_text_content(None);
    // Links within this page's kind stay in it: history entries, no reload of the wasm.
    let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(|ev: web_sys::MouseEvent| {
        if ev.default_prevented() || ev.button() != 0 || ev.ctrl_key() || ev.meta_key() {
            return;
        }
        let Some(a) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("a[href]").ok().flatten())
        else {
            return;
        };
        let href = a.get_attribute("href").unwrap_or_default();
        if a.has_attribute("target") || !href.starts_with(PREFIX.with(Cell::get)) {
            return;
        }
        ev.prevent_default();
        go(&href);
    });
    let _ = doc.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    on_click.forget();
    let on_pop = Closure::<dyn Fn()>::new(show_from_url);
    let _ = w.add_event_listener_with_callback("popstate", on_pop.as_ref().unchecked_ref());
    on_pop.forget();
    Some((root, locale, info))
}

/// The player embed's entry (`jieti-embed`): the course or lesson in the URL, in `#app`.
///
/// The bridge script has already put the course id in `window.jietiEmbed.course` (from the
/// embed's public info) and the learner's token in storage.
pub fn start() {
    let Some((root, locale, info)) = begin() else {
        return;
    };
    let course = field(&info, "course").as_string().unwrap_or_default();
    let seg = segments();
    let (host, lesson, prefix) = match seg.as_slice() {
        [_, kind, _, lesson] if kind == "course" => {
            (Host::EmbedCourse, Some(lesson.clone()), "/embed/course/")
        }
        [_, kind, lesson] if kind == "lesson" => {
            (Host::EmbedLesson, Some(lesson.clone()), "/embed/lesson/")
        }
        _ => (Host::EmbedCourse, None, "/embed/course/"),
    };
    PREFIX.with(|p| p.set(prefix));
    crate::components::dom::inject_css("pl-css", crate::player::CSS);
    let holder = crate::player::make(crate::components::dom::el("div", "pl", vec![]));
    let _ = root.append_child(&holder);
    let player = Player::new(holder, course, crate::state::I18n::fixed(locale), host);
    PLAYER.with(|p| *p.borrow_mut() = Some(player.clone()));
    let p = player.clone();
    SHOW.with(|s| *s.borrow_mut() = Some(Rc::new(move |lesson| p.go_to(lesson))));
    player.start(lesson);
    crate::state::sync::use_sync();
}

/// The quiz embed's entry (`jieti-embed-quiz`): the quiz (or attempt) in the URL, in `#app`.
pub fn start_quiz() {
    let Some((root, locale, _)) = begin() else {
        return;
    };
    PREFIX.with(|p| p.set("/embed/quiz/"));
    let seg = segments();
    let (quiz, attempt) = match seg.as_slice() {
        [_, _, quiz] => (quiz.clone(), None),
        [_, _, quiz, attempt] => (quiz.clone(), Some(attempt.clone())),
        _ => (String::new(), None),
    };
    let show = crate::quiz::mount_embed(root, quiz, crate::state::I18n::fixed(locale));
    SHOW.with(|s| *s.borrow_mut() = Some(show.clone()));
    show(attempt);
}
