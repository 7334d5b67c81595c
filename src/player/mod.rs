//! The learning player (`/learn/:course/:lesson`): the course outline with completion ticks, the
//! lesson (video with its rendition ladder, captions and transcript, or an article), notes and
//! bookmarks, downloads for offline, and the sync state of the learner's progress.
//!
//! Written as plain DOM code over the DOM builder (ADR 0011): one `Player` object owns the page's
//! elements and state, one delegated listener handles its controls, and Leptos only mounts it and
//! tells it when the lesson, the locale, the learner or the sync state change. As typed views the
//! player cost twice the wasm, and the route blew its size budget.

mod article;
pub(crate) mod data;
mod notes;
mod offline;
mod text;
mod video;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::learn::{get_course, get_course_progress, get_lesson};
use crate::api::ApiError;
use crate::components::dom::{closest_data, el, element, link, span, text, Node};
use crate::i18n::{self, clock};
use crate::prelude::*;
use crate::router::{navigate, use_url};
use crate::state::sync::{self, use_sync};
use crate::state::{storage, use_i18n, use_session, I18n};
use data::{Lesson, Outline, Progress};
use text::PlayerText;

crate::split_page!(
    learn_chunk,
    fn learn_page(course: String) {
        learn_view(course)
    }
);

/// The player's styles, injected when the player first shows (they travel in its chunk).
pub(crate) const CSS: &str = include_str!("../../style/player.css");

/// Storage key: play the next lesson when one ends.
const AUTO_ADVANCE_KEY: &str = "jieti.autoAdvance";

/// The href of a lesson in the player.
pub fn lesson_href(course: &str, lesson: &str) -> String {
    format!(
        "/learn/{}/{}",
        jieti_api::encode_component(course),
        jieti_api::encode_component(lesson)
    )
}

/// Replaces an element's children with `nodes`.
pub(crate) fn fill(target: &web_sys::Element, nodes: Vec<Node>) {
    let doc = document();
    let fragment = doc.create_document_fragment();
    for n in nodes {
        let _ = fragment.append_child(&n.build(&doc));
    }
    target.set_text_content(None);
    let _ = target.append_child(&fragment);
}

/// A new element from a builder node.
pub(crate) fn make(node: Node) -> web_sys::Element {
    node.build(&document()).unchecked_into()
}

/// A JS callback the player keeps alive while it listens.
pub(crate) type Listener<E> = Closure<dyn Fn(E)>;

/// Where the player runs: the app, or an institution's embed of a course or of one lesson.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Host {
    /// The app's `/learn/:course/:lesson`.
    App,
    /// `/embed/course/:id`: the outline and every lesson, minimal chrome.
    EmbedCourse,
    /// `/embed/lesson/:id`: one lesson, no outline.
    EmbedLesson,
}

/// The lesson being shown: a video, an article, or none yet.
enum Stage {
    None,
    Video(Rc<video::VideoPlayer>),
    Article(Rc<article::Reader>),
}

/// The player page of one course.
fn learn_view(course: String) -> web_sys::Element {
    crate::components::dom::inject_css("pl-css", CSS);
    let i18n = use_i18n();
    let session = use_session();
    let sync_state = use_sync();
    let url = use_url();
    let root = element("div", "pl");
    let holder = root.clone();
    let player: Rc<RefCell<Option<Rc<Player>>>> = Rc::new(RefCell::new(None));
    let lesson_in_url = Memo::new(move |_| url.with(|u| u.segments().get(2).cloned()));
    {
        let player = player.clone();
        Effect::new(move |_| {
            let root = holder.clone();
            let lesson = lesson_in_url.get();
            let existing = player.borrow().clone();
            match existing {
                Some(p) => p.show(lesson),
                None => {
                    let p = Player::new(root, course.clone(), i18n, Host::App);
                    *player.borrow_mut() = Some(p.clone());
                    p.start(lesson);
                }
            }
        });
    }
    {
        let player = player.clone();
        Effect::new(move |_| {
            i18n.locale();
            if let Some(p) = player.borrow().clone() {
                p.relabel();
            }
        });
    }
    {
        let player = player.clone();
        Effect::new(move |_| {
            let (pending, online) = (sync_state.pending.get(), sync_state.online.get());
            if let Some(p) = player.borrow().clone() {
                p.render_sync(pending, online);
            }
        });
    }
    {
        // Progress comes when the learner is known (a first visit makes a guest first).
        let player = player.clone();
        Effect::new(move |_| {
            session.me();
            if let Some(p) = player.borrow().clone() {
                p.load_progress();
            }
        });
    }
    let player = send_wrapper::SendWrapper::new(player);
    on_cleanup(move || {
        if let Some(p) = player.borrow_mut().take() {
            p.dispose();
        }
    });
    root
}

/// What the player knows.
struct State {
    outline: Option<Outline>,
    lesson_id: Option<String>,
    lesson: Option<Rc<Lesson>>,
    progress: Vec<Progress>,
    done: Vec<String>,
    outline_open: bool,
    auto_advance: bool,
    /// The learner's progress has been read once: later completions are news for an embed's host.
    progress_read: bool,
}

/// The player page: its elements, state, and the lesson being shown.
pub(crate) struct Player {
    course: String,
    host: Host,
    /// The locale (held here: event handlers run outside any reactive owner).
    pub i18n: I18n,
    root: web_sys::Element,
    bar: web_sys::Element,
    sync_line: web_sys::Element,
    outline_list: web_sys::Element,
    outline_head: web_sys::Element,
    main: web_sys::Element,
    head: web_sys::Element,
    notes_box: web_sys::Element,
    state: RefCell<State>,
    stage: RefCell<Stage>,
    notes: RefCell<Option<Rc<notes::Notes>>>,
    /// Bumped per lesson shown: a late answer for an earlier lesson is dropped.
    generation: Cell<u32>,
    listeners: RefCell<Vec<Listener<web_sys::Event>>>,
}

impl Player {
    /// The player's strings in the current locale.
    pub fn t(&self) -> &'static PlayerText {
        text::text(self.i18n.locale())
    }

    /// The app-wide strings in the current locale.
    fn m(&self) -> &'static crate::i18n::Messages {
        crate::i18n::messages(self.i18n.locale())
    }

    pub(crate) fn new(
        root: web_sys::Element,
        course: String,
        i18n: I18n,
        host: Host,
    ) -> Rc<Player> {
        let bar = make(el("div", "pl-bar", vec![]));
        let sync_line = make(el("p", "pl-sync", vec![]).attr("role", "status"));
        let outline_head = make(el("div", "pl-outline-head", vec![]));
        let outline_list = make(el("div", "", vec![]));
        let outline = make(el("nav", "pl-outline", vec![]).attr("id", "pl-outline"));
        let _ = outline.append_child(&outline_head);
        let _ = outline.append_child(&outline_list);
        let main = make(el("div", "pl-main", vec![]));
        let head = make(el("div", "", vec![]));
        let notes_box =
            make(el("section", "pl-notes", vec![]).attr("aria-labelledby", "pl-notes-h"));
        if host == Host::EmbedLesson {
            // One lesson: there is no outline to show.
            let _ = outline.set_attribute("hidden", "");
        }
        for e in [&bar, &sync_line, &outline, &main] {
            let _ = root.append_child(e);
        }
        let player = Rc::new(Player {
            course,
            host,
            i18n,
            root,
            bar,
            sync_line,
            outline_list,
            outline_head,
            main,
            head,
            notes_box,
            state: RefCell::new(State {
                outline: None,
                lesson_id: None,
                lesson: None,
                progress: Vec::new(),
                done: Vec::new(),
                outline_open: false,
                auto_advance: storage::get(AUTO_ADVANCE_KEY).as_deref() == Some("1"),
                progress_read: false,
            }),
            stage: RefCell::new(Stage::None),
            notes: RefCell::new(None),
            generation: Cell::new(0),
            listeners: RefCell::new(Vec::new()),
        });
        // One listener per event type for every control of the page.
        for name in ["click", "change", "input", "submit"] {
            let weak = Rc::downgrade(&player);
            let on = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
                if let Some(p) = weak.upgrade() {
                    p.on_event(&ev);
                }
            });
            let _ = player
                .root
                .add_event_listener_with_callback(name, on.as_ref().unchecked_ref());
            player.listeners.borrow_mut().push(on);
        }
        player
    }

    /// Loads the course, then shows `lesson` (or the first one).
    pub(crate) fn start(self: &Rc<Self>, lesson: Option<String>) {
        self.relabel();
        self.render_main_loading();
        let p = self.clone();
        crate::prelude::spawn_local(async move {
            match get_course(&p.course).await {
                Ok(v) => {
                    let outline = Outline::read(&v);
                    crate::state::set_title(p.i18n, &outline.title);
                    p.state.borrow_mut().outline = Some(outline);
                    p.render_bar();
                    p.render_outline();
                    p.show(lesson);
                }
                Err(e) => p.render_error(e),
            }
        });
        self.load_progress();
    }

    /// Shows a lesson (None: the first of the course).
    fn show(self: &Rc<Self>, lesson: Option<String>) {
        let id = {
            let st = self.state.borrow();
            let Some(outline) = &st.outline else { return };
            lesson.or_else(|| outline.first_lesson().map(str::to_owned))
        };
        let Some(id) = id else { return };
        if self.state.borrow().lesson_id.as_deref() == Some(id.as_str()) {
            return;
        }
        self.leave_lesson();
        {
            let mut st = self.state.borrow_mut();
            st.lesson_id = Some(id.clone());
            st.lesson = None;
            st.outline_open = false;
        }
        self.root.set_class_name("pl");
        self.render_outline();
        self.render_main_loading();
        let generation = self.generation.get().wrapping_add(1);
        self.generation.set(generation);
        let p = self.clone();
        crate::prelude::spawn_local(async move {
            let result = get_lesson(&id).await;
            if p.generation.get() != generation {
                return;
            }
            match result {
                Ok(v) => p.render_lesson(Rc::new(Lesson::read(&v))),
                Err(e) => p.render_error(e),
            }
        });
    }

    /// The learner's progress in the course: ticks and resume points.
    fn load_progress(self: &Rc<Self>) {
        if crate::state::session::token().is_none() {
            return;
        }
        let p = self.clone();
        crate::prelude::spawn_local(async move {
            let Ok(v) = get_course_progress(&p.course).await else {
                return;
            };
            let progress = data::read_progress(&v);
            let mut newly_done = Vec::new();
            {
                let mut st = p.state.borrow_mut();
                // What was complete before this visit is no event; what completes during it is.
                let first_read = !std::mem::replace(&mut st.progress_read, true);
                for l in progress.iter().filter(|l| l.completed) {
                    if !st.done.contains(&l.lesson_id) {
                        st.done.push(l.lesson_id.clone());
                        if !first_read {
                            newly_done.push(l.lesson_id.clone());
                        }
                    }
                }
                st.progress = progress;
            }
            if p.host != Host::App {
                p.report_done(&newly_done);
            }
            p.render_outline();
            let stage = match &*p.stage.borrow() {
                Stage::Video(v) => Some(v.clone()),
                _ => None,
            };
            if let Some(v) = stage {
                v.resume_late();
            }
        });
    }

    /// The href of a lesson where this player runs (an embed keeps its theme and language).
    fn href(&self, lesson: &str) -> String {
        match self.host {
            Host::App => lesson_href(&self.course, lesson),
            Host::EmbedCourse => crate::embed::course_lesson_href(&self.course, lesson),
            Host::EmbedLesson => crate::embed::lesson_href(lesson),
        }
    }

    /// Tells an embed's host which lessons were completed, and the course once all are.
    fn report_done(&self, newly_done: &[String]) {
        let st = self.state.borrow();
        for id in newly_done {
            // A lesson embed speaks of its own lesson only.
            if self.host == Host::EmbedCourse || st.lesson_id.as_ref() == Some(id) {
                crate::embed::emit("completed", id, &[]);
            }
        }
        let all_done = st.outline.as_ref().is_some_and(|o| {
            o.chapters
                .iter()
                .flat_map(|c| &c.lessons)
                .all(|l| st.done.contains(&l.id))
        });
        if all_done && !newly_done.is_empty() && self.host == Host::EmbedCourse {
            crate::embed::emit("course_completed", "", &[]);
        }
    }

    /// The server has the learner's latest progress: reload it (ticks, and completions for an embed).
    pub(crate) fn progress_sent(self: &Rc<Self>) {
        self.load_progress();
    }

    /// Shows `lesson` (after a history change in an embed).
    pub(crate) fn go_to(self: &Rc<Self>, lesson: Option<String>) {
        self.show(lesson);
    }

    /// Where to resume a lesson: the newest position still in the outbox, else the server's.
    pub fn resume_point(&self, lesson: &str) -> f64 {
        sync::queued_position(lesson).unwrap_or_else(|| {
            self.state
                .borrow()
                .progress
                .iter()
                .find(|l| l.lesson_id == lesson)
                .map_or(0.0, |l| l.position)
        })
    }

    /// The lesson ended: the next one, when the learner asked for it.
    pub fn ended(&self) {
        let next = {
            let st = self.state.borrow();
            st.auto_advance
                .then(|| st.lesson.as_ref().and_then(|l| l.next.clone()))
                .flatten()
        };
        if let Some(next) = next {
            match self.host {
                Host::App => navigate(&lesson_href(&self.course, &next), false),
                Host::EmbedCourse => crate::embed::go(&self.href(&next)),
                Host::EmbedLesson => {}
            }
        }
    }

    /// The current point for notes: seconds in a video, the block at the top of an article.
    pub fn position(&self) -> f64 {
        match &*self.stage.borrow() {
            Stage::Video(v) => v.current_time(),
            Stage::Article(a) => a.block_at_top(),
            Stage::None => 0.0,
        }
    }

    /// Goes to a note's point.
    pub fn seek(&self, at: f64) {
        match &*self.stage.borrow() {
            Stage::Video(v) => v.seek(at),
            Stage::Article(a) => a.scroll_to(at),
            Stage::None => {}
        }
    }

    fn leave_lesson(&self) {
        let stage = std::mem::replace(&mut *self.stage.borrow_mut(), Stage::None);
        match stage {
            Stage::Video(v) => v.dispose(),
            Stage::Article(a) => a.dispose(),
            Stage::None => {}
        }
        self.notes.borrow_mut().take();
    }

    fn dispose(&self) {
        self.leave_lesson();
        for on in self.listeners.borrow_mut().drain(..) {
            for name in ["click", "change", "input", "submit"] {
                let _ = self
                    .root
                    .remove_event_listener_with_callback(name, on.as_ref().unchecked_ref());
            }
        }
    }

    /// Re-renders every text (the locale changed).
    fn relabel(self: &Rc<Self>) {
        self.render_bar();
        self.render_outline();
        self.render_head();
        let sync_state = use_sync();
        self.render_sync(
            sync_state.pending.get_untracked(),
            sync_state.online.get_untracked(),
        );
        match &*self.stage.borrow() {
            Stage::Video(v) => v.relabel(),
            Stage::Article(a) => a.relabel(),
            Stage::None => {}
        }
        if let Some(n) = self.notes.borrow().clone() {
            n.relabel();
        }
    }

    fn render_bar(&self) {
        let t = self.t();
        let st = self.state.borrow();
        let title = st
            .outline
            .as_ref()
            .map(|o| o.title.clone())
            .unwrap_or_default();
        let back = if self.host == Host::App {
            link(
                "pl-back",
                crate::app::href::course(&self.course),
                vec![text(t.back_to_course)],
            )
        } else {
            // Inside an institution's page: the course opens in the app, in a new tab.
            link(
                "pl-back",
                crate::app::href::course(&self.course),
                vec![text(crate::embed::open_in_app(self.i18n.locale()))],
            )
            .attr("target", "_blank")
            .attr("rel", "noopener")
        };
        let toggle = (self.host != Host::EmbedLesson).then(|| {
            el(
                "button",
                "button button--quiet pl-outline-toggle",
                vec![text(t.outline)],
            )
            .attr("type", "button")
            .attr("data-act", "outline")
            .attr("aria-controls", "pl-outline")
            .attr(
                "aria-expanded",
                if st.outline_open { "true" } else { "false" },
            )
        });
        let mut bar = vec![back, span("pl-course", title)];
        bar.extend(toggle);
        fill(&self.bar, bar);
        if let Some(nav) = self.outline_head.parent_element() {
            let _ = nav.set_attribute("aria-label", t.outline);
        }
        fill(
            &self.outline_head,
            vec![
                el("h2", "", vec![text(t.outline)]),
                el(
                    "button",
                    "button button--quiet pl-outline-close",
                    vec![text(self.m().close)],
                )
                .attr("type", "button")
                .attr("data-act", "close-outline"),
            ],
        );
    }

    /// Offline banner, changes waiting, or synced.
    fn render_sync(&self, pending: usize, online: bool) {
        let t = self.t();
        let locale = self.i18n.locale();
        let line = match (online, pending) {
            (false, 0) => t.offline_banner.to_owned(),
            (false, n) => format!("{} {}", t.offline_banner, text::pending_changes(locale, n)),
            (true, 0) => t.synced.to_owned(),
            (true, n) => text::pending_changes(locale, n),
        };
        self.sync_line.set_class_name(if online {
            "pl-sync"
        } else {
            "pl-sync pl-sync--offline"
        });
        self.sync_line.set_text_content(Some(&line));
    }

    /// The outline: chapters, lessons with ticks, durations and MB.
    fn render_outline(&self) {
        let t = self.t();
        let st = self.state.borrow();
        let Some(outline) = &st.outline else { return };
        let current = st.lesson_id.as_deref().unwrap_or("");
        let chapters = outline
            .chapters
            .iter()
            .map(|ch| {
                let items = ch
                    .lessons
                    .iter()
                    .map(|l| {
                        let mut figures = vec![span("pl-dur", clock(l.duration_s))];
                        if let Some(b) = l.size_bytes {
                            figures.push(span("pl-size", i18n::megabytes(b)));
                        }
                        let tick = if st.done.contains(&l.id) {
                            span("pl-tick pl-tick--done", "✓").attr("aria-label", t.lesson_done)
                        } else {
                            span("pl-tick", "").attr("aria-hidden", "true")
                        };
                        el(
                            "li",
                            "",
                            vec![link(
                                "pl-item",
                                self.href(&l.id),
                                vec![
                                    tick,
                                    span("pl-title", l.title.clone()),
                                    el("span", "pl-figs", figures),
                                ],
                            )
                            .attr("data-lesson", l.id.clone())
                            .attr_if("aria-current", (l.id == current).then_some("page"))],
                        )
                    })
                    .collect();
                el(
                    "section",
                    "pl-chapter",
                    vec![
                        el("h3", "", vec![text(ch.title.clone())]),
                        el("ol", "", items),
                    ],
                )
            })
            .collect::<Vec<_>>();
        let mut sections = chapters;
        if !outline.quizzes.is_empty() {
            // Quizzes open their own page (in an embed, the embed's quiz page).
            let items = outline
                .quizzes
                .iter()
                .map(|(id, title)| {
                    let href = if self.host == Host::App {
                        format!("/quiz/{}", jieti_api::encode_component(id))
                    } else {
                        crate::embed::quiz_href(id, None)
                    };
                    el(
                        "li",
                        "",
                        vec![link("pl-item", href, vec![span("pl-title", title.clone())])],
                    )
                })
                .collect();
            sections.push(el(
                "section",
                "pl-chapter",
                vec![el("h3", "", vec![text(t.quizzes)]), el("ul", "", items)],
            ));
        }
        fill(&self.outline_list, sections);
    }

    fn render_main_loading(&self) {
        fill(
            &self.main,
            vec![el("div", "pl-stage pl-stage--loading", vec![]).attr("aria-busy", "true")],
        );
    }

    fn render_error(&self, error: ApiError) {
        let m = self.m();
        web_sys::console::warn_1(&format!("Jieti: {error}").into());
        let body = if matches!(error, ApiError::Network(_)) {
            m.error_network
        } else {
            m.error_server
        };
        fill(
            &self.main,
            vec![el(
                "section",
                "pl-error",
                vec![
                    el("h2", "", vec![text(m.error_title)]),
                    el("p", "", vec![text(body)]),
                    el("button", "button", vec![text(m.retry)])
                        .attr("type", "button")
                        .attr("data-act", "retry"),
                ],
            )
            .attr("role", "alert")],
        );
    }

    /// The lesson: its stage (video or article), heading and navigation, and the notes.
    fn render_lesson(self: &Rc<Self>, lesson: Rc<Lesson>) {
        crate::state::set_title(
            self.i18n,
            &format!("{} · {}", lesson.title, lesson.course_title),
        );
        self.state.borrow_mut().lesson = Some(lesson.clone());
        if self.host != Host::App {
            crate::embed::lesson_shown(&lesson);
        }
        self.main.set_text_content(None);
        if lesson.is_video {
            let v = video::VideoPlayer::new(self, lesson.clone());
            // Video first, then its tools; the heading below them.
            let _ = self.main.append_child(v.element());
            let _ = self.main.append_child(&self.head);
            let _ = self.main.append_child(v.transcript_element());
            *self.stage.borrow_mut() = Stage::Video(v);
        } else {
            let a = article::Reader::new(self, lesson.clone());
            let _ = self.main.append_child(&self.head);
            let _ = self.main.append_child(a.element());
            *self.stage.borrow_mut() = Stage::Article(a);
        }
        // Notes are the learner's own study tool in the app; an embed keeps to the lesson.
        if self.host == Host::App {
            let _ = self.main.append_child(&self.notes_box);
            *self.notes.borrow_mut() = Some(notes::Notes::new(
                self.notes_box.clone(),
                lesson.id.clone(),
                lesson.is_video,
                self.i18n,
            ));
        }
        self.render_head();
        match &*self.stage.borrow() {
            Stage::Video(v) => v.start(),
            Stage::Article(a) => a.start(),
            Stage::None => {}
        }
    }

    /// Title, chapter and length, previous/next and auto-advance.
    fn render_head(&self) {
        let t = self.t();
        let st = self.state.borrow();
        let Some(l) = &st.lesson else { return };
        let nav = |target: &Option<String>, label: &'static str, rel: &'static str| {
            target.as_ref().map(|id| {
                link("button button--quiet", self.href(id), vec![text(label)]).attr("rel", rel)
            })
        };
        let meta = format!(
            "{} · {}",
            l.chapter_title,
            i18n::duration(self.i18n.locale(), l.duration_s.div_ceil(60))
        );
        let auto = el("input", "", vec![])
            .attr("type", "checkbox")
            .attr("id", "pl-auto")
            .attr("data-act", "auto")
            .attr_if("checked", st.auto_advance.then_some(""));
        let mut row: Vec<Node> = Vec::new();
        if self.host != Host::EmbedLesson {
            row.extend(nav(&l.prev, t.prev_lesson, "prev"));
            row.push(el("label", "pl-check", vec![auto, text(t.auto_advance)]));
            row.extend(nav(&l.next, t.next_lesson, "next"));
        }
        fill(
            &self.head,
            vec![
                el(
                    "header",
                    "pl-head",
                    vec![
                        el("h1", "", vec![text(l.title.clone())]),
                        el("p", "pl-meta", vec![text(meta)]),
                    ],
                ),
                el("div", "pl-nav", row),
            ],
        );
    }

    /// Every click, change, input and submit inside the page.
    fn on_event(self: &Rc<Self>, ev: &web_sys::Event) {
        let kind = ev.type_();
        // Picking a lesson in the drawer closes it (the link itself navigates).
        if kind == "click" && closest_data(ev, "data-lesson").is_some() {
            self.set_outline(false);
            return;
        }
        let Some(act) = closest_data(ev, "data-act") else {
            return;
        };
        match (kind.as_str(), act.as_str()) {
            ("click", "outline") => {
                let open = !self.state.borrow().outline_open;
                self.set_outline(open);
            }
            ("click", "close-outline") => self.set_outline(false),
            ("click", "retry") => {
                let lesson = self.state.borrow_mut().lesson_id.take();
                if self.state.borrow().outline.is_some() {
                    self.show(lesson);
                } else {
                    self.start(lesson);
                }
            }
            ("change", "auto") => {
                let on = event_target_checked(ev);
                storage::set(AUTO_ADVANCE_KEY, if on { "1" } else { "0" });
                self.state.borrow_mut().auto_advance = on;
            }
            _ => {
                let stage = match &*self.stage.borrow() {
                    Stage::Video(v) => Some(v.clone()),
                    _ => None,
                };
                if let Some(v) = stage {
                    if v.on_control(ev, &act) {
                        return;
                    }
                }
                let notes = self.notes.borrow().clone();
                if let Some(n) = notes {
                    n.on_control(self, ev, &act);
                }
            }
        }
    }

    fn set_outline(&self, open: bool) {
        self.state.borrow_mut().outline_open = open;
        self.root
            .set_class_name(if open { "pl pl--outline" } else { "pl" });
        if let Ok(Some(b)) = self.bar.query_selector("[data-act=outline]") {
            let _ = b.set_attribute("aria-expanded", if open { "true" } else { "false" });
        }
    }
}
