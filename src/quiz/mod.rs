//! Quizzes (`/quiz/:id`, `/quiz/:id/:attempt`) and the wrong-answer book (`/mistakes`).
//!
//! Plain DOM code like the player (ADR 0011): a [`Runner`] owns the page's elements and state and
//! one delegated listener per event type. Answers live in memory and in localStorage
//! (`jieti.quiz.<attempt>`) until the server has them: autosaved a moment after each change,
//! retried when the network returns, and a submission made offline waits there as "pending"
//! with its client-made id, so it is sent exactly once however often it is retried.

mod mistakes;
mod text;
mod widgets;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::quiz as api;
use crate::api::ApiError;
use crate::components::dom::{
    closest_data, el, element, error_nodes, keep_page, link, listen, span, text, unlisten,
    Listener, Node, PageSlot,
};
use crate::player::data::{field, list, num, object, opt_text, text_of};
use crate::player::fill;
use crate::prelude::*;
use crate::router::{navigate, use_url};
use crate::state::sync::{new_id, now_ms, stringify};
use crate::state::{storage, use_i18n, use_session, I18n};
use text::QuizText;
pub(crate) use widgets::KINDS;
use widgets::{fmt_num, Question};

// One chunk for quizzes and the wrong-answer book: every split point adds shared chunks to every
// route (ADR 0009), and the two pages share almost all their code. An empty id is the book.
crate::split_page!(
    quiz_chunk,
    fn quiz_page(id: String) {
        if id.is_empty() {
            mistakes::page()
        } else {
            quiz_view(id)
        }
    }
);

/// The quiz pages' styles: injected when a quiz page first shows, so they travel in the quiz
/// chunks instead of the shell every route loads.
const CSS: &str = include_str!("../../style/quiz.css");

fn ensure_css() {
    crate::components::dom::inject_css("qz-css", CSS);
}

/// The href of a quiz, or of one attempt at it (in an embed, the embed's).
pub fn quiz_href(quiz: &str, attempt: Option<&str>) -> String {
    if crate::embed::active() {
        return crate::embed::quiz_href(quiz, attempt);
    }
    let q = jieti_api::encode_component(quiz);
    match attempt {
        Some(a) => format!("/quiz/{q}/{}", jieti_api::encode_component(a)),
        None => format!("/quiz/{q}"),
    }
}

/// Moves to `href`: inside the embed, or with the app's router.
fn go(href: &str) {
    if crate::embed::active() {
        crate::embed::go(href);
    } else {
        navigate(href, false);
    }
}

/// The link to the wrong-answer book (an app page: none inside an embed).
fn mistakes_link(t: &QuizText) -> Option<Node> {
    (!crate::embed::active()).then(|| {
        link(
            "button button--quiet",
            "/mistakes".into(),
            vec![text(t.mistakes)],
        )
    })
}

/// Mounts a quiz in an embed's `root`; the function returned shows an attempt (None: the rules).
pub(crate) fn mount_embed(root: web_sys::Element, quiz: String, i18n: I18n) -> crate::embed::Show {
    ensure_css();
    let holder = crate::player::make(el("div", "qz", vec![]));
    let _ = root.append_child(&holder);
    let r = Runner::new(holder, quiz, i18n);
    Rc::new(move |attempt| r.show(attempt))
}

/// `m:ss` or `h:mm:ss`.
fn clock(ms: f64) -> String {
    let s = (ms / 1000.0).ceil().max(0.0) as u64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// A strip button's name: `第3题 ✓` once answered.
fn dot_label(t: &QuizText, zh: bool, i: usize, answered: bool) -> String {
    let mark = if answered { " ✓" } else { "" };
    if zh {
        format!("{}{}题{mark}", t.question, i + 1)
    } else {
        format!("{} {}{mark}", t.question, i + 1)
    }
}

/// The quiz page of quiz `id`.
fn quiz_view(id: String) -> web_sys::Element {
    ensure_css();
    let i18n = use_i18n();
    let session = use_session();
    // Loads again only when the learner changes (sign-out, sign-in), not on every session update.
    let subject = Memo::new(move |_| session.subject());
    let url = use_url();
    let root = element("div", "qz");
    let holder = root.clone();
    let runner: PageSlot<Runner> = Rc::new(RefCell::new(None));
    let attempt_in_url = Memo::new(move |_| url.with(|u| u.segments().get(2).cloned()));
    {
        let runner = runner.clone();
        Effect::new(move |_| {
            let root = holder.clone();
            let attempt = attempt_in_url.get();
            // Attempts are the learner's: load once the learner is known (a guest is made first).
            if subject.get().is_none() {
                return;
            }
            let existing = runner.borrow().clone();
            let r = match existing {
                Some(r) => r,
                None => {
                    let r = Runner::new(root, id.clone(), i18n);
                    *runner.borrow_mut() = Some(r.clone());
                    r
                }
            };
            // Rendering reads the locale; that must not make this effect load again.
            untrack(|| r.show(attempt));
        });
    }
    keep_page(i18n, runner);
    root
}

impl crate::components::dom::DomPage for Runner {
    fn render(&self) {
        Runner::render(self);
    }

    fn dispose(&self) {
        Runner::dispose(self);
    }
}

/// An attempt being taken or reviewed.
struct Take {
    id: String,
    /// The attempt's JSON as last received (cached for offline reloads).
    raw: JsValue,
    mode: String,
    questions: Vec<Question>,
    /// Answers by question id (`Answer` JSON), as shown now.
    answers: Object,
    /// Question ids changed since the server last confirmed them.
    dirty: Vec<String>,
    /// Practice feedback by question id.
    checked: Object,
    /// Orderings the learner has moved.
    touched: Vec<bool>,
    current: usize,
    /// Exam deadline on this device's clock.
    deadline: Option<f64>,
    /// Client-made id of a submission not yet confirmed.
    pending_submit: Option<String>,
    confirming: bool,
    result: Option<JsValue>,
    announced: u8,
    save_timer: Option<i32>,
    /// A save is in flight (one at a time, so an older one never lands last).
    saving: bool,
    status: &'static str,
}

impl Take {
    /// The changed answers to send: cleared ones as their kind's empty value.
    fn outgoing(&self) -> Object {
        let out = Object::new();
        for q in &self.dirty {
            let a = field(&self.answers, q);
            let a = if a.is_undefined() {
                let kind = self
                    .questions
                    .iter()
                    .find(|x| &x.id == q)
                    .map_or(0, |x| x.kind);
                widgets::empty_answer(kind)
            } else {
                a
            };
            let _ = Reflect::set(&out, &q.into(), &a);
        }
        out
    }
}

/// What the page shows.
enum Screen {
    Loading,
    Landing(JsValue),
    Take(Box<Take>),
    Failed(ApiError),
}

/// The quiz page's owner: elements, state, listeners and timers.
struct Runner {
    quiz_id: String,
    i18n: I18n,
    root: web_sys::Element,
    screen: RefCell<Screen>,
    /// The attempt the URL names.
    wanted: RefCell<Option<String>>,
    listeners: RefCell<Vec<Listener>>,
    /// The window's `online` listener and the one-second ticker's callback.
    window_on: RefCell<Vec<Closure<dyn Fn()>>>,
    ticker: Cell<Option<i32>>,
    generation: Cell<u32>,
    disposed: Cell<bool>,
}

const CACHE_PREFIX: &str = "jieti.quiz.";

impl Runner {
    fn t(&self) -> &'static QuizText {
        text::text(self.i18n.locale())
    }

    fn zh(&self) -> bool {
        self.i18n.locale() != jieti_api::Locale::En
    }

    fn new(root: web_sys::Element, quiz_id: String, i18n: I18n) -> Rc<Runner> {
        let r = Rc::new(Runner {
            quiz_id,
            i18n,
            root,
            screen: RefCell::new(Screen::Loading),
            wanted: RefCell::new(None),
            listeners: RefCell::new(Vec::new()),
            window_on: RefCell::new(Vec::new()),
            ticker: Cell::new(None),
            generation: Cell::new(0),
            disposed: Cell::new(false),
        });
        *r.listeners.borrow_mut() = listen(&r.root, &r, Runner::on_event);
        // Back online: send what waits. Every second: the exam clock, and retries.
        let weak = Rc::downgrade(&r);
        let online = Closure::<dyn Fn()>::new(move || {
            if let Some(r) = weak.upgrade() {
                r.flush();
            }
        });
        let _ =
            window().add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
        let weak = Rc::downgrade(&r);
        let tick = Closure::<dyn Fn()>::new(move || {
            if let Some(r) = weak.upgrade() {
                r.tick();
            }
        });
        if let Ok(id) = window().set_interval_with_callback_and_timeout_and_arguments_0(
            tick.as_ref().unchecked_ref(),
            1000,
        ) {
            r.ticker.set(Some(id));
        }
        *r.window_on.borrow_mut() = vec![online, tick];
        r
    }

    fn dispose(&self) {
        self.disposed.set(true);
        unlisten(&self.root, self.listeners.borrow_mut().drain(..).collect());
        if let Some(id) = self.ticker.take() {
            window().clear_interval_with_handle(id);
        }
        if let Some(on) = self.window_on.borrow_mut().drain(..).next() {
            let _ =
                window().remove_event_listener_with_callback("online", on.as_ref().unchecked_ref());
        }
        if let Screen::Take(t) = &*self.screen.borrow() {
            if let Some(h) = t.save_timer {
                window().clear_timeout_with_handle(h);
            }
        }
    }

    /// Shows the landing (no attempt) or an attempt.
    fn show(self: &Rc<Self>, attempt: Option<String>) {
        let same = match (&*self.screen.borrow(), &attempt) {
            (Screen::Take(t), Some(a)) => &t.id == a,
            _ => false,
        };
        *self.wanted.borrow_mut() = attempt.clone();
        if same {
            return;
        }
        let gen = self.generation.get() + 1;
        self.generation.set(gen);
        let cached = attempt.as_deref().and_then(load_cache);
        match (&attempt, cached) {
            // What this device knows shows at once (offline too); the server's copy follows.
            (Some(_), Some(c)) => self.set_take(&field(&c, "attempt"), Some(&c), true),
            _ => self.set_screen(Screen::Loading),
        }
        let r = self.clone();
        crate::prelude::spawn_local(async move {
            let answer = match &attempt {
                Some(a) => api::get_attempt(a).await,
                None => api::get_quiz(&r.quiz_id).await,
            };
            if r.disposed.get() || r.generation.get() != gen {
                return;
            }
            match (answer, attempt) {
                (Ok(v), Some(_)) => {
                    let cache = load_cache(&text_of(&v, "id"));
                    r.set_take(&v, cache.as_ref(), false);
                    r.flush();
                }
                (Ok(v), None) => {
                    crate::state::set_title(r.i18n, &text_of(&field(&v, "quiz"), "title"));
                    r.set_screen(Screen::Landing(v));
                }
                (Err(e), Some(_))
                    if e.is_transient() && matches!(&*r.screen.borrow(), Screen::Take(_)) =>
                {
                    // Offline with a cached attempt: keep working on it.
                    web_sys::console::warn_1(&format!("Jieti: {e}").into());
                }
                (Err(e), _) => r.set_screen(Screen::Failed(e)),
            }
        });
    }

    fn set_screen(&self, s: Screen) {
        *self.screen.borrow_mut() = s;
        self.render();
    }

    /// Takes an attempt from the server's JSON, merged with this device's unsent answers.
    fn set_take(&self, v: &JsValue, cache: Option<&JsValue>, from_cache: bool) {
        let questions: Vec<Question> = list(v, "questions").iter().map(Question::read).collect();
        let mut answers: Object = field(v, "answers").dyn_into().unwrap_or_default();
        let mut dirty = Vec::new();
        let mut pending_submit = None;
        let id = text_of(v, "id");
        // The same attempt already on screen: its answers are the newest (the server only has
        // what this page sent), whatever a reply read earlier says.
        let on_screen = match &mut *self.screen.borrow_mut() {
            Screen::Take(t) if t.id == id && t.result.is_none() => {
                if let Some(h) = t.save_timer.take() {
                    window().clear_timeout_with_handle(h);
                }
                Some((
                    t.answers.clone(),
                    std::mem::take(&mut t.dirty),
                    t.pending_submit.take(),
                    t.announced,
                    t.deadline,
                ))
            }
            _ => None,
        };
        let mut announced = 0;
        let mut kept_deadline = None;
        if let Some((a, d, p, n, dl)) = on_screen {
            answers = a;
            dirty = d;
            pending_submit = p;
            announced = n;
            kept_deadline = dl;
        } else if let Some(c) = cache {
            // Unsent local answers win over the server's older copy.
            let local = field(c, "answers");
            for id in list(c, "dirty").iter().filter_map(|d| d.as_string()) {
                let a = field(&local, &id);
                if !a.is_undefined() {
                    let _ = Reflect::set(&answers, &id.clone().into(), &a);
                    dirty.push(id);
                }
            }
            pending_submit = opt_text(c, "submit");
        }
        let result = field(v, "result");
        let submitted = text_of(v, "status") == "submitted";
        if submitted {
            dirty.clear();
            pending_submit = None;
        }
        // Cleared answers travel as empty values; on screen they are no answer.
        for q in &questions {
            if widgets::is_blank(&field(&answers, &q.id)) {
                let _ = Reflect::delete_property(&answers, &q.id.clone().into());
            }
        }
        // The exam clock on this device: from the server's clock when fresh, as stored when
        // read from the cache (its `server_now_ms` is as old as the copy).
        let offset = num(v, "server_now_ms") - now_ms();
        let fresh = field(v, "deadline_ms").as_f64().map(|d| d - offset);
        let deadline = if from_cache {
            cache
                .and_then(|c| field(c, "deadline_local").as_f64())
                .or(kept_deadline)
                .or(fresh)
        } else {
            fresh
        };
        let current = match &*self.screen.borrow() {
            Screen::Take(t) if t.id == text_of(v, "id") => t.current,
            _ => 0,
        };
        let take = Take {
            id,
            raw: v.clone(),
            mode: text_of(v, "mode"),
            touched: questions
                .iter()
                .map(|q| q.kind == 5 && !field(&answers, &q.id).is_undefined())
                .collect(),
            questions,
            answers,
            dirty,
            checked: field(v, "checked").dyn_into().unwrap_or_default(),
            current,
            deadline,
            pending_submit,
            confirming: false,
            result: (submitted && !result.is_undefined()).then_some(result),
            announced,
            save_timer: None,
            saving: false,
            status: "",
        };
        if take.result.is_some() {
            storage::remove(&format!("{CACHE_PREFIX}{}", take.id));
        } else {
            save_cache(&take);
        }
        *self.screen.borrow_mut() = Screen::Take(Box::new(take));
        self.render();
    }

    /// Renders the whole screen.
    fn render(&self) {
        let nodes = match &*self.screen.borrow() {
            Screen::Loading => {
                vec![el("div", "qz-card qz-loading", vec![]).attr("aria-busy", "true")]
            }
            Screen::Failed(e) => error_nodes(self.i18n, e),
            Screen::Landing(v) => self.landing(v),
            Screen::Take(t) => match &t.result {
                Some(res) => self.results(t, res),
                None => self.taking(t),
            },
        };
        fill(&self.root, nodes);
    }

    fn mode_name(&self, mode: &str) -> &'static str {
        let t = self.t();
        match mode {
            "practice" => t.modes[0],
            "exam" => t.modes[2],
            _ => t.modes[1],
        }
    }

    fn landing(&self, v: &JsValue) -> Vec<Node> {
        let t = self.t();
        let q = field(v, "quiz");
        let fact = |k: &str, val: String| crate::components::dom::fact("qz-fact", k, val);
        let minutes = |s: f64| {
            if self.zh() {
                format!("{} 分钟", fmt_num(s / 60.0))
            } else {
                format!("{} min", fmt_num(s / 60.0))
            }
        };
        let mut facts = vec![fact(t.questions, fmt_num(num(&q, "question_count")))];
        if let Some(s) = field(&q, "time_limit_s").as_f64() {
            facts.push(fact(t.time_limit, minutes(s)));
        }
        facts.push(fact(
            t.pass_mark,
            format!("{}%", fmt_num(num(v, "pass_pct"))),
        ));
        let max = num(v, "max_attempts");
        facts.push(fact(
            t.attempts_allowed,
            if max == 0.0 {
                t.unlimited.to_owned()
            } else {
                fmt_num(max)
            },
        ));
        let open = opt_text(v, "open_attempt");
        let action = match (&open, field(v, "can_start").as_bool() == Some(true)) {
            (Some(_), _) => el("button", "button button--primary", vec![text(t.resume)])
                .attr("type", "button")
                .attr("data-act", "start"),
            (None, true) => el("button", "button button--primary", vec![text(t.start)])
                .attr("type", "button")
                .attr("data-act", "start"),
            (None, false) => el("p", "qz-note", vec![text(t.no_attempts_left)]),
        };
        let attempts = list(v, "attempts")
            .iter()
            .filter(|a| text_of(a, "status") == "submitted")
            .map(|a| {
                let passed = field(a, "passed").as_bool() == Some(true);
                el(
                    "li",
                    "",
                    vec![link(
                        "",
                        quiz_href(&self.quiz_id, Some(&text_of(a, "id"))),
                        vec![text(format!(
                            "#{} · {}% · {}",
                            fmt_num(num(a, "number")),
                            fmt_num(num(a, "pct")),
                            if passed { t.passed } else { t.failed }
                        ))],
                    )],
                )
            })
            .collect::<Vec<_>>();
        let mut nodes = vec![
            el(
                "p",
                "qz-kicker",
                vec![
                    link(
                        "",
                        crate::embed::course_href(&text_of(&q, "course_id")),
                        vec![text(text_of(v, "course_title"))],
                    ),
                    text(format!(" · {}", self.mode_name(&text_of(&q, "mode")))),
                ],
            ),
            el("h1", "qz-title", vec![text(text_of(&q, "title"))]),
        ];
        let desc = text_of(v, "description");
        if !desc.is_empty() {
            nodes.push(el("p", "qz-desc", vec![text(desc)]));
        }
        nodes.push(el("dl", "qz-facts", facts));
        let mut actions = vec![action];
        actions.extend(mistakes_link(t));
        nodes.push(el("div", "qz-actions", actions));
        if !attempts.is_empty() {
            nodes.push(el("h2", "qz-h2", vec![text(t.your_attempts)]));
            nodes.push(el("ul", "qz-attempts", attempts));
        }
        vec![el("section", "qz-card", nodes)]
    }

    fn taking(&self, take: &Take) -> Vec<Node> {
        let t = self.t();
        let n = take.questions.len();
        let strip = take
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let answered = !field(&take.answers, &q.id).is_undefined();
                let cls = match (i == take.current, answered) {
                    (true, _) => "qz-dot qz-dot--cur",
                    (false, true) => "qz-dot qz-dot--done",
                    _ => "qz-dot",
                };
                let label = dot_label(t, self.zh(), i, answered);
                el("button", cls, vec![text((i + 1).to_string())])
                    .attr("type", "button")
                    .attr("data-act", "go")
                    .attr("data-i", i.to_string())
                    .attr("aria-label", label)
                    .attr_if("aria-current", (i == take.current).then_some("step"))
            })
            .collect();
        let mut head = vec![el("h1", "qz-title", vec![text(self.mode_name(&take.mode))])];
        if let Some(d) = take.deadline {
            head.push(
                el(
                    "p",
                    "qz-timer",
                    vec![
                        span("qz-lbl", t.time_left),
                        span("qz-clock", clock(d - now_ms())),
                    ],
                )
                .attr("role", "timer")
                .attr("id", "qz-timer"),
            );
        }
        // Up to the current question now; those after it (hidden on phones, below it on
        // desktops) after the first paint: an exam of 50 questions made one long task of
        // starting. Questions above the current one are never late: on a desktop, where all
        // are shown, they would push it down when they came.
        let mut questions = Vec::new();
        let mut after = Vec::new();
        for (i, q) in take.questions.iter().enumerate() {
            let node = self.question(take, i, q);
            if i <= take.current {
                questions.push(node);
            } else {
                after.push(node);
            }
        }
        if !after.is_empty() {
            questions.push(Node::Later(after));
        }
        let last = take.current + 1 >= n;
        let nav = el(
            "div",
            "qz-nav",
            vec![
                el("button", "button button--quiet qz-prev", vec![text(t.prev)])
                    .attr("type", "button")
                    .attr("data-act", "prev")
                    .attr_if("disabled", (take.current == 0).then_some("")),
                el("button", "button button--quiet qz-next", vec![text(t.next)])
                    .attr("type", "button")
                    .attr("data-act", "next")
                    .attr_if("disabled", last.then_some("")),
                el("button", "button button--primary", vec![text(t.submit)])
                    .attr("type", "button")
                    .attr("data-act", "submit")
                    .attr_if("disabled", take.pending_submit.as_ref().map(|_| "")),
            ],
        );
        let mut nodes = vec![
            el("div", "qz-head", head),
            el("nav", "qz-strip", strip).attr("aria-label", t.questions),
            el("p", "qz-status", vec![text(self.status_text(take))])
                .attr("role", "status")
                .attr("id", "qz-status"),
            el("div", "qz-qs", questions),
            nav,
            el("p", "qz-sr", vec![])
                .attr("aria-live", "assertive")
                .attr("id", "qz-live"),
        ];
        if take.confirming {
            nodes.push(self.confirm(take));
        }
        nodes
    }

    fn status_text(&self, take: &Take) -> String {
        let t = self.t();
        if take.pending_submit.is_some() {
            return if take.status == "sending" {
                t.submitting
            } else {
                t.submit_pending
            }
            .to_owned();
        }
        match take.status {
            "saved" => t.saved.to_owned(),
            "offline" => t.saved_here.to_owned(),
            "refused" => crate::i18n::messages(self.i18n.locale())
                .error_request
                .to_owned(),
            s => s.to_owned(),
        }
    }

    fn question(&self, take: &Take, i: usize, q: &Question) -> Node {
        let t = self.t();
        let fb = field(&take.checked, &q.id);
        let locked = !fb.is_undefined() || take.pending_submit.is_some();
        let answer = field(&take.answers, &q.id);
        let mut body = vec![
            el(
                "h2",
                "qz-qh",
                vec![text(widgets::heading(t, self.zh(), i + 1, q))],
            )
            .attr("id", format!("qh-{i}"))
            .attr("tabindex", "-1"),
            widgets::widget(t, q, i, &answer, locked),
        ];
        if take.mode == "practice" {
            if fb.is_undefined() {
                body.push(
                    el("button", "button qz-check", vec![text(t.check)])
                        .attr("type", "button")
                        .attr("data-act", "check"),
                );
            } else {
                body.push(el("div", "qz-fb", widgets::feedback(t, q, &fb)));
            }
        }
        let cls = if i == take.current {
            "qz-q qz-q--cur"
        } else {
            "qz-q"
        };
        el("section", cls, body)
            .attr("data-q", q.id.clone())
            .attr("data-i", i.to_string())
            .attr("aria-labelledby", format!("qh-{i}"))
    }

    fn confirm(&self, take: &Take) -> Node {
        let t = self.t();
        let missing: Vec<Node> = take
            .questions
            .iter()
            .enumerate()
            .filter(|(_, q)| field(&take.answers, &q.id).is_undefined())
            .map(|(i, _)| {
                el("button", "qz-dot", vec![text((i + 1).to_string())])
                    .attr("type", "button")
                    .attr("data-act", "go")
                    .attr("data-i", i.to_string())
            })
            .collect();
        let mut body = vec![el("h2", "", vec![text(t.confirm_title)]).attr("id", "qz-confirm-h")];
        if missing.is_empty() {
            body.push(el("p", "", vec![text(t.all_answered)]));
        } else {
            body.push(el("p", "", vec![text(t.unanswered)]));
            body.push(el("div", "qz-missing", missing));
        }
        body.push(el(
            "div",
            "qz-actions",
            vec![
                el(
                    "button",
                    "button button--primary",
                    vec![text(t.submit_anyway)],
                )
                .attr("type", "button")
                .attr("data-act", "confirm")
                .attr("id", "qz-confirm"),
                el("button", "button button--quiet", vec![text(t.keep_going)])
                    .attr("type", "button")
                    .attr("data-act", "cancel"),
            ],
        ));
        el("div", "qz-dialog", body)
            .attr("role", "alertdialog")
            .attr("aria-modal", "false")
            .attr("aria-labelledby", "qz-confirm-h")
    }

    fn results(&self, take: &Take, res: &JsValue) -> Vec<Node> {
        let t = self.t();
        let passed = field(res, "passed").as_bool() == Some(true);
        let mut summary = vec![
            el(
                "h1",
                "qz-title",
                vec![text(format!(
                    "{} · {}",
                    self.mode_name(&take.mode),
                    if passed { t.passed } else { t.failed }
                ))],
            ),
            el(
                "p",
                if passed {
                    "qz-pct qz-pct--pass"
                } else {
                    "qz-pct"
                },
                vec![text(format!("{}%", fmt_num(num(res, "pct"))))],
            ),
            el(
                "p",
                "",
                vec![text(format!(
                    "{} {} / {}",
                    t.score,
                    fmt_num(num(res, "score")),
                    fmt_num(num(res, "max"))
                ))],
            ),
        ];
        if field(res, "auto_submitted").as_bool() == Some(true) {
            summary.push(el("p", "qz-note", vec![text(t.auto_submitted)]));
        }
        if field(res, "answers_shown").as_bool() != Some(true) {
            summary.push(el("p", "qz-note", vec![text(t.answers_hidden)]));
        }
        let mut actions = vec![el("button", "button button--primary", vec![text(t.retry)])
            .attr("type", "button")
            .attr("data-act", "again")];
        actions.extend(mistakes_link(t));
        summary.push(el("div", "qz-actions", actions));
        let review = list(res, "review")
            .iter()
            .enumerate()
            .filter_map(|(i, fb)| {
                let qid = text_of(fb, "question_id");
                let q = take.questions.iter().find(|q| q.id == qid)?;
                let mut body = vec![
                    el(
                        "h3",
                        "qz-qh",
                        vec![text(widgets::heading(t, self.zh(), i + 1, q))],
                    ),
                    el("p", "qz-prompt", vec![text(q.prompt.clone())]),
                ];
                body.extend(widgets::feedback(t, q, fb));
                Some(el("li", "qz-rev", body))
            })
            .collect();
        vec![
            el("section", "qz-card qz-result", summary).attr("aria-live", "polite"),
            el("ol", "qz-review", review),
        ]
    }

    fn with_take<R>(&self, f: impl FnOnce(&mut Take) -> R) -> Option<R> {
        match &mut *self.screen.borrow_mut() {
            Screen::Take(t) => Some(f(t)),
            _ => None,
        }
    }

    fn on_event(self: &Rc<Self>, ev: &web_sys::Event) {
        let kind = ev.type_();
        if kind != "click" {
            self.on_input(ev);
            return;
        }
        let Some(act) = closest_data(ev, "data-act") else {
            return;
        };
        match act.as_str() {
            "reload" => {
                let wanted = self.wanted.borrow().clone();
                *self.screen.borrow_mut() = Screen::Loading;
                self.show(wanted);
            }
            "start" => self.start(),
            // Back to the rules: they offer a new attempt only where one remains.
            "again" => go(&quiz_href(&self.quiz_id, None)),
            "go" | "prev" | "next" => {
                let to = closest_data(ev, "data-i").and_then(|s| s.parse::<usize>().ok());
                let confirming = self.with_take(|t| {
                    let n = t.questions.len();
                    t.current = match act.as_str() {
                        "prev" => t.current.saturating_sub(1),
                        "next" => (t.current + 1).min(n.saturating_sub(1)),
                        _ => to.unwrap_or(t.current).min(n.saturating_sub(1)),
                    };
                    std::mem::replace(&mut t.confirming, false)
                });
                if confirming == Some(false) {
                    self.show_current();
                } else {
                    self.render();
                }
                let i = self.with_take(|t| t.current).unwrap_or(0);
                if let Some(h) = document().get_element_by_id(&format!("qh-{i}")) {
                    if let Ok(h) = h.dyn_into::<web_sys::HtmlElement>() {
                        let _ = h.focus();
                    }
                }
            }
            "up" | "down" => {
                let Some(item) = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .and_then(|e| e.closest("[data-item]").ok().flatten())
                else {
                    return;
                };
                let Some(pos) = widgets::move_item(&item, if act == "up" { -1 } else { 1 }) else {
                    return;
                };
                if let Ok(Some(b)) = item.query_selector(&format!("[data-act={act}]")) {
                    if let Ok(b) = b.dyn_into::<web_sys::HtmlElement>() {
                        let _ = b.focus();
                    }
                }
                let t = self.t();
                let said = if self.zh() {
                    format!("{}{pos}位", t.moved_to)
                } else {
                    format!("{} {pos}", t.moved_to)
                };
                if let Some(live) = document().get_element_by_id("qz-live") {
                    live.set_text_content(Some(&said));
                }
                self.on_input(ev);
            }
            "check" => self.check(ev),
            "submit" => {
                self.with_take(|t| t.confirming = true);
                self.render();
                crate::components::dom::focus_selector("#qz-confirm");
            }
            "cancel" => {
                self.with_take(|t| t.confirming = false);
                self.render();
                crate::components::dom::focus_selector(".qz-nav .button--primary");
            }
            "confirm" => self.submit(),
            _ => {}
        }
    }

    /// Shows the current question by updating classes and buttons in place: rebuilding the screen
    /// (every question of an exam) on each move was a long task on slow phones.
    fn show_current(&self) {
        let Ok(list) = self
            .root
            .query_selector_all(".qz-qs > [data-i], .qz-strip [data-i]")
        else {
            return;
        };
        let (t, zh) = (self.t(), self.zh());
        // Moved before the other questions were built (they come a frame after the screen):
        // theirs would be the old classes, so the screen is rebuilt around the new one.
        let sections = self
            .root
            .query_selector_all(".qz-qs > [data-i]")
            .map_or(0, |l| l.length() as usize);
        if self.with_take(|take| take.questions.len()) != Some(sections) {
            self.render();
            return;
        }
        let last = self.with_take(|take| {
            for k in 0..list.length() {
                let Some(el) = list
                    .item(k)
                    .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                else {
                    continue;
                };
                let i = el
                    .get_attribute("data-i")
                    .and_then(|s| s.parse::<usize>().ok());
                let here = i == Some(take.current);
                if el.tag_name() == "SECTION" {
                    el.set_class_name(if here { "qz-q qz-q--cur" } else { "qz-q" });
                    continue;
                }
                let answered = i
                    .and_then(|i| take.questions.get(i))
                    .is_some_and(|q| !field(&take.answers, &q.id).is_undefined());
                el.set_class_name(match (here, answered) {
                    (true, _) => "qz-dot qz-dot--cur",
                    (false, true) => "qz-dot qz-dot--done",
                    _ => "qz-dot",
                });
                let _ = if here {
                    el.set_attribute("aria-current", "step")
                } else {
                    el.remove_attribute("aria-current")
                };
                let _ = el.set_attribute("aria-label", &dot_label(t, zh, i.unwrap_or(0), answered));
            }
            (take.current == 0, take.current + 1 >= take.questions.len())
        });
        let Some((first, last)) = last else { return };
        for (selector, off) in [(".qz-prev", first), (".qz-next", last)] {
            if let Ok(Some(b)) = self.root.query_selector(selector) {
                let _ = if off {
                    b.set_attribute("disabled", "")
                } else {
                    b.remove_attribute("disabled")
                };
            }
        }
    }

    /// An answer changed: keep it, mark it for saving, and save shortly.
    fn on_input(self: &Rc<Self>, ev: &web_sys::Event) {
        let Some(section) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("[data-q]").ok().flatten())
        else {
            return;
        };
        let Some(i) = section
            .get_attribute("data-i")
            .and_then(|s| s.parse::<usize>().ok())
        else {
            return;
        };
        let is_move = ev.type_() == "click";
        let changed = self.with_take(|t| {
            let q = t.questions.get(i)?;
            if is_move {
                if let Some(x) = t.touched.get_mut(i) {
                    *x = true;
                }
            }
            // Multiple choice: a pick over the limit is undone at once.
            if q.max_choices > 0 && q.kind == 1 {
                let checked = section
                    .query_selector_all("input:checked")
                    .map(|l| l.length())
                    .unwrap_or(0);
                if checked > q.max_choices {
                    if let Some(input) = ev
                        .target()
                        .and_then(|x| x.dyn_into::<web_sys::HtmlInputElement>().ok())
                    {
                        input.set_checked(false);
                    }
                }
            }
            let answer =
                widgets::read_answer(q, &section, t.touched.get(i).copied().unwrap_or(false));
            let key: JsValue = q.id.clone().into();
            match &answer {
                Some(a) => {
                    let _ = Reflect::set(&t.answers, &key, a);
                }
                None => {
                    let _ = Reflect::delete_property(&t.answers, &key);
                }
            }
            if !t.dirty.contains(&q.id) {
                t.dirty.push(q.id.clone());
            }
            save_cache(t);
            // The strip dot shows answered or not without rebuilding the question being typed in.
            let dot = format!(".qz-strip [data-i=\"{i}\"]");
            if let Ok(Some(d)) = self.root.query_selector(&dot) {
                let cls = match (i == t.current, answer.is_some()) {
                    (true, _) => "qz-dot qz-dot--cur",
                    (false, true) => "qz-dot qz-dot--done",
                    _ => "qz-dot",
                };
                d.set_class_name(cls);
                let _ = d.set_attribute(
                    "aria-label",
                    &dot_label(self.t(), self.zh(), i, answer.is_some()),
                );
            }
            Some(())
        });
        if changed.flatten().is_some() {
            self.schedule_save(1200);
        }
    }

    fn schedule_save(self: &Rc<Self>, ms: i32) {
        let weak = Rc::downgrade(self);
        let cb = Closure::once_into_js(move || {
            if let Some(r) = weak.upgrade() {
                r.with_take(|t| t.save_timer = None);
                r.save();
            }
        });
        let handle = window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), ms)
            .ok();
        self.with_take(|t| {
            if let Some(h) = t.save_timer.take() {
                window().clear_timeout_with_handle(h);
            }
            t.save_timer = handle;
        });
    }

    /// Sends changed answers; keeps them marked until the server confirms.
    fn save(self: &Rc<Self>) {
        let Some((id, body, sent)) = self
            .with_take(|t| {
                if t.saving
                    || t.dirty.is_empty()
                    || t.pending_submit.is_some()
                    || t.result.is_some()
                {
                    return None;
                }
                t.saving = true;
                let sent: Vec<(String, String)> = t
                    .dirty
                    .iter()
                    .map(|q| (q.clone(), stringify(&field(&t.answers, q))))
                    .collect();
                Some((
                    t.id.clone(),
                    stringify(&object(&[("answers", t.outgoing().into())])),
                    sent,
                ))
            })
            .flatten()
        else {
            return;
        };
        let r = self.clone();
        crate::prelude::spawn_local(async move {
            let res = api::save_answers(&id, body).await;
            if r.disposed.get() {
                return;
            }
            let same = r.with_take(|t| {
                t.saving = false;
                t.id == id
            });
            if same != Some(true) {
                return;
            }
            match res {
                Ok(_) => {
                    r.with_take(|t| {
                        // Only what did not change while the request was out is confirmed.
                        t.dirty.retain(|q| {
                            !sent
                                .iter()
                                .any(|(sq, sa)| sq == q && *sa == stringify(&field(&t.answers, q)))
                        });
                        t.status = if t.dirty.is_empty() { "saved" } else { "" };
                        save_cache(t);
                    });
                    // Changes made meanwhile go next.
                    if r.with_take(|t| !t.dirty.is_empty()) == Some(true) {
                        r.schedule_save(300);
                    }
                }
                Err(ApiError::Status { status: 409, .. }) => {
                    // Submitted elsewhere, or time is up: show the result.
                    *r.screen.borrow_mut() = Screen::Loading;
                    r.show(Some(id));
                    return;
                }
                Err(e) if e.is_transient() => {
                    r.with_take(|t| t.status = "offline");
                }
                Err(e) => {
                    // Refused (no honest client should see this): say so instead of retrying
                    // the same refusal forever, and keep the answers on the page.
                    web_sys::console::warn_1(&format!("Jieti: {e}").into());
                    r.with_take(|t| {
                        t.dirty.clear();
                        t.status = "refused";
                        save_cache(t);
                    });
                }
            }
            r.render_status();
        });
    }

    fn render_status(&self) {
        let line = match &*self.screen.borrow() {
            Screen::Take(t) => self.status_text(t),
            _ => return,
        };
        if let Some(s) = document().get_element_by_id("qz-status") {
            s.set_text_content(Some(&line));
        }
    }

    /// Practice: asks the server about one answer; the feedback locks it.
    fn check(self: &Rc<Self>, ev: &web_sys::Event) {
        let Some(i) = closest_data(ev, "data-i").and_then(|s| s.parse::<usize>().ok()) else {
            return;
        };
        let Some((id, qid, answer)) = self
            .with_take(|t| {
                let q = t.questions.get(i)?;
                Some((t.id.clone(), q.id.clone(), field(&t.answers, &q.id)))
            })
            .flatten()
        else {
            return;
        };
        if answer.is_undefined() {
            crate::components::dom::focus_selector(&format!("[data-i=\"{i}\"] input, [data-i=\"{i}\"] select, [data-i=\"{i}\"] textarea, [data-i=\"{i}\"] .qz-mv"));
            return;
        }
        let body = stringify(&object(&[
            ("question_id", qid.clone().into()),
            ("answer", answer),
        ]));
        let r = self.clone();
        crate::prelude::spawn_local(async move {
            match api::check_answer(&id, body).await {
                Ok(fb) => {
                    r.with_take(|t| {
                        let _ = Reflect::set(&t.checked, &qid.clone().into(), &fb);
                        t.dirty.retain(|q| q != &qid);
                        save_cache(t);
                    });
                    r.render();
                    crate::components::dom::focus_after_frame(format!("#qh-{i}"));
                }
                Err(e) => {
                    let m = crate::i18n::messages(r.i18n.locale());
                    web_sys::console::warn_1(&format!("Jieti: {e}").into());
                    if let Some(live) = document().get_element_by_id("qz-live") {
                        live.set_text_content(Some(m.error_network));
                    }
                }
            }
        });
    }

    /// Submits (after the confirmation, or when time runs out): queued first, then sent.
    fn submit(self: &Rc<Self>) {
        self.with_take(|t| {
            if t.pending_submit.is_none() {
                t.pending_submit = Some(new_id());
            }
            t.confirming = false;
            if let Some(h) = t.save_timer.take() {
                window().clear_timeout_with_handle(h);
            }
            save_cache(t);
        });
        self.render();
        self.send_submit();
    }

    fn send_submit(self: &Rc<Self>) {
        let Some((id, body)) = self
            .with_take(|t| {
                if t.status == "sending" || t.result.is_some() {
                    return None;
                }
                let sid = t.pending_submit.clone()?;
                t.status = "sending";
                // Only the changes: the server merges them over what it saved, so a stale copy
                // on this page can never overwrite a newer saved answer.
                Some((
                    t.id.clone(),
                    stringify(&object(&[
                        ("submission_id", sid.into()),
                        ("answers", t.outgoing().into()),
                    ])),
                ))
            })
            .flatten()
        else {
            return;
        };
        self.render_status();
        let r = self.clone();
        crate::prelude::spawn_local(async move {
            let res = api::submit(&id, body).await;
            if r.disposed.get() {
                return;
            }
            match res {
                Ok(v) => {
                    r.set_take(&v, None, false);
                    r.report_result(&v);
                    window().scroll_to_with_x_and_y(0.0, 0.0);
                    crate::components::dom::focus_selector(".qz-result h1");
                }
                Err(e) if e.is_transient() => {
                    web_sys::console::warn_1(&format!("Jieti: {e}").into());
                    r.with_take(|t| t.status = "");
                    r.render_status();
                }
                Err(e) => {
                    // Refused: the submission will not succeed by resending; unlock the page.
                    web_sys::console::warn_1(&format!("Jieti: {e}").into());
                    r.with_take(|t| {
                        t.pending_submit = None;
                        t.status = "refused";
                        save_cache(t);
                    });
                    r.render();
                }
            }
        });
    }

    /// Sends whatever waits: a queued submission, else changed answers.
    fn flush(self: &Rc<Self>) {
        let (pending, dirty) = self
            .with_take(|t| {
                (
                    t.pending_submit.is_some() && t.result.is_none(),
                    !t.dirty.is_empty(),
                )
            })
            .unwrap_or((false, false));
        if pending {
            self.send_submit();
        } else if dirty {
            self.save();
        }
    }

    /// Every second: the exam clock (submitting at zero), and retries every 10 s.
    fn tick(self: &Rc<Self>) {
        let Some((deadline, announced, open)) =
            self.with_take(|t| (t.deadline, t.announced, t.result.is_none()))
        else {
            return;
        };
        if !open {
            return;
        }
        let secs = (now_ms() / 1000.0) as u64;
        if secs.is_multiple_of(10) {
            self.flush();
        }
        let Some(d) = deadline else { return };
        let left = d - now_ms();
        if let Some(c) = self.root.query_selector(".qz-clock").ok().flatten() {
            c.set_text_content(Some(&clock(left)));
        }
        let t = self.t();
        let say = if left <= 60_000.0 && announced < 2 {
            Some((2, t.one_minute))
        } else if left <= 300_000.0 && announced < 1 {
            Some((1, t.five_minutes))
        } else {
            None
        };
        if let Some((level, words)) = say {
            self.with_take(|t| t.announced = level);
            if let Some(live) = document().get_element_by_id("qz-live") {
                live.set_text_content(Some(words));
            }
        }
        if left <= 0.0 {
            let queued = self
                .with_take(|t| t.pending_submit.is_some())
                .unwrap_or(true);
            if !queued {
                self.submit();
            }
        }
    }

    /// Tells an embed's host how a submission fared: each question answered, then passed or failed.
    fn report_result(&self, v: &JsValue) {
        if !crate::embed::active() {
            return;
        }
        let res = field(v, "result");
        if !res.is_object() {
            return;
        }
        let prompts = match &*self.screen.borrow() {
            Screen::Take(t) => t
                .questions
                .iter()
                .map(|q| (q.id.clone(), (q.prompt.clone(), KINDS[q.kind])))
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        };
        for fb in list(&res, "review") {
            let id = text_of(&fb, "question_id");
            let (prompt, kind) = prompts
                .iter()
                .find(|(q, _)| *q == id)
                .map(|(_, p)| p.clone())
                .unwrap_or_default();
            crate::embed::emit(
                "answered",
                "",
                &[
                    ("quiz", self.quiz_id.as_str().into()),
                    ("question", id.as_str().into()),
                    ("prompt", prompt.into()),
                    ("kind", kind.into()),
                    ("outcome", field(&fb, "outcome")),
                    ("score", field(&fb, "score")),
                    ("max", field(&fb, "max")),
                    ("response", field(&fb, "answer")),
                ],
            );
        }
        crate::embed::emit(
            "quiz_result",
            "",
            &[
                ("quiz", self.quiz_id.as_str().into()),
                ("score", field(&res, "score")),
                ("max", field(&res, "max")),
                ("passed", field(&res, "passed")),
            ],
        );
    }

    /// Starts (or resumes) an attempt and opens it.
    fn start(self: &Rc<Self>) {
        let r = self.clone();
        let gen = self.generation.get() + 1;
        self.generation.set(gen);
        crate::prelude::spawn_local(async move {
            // The request in the task after the tap's: the tap's own task (pointer events, focus,
            // the click) is long enough on a slow phone without `fetch` in it.
            crate::components::dom::next_task().await;
            if r.disposed.get() || r.generation.get() != gen {
                return;
            }
            let res = api::start_attempt(&r.quiz_id).await;
            // Left the page, or moved on, meanwhile: do not pull the learner back.
            if r.disposed.get() || r.generation.get() != gen {
                return;
            }
            match res {
                Ok(v) => {
                    let id = text_of(&v, "id");
                    r.set_take(&v, load_cache(&id).as_ref(), false);
                    *r.wanted.borrow_mut() = Some(id.clone());
                    // The URL (and what follows it: the header, the title) in a task of its
                    // own: building the attempt's screen is a long enough task on a slow phone.
                    crate::components::dom::next_task().await;
                    if r.disposed.get() || r.generation.get() != gen {
                        return;
                    }
                    go(&quiz_href(&r.quiz_id, Some(&id)));
                    crate::components::dom::focus_after_frame("#qh-0".into());
                }
                Err(e) => r.set_screen(Screen::Failed(e)),
            }
        });
    }
}

/// This device's copy of an attempt: the server's JSON, unsent answers, a pending submission.
fn load_cache(attempt: &str) -> Option<JsValue> {
    storage::get(&format!("{CACHE_PREFIX}{attempt}")).and_then(|s| js_sys::JSON::parse(&s).ok())
}

fn save_cache(t: &Take) {
    let dirty: js_sys::Array = t.dirty.iter().map(|d| JsValue::from_str(d)).collect();
    let mut fields = vec![
        ("attempt", t.raw.clone()),
        ("answers", t.outgoing().into()),
        ("dirty", dirty.into()),
    ];
    if let Some(d) = t.deadline {
        fields.push(("deadline_local", d.into()));
    }
    if let Some(s) = &t.pending_submit {
        fields.push(("submit", s.into()));
    }
    storage::set(
        &format!("{CACHE_PREFIX}{}", t.id),
        &stringify(&object(&fields)),
    );
}
