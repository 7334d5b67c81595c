//! The wrong-answer book (`/mistakes`): what is due, and review sessions that move each question
//! between Leitner boxes on the server.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::quiz_href;
use super::text::{self, QuizText};
use super::widgets::{self, fmt_num, Question};
use crate::api::quiz as api;
use crate::api::ApiError;
use crate::components::dom::{
    closest_data, el, element, error_nodes, keep_page, link, listen, replace_page, span, text,
    unlisten, Listener, Node, PageSlot,
};
use crate::player::data::{field, list, num, object, text_of};
use crate::player::fill;
use crate::prelude::*;
use crate::state::sync::{now_ms, stringify};
use crate::state::{use_i18n, use_session, I18n};

/// The wrong-answer book page.
pub fn page() -> web_sys::Element {
    super::ensure_css();
    let i18n = use_i18n();
    let session = use_session();
    // Loads again only when the learner changes (sign-out, sign-in), not on every session update.
    let subject = Memo::new(move |_| session.subject());
    let root = element("div", "qz");
    let holder = root.clone();
    let book: PageSlot<Book> = Rc::new(RefCell::new(None));
    {
        let book = book.clone();
        Effect::new(move |_| {
            let root = holder.clone();
            if subject.get().is_none() {
                return;
            }
            let b = Book::new(root, i18n);
            replace_page(&book, b.clone());
            b.load();
        });
    }
    keep_page(i18n, book);
    root
}

/// A review session over the questions due.
struct Session {
    queue: Vec<JsValue>,
    at: usize,
    /// The server's `ReviewOutcome` for the current question, once answered.
    outcome: Option<JsValue>,
}

struct Book {
    i18n: I18n,
    root: web_sys::Element,
    data: RefCell<Option<Result<JsValue, ApiError>>>,
    session: RefCell<Option<Session>>,
    touched: Cell<bool>,
    /// A review answer is on its way (a second click must not move the question twice).
    busy: Cell<bool>,
    listeners: RefCell<Vec<Listener>>,
}

impl Book {
    fn t(&self) -> &'static QuizText {
        text::text(self.i18n.locale())
    }

    fn new(root: web_sys::Element, i18n: I18n) -> Rc<Book> {
        let b = Rc::new(Book {
            i18n,
            root,
            data: RefCell::new(None),
            session: RefCell::new(None),
            touched: Cell::new(false),
            busy: Cell::new(false),
            listeners: RefCell::new(Vec::new()),
        });
        *b.listeners.borrow_mut() = listen(&b.root, &b, Book::on_event);
        b
    }

    fn dispose(&self) {
        unlisten(&self.root, self.listeners.borrow_mut().drain(..).collect());
    }

    fn load(self: &Rc<Self>) {
        let b = self.clone();
        crate::prelude::spawn_local(async move {
            let res = api::get_mistakes().await;
            *b.data.borrow_mut() = Some(res);
            b.render();
        });
    }

    fn render(&self) {
        crate::state::set_title(self.i18n, self.t().mistakes);
        let nodes = match &*self.data.borrow() {
            None => vec![el("div", "qz-card qz-loading", vec![]).attr("aria-busy", "true")],
            Some(Err(e)) => error_nodes(self.i18n, e),
            Some(Ok(v)) => match &*self.session.borrow() {
                Some(s) => self.session_view(s),
                None => self.overview(v),
            },
        };
        fill(&self.root, nodes);
    }

    fn overview(&self, v: &JsValue) -> Vec<Node> {
        let t = self.t();
        let s = field(v, "summary");
        let fact = |k: &str, n: f64| crate::components::dom::fact("qz-fact", k, fmt_num(n));
        let due = num(&s, "due");
        let action = if due > 0.0 {
            el(
                "button",
                "button button--primary",
                vec![text(t.start_review)],
            )
            .attr("type", "button")
            .attr("data-act", "review")
        } else {
            el("p", "qz-note", vec![text(t.nothing_due)])
        };
        let now = now_ms();
        let items = list(v, "items")
            .iter()
            .map(|m| {
                let q = Question::read(&field(m, "question"));
                let is_due = num(m, "due_at_ms") <= now;
                el(
                    "li",
                    "qz-rev",
                    vec![
                        el(
                            "p",
                            "qz-kicker",
                            vec![
                                link(
                                    "",
                                    quiz_href(&text_of(m, "quiz_id"), None),
                                    vec![text(text_of(m, "quiz_title"))],
                                ),
                                text(format!(" · {} {}", t.box_label, fmt_num(num(m, "box_no")))),
                                if is_due {
                                    span("qz-due", format!(" · {}", t.due))
                                } else {
                                    text("")
                                },
                            ],
                        ),
                        el("p", "qz-prompt", vec![text(q.prompt)]),
                    ],
                )
            })
            .collect::<Vec<_>>();
        let mut card = vec![
            el("h1", "qz-title", vec![text(t.mistakes)]),
            el(
                "dl",
                "qz-facts",
                vec![
                    fact(t.due, due),
                    fact(t.active, num(&s, "active")),
                    fact(t.mastered, num(&s, "mastered")),
                ],
            ),
            el("div", "qz-actions", vec![action]),
        ];
        if !items.is_empty() {
            card.push(el("ol", "qz-review", items));
        }
        vec![el("section", "qz-card", card)]
    }

    fn session_view(&self, s: &Session) -> Vec<Node> {
        let t = self.t();
        let zh = self.i18n.locale() != jieti_api::Locale::En;
        let Some(m) = s.queue.get(s.at) else {
            return vec![el(
                "section",
                "qz-card",
                vec![
                    el("h1", "qz-title", vec![text(t.review_done)])
                        .attr("id", "qh-0")
                        .attr("tabindex", "-1"),
                    el(
                        "div",
                        "qz-actions",
                        vec![
                            el("button", "button button--primary", vec![text(t.mistakes)])
                                .attr("type", "button")
                                .attr("data-act", "done"),
                        ],
                    ),
                ],
            )];
        };
        let q = Question::read(&field(m, "question"));
        let locked = s.outcome.is_some();
        let mut body = vec![
            el(
                "p",
                "qz-kicker",
                vec![text(format!(
                    "{} · {}/{}",
                    text_of(m, "quiz_title"),
                    s.at + 1,
                    s.queue.len()
                ))],
            ),
            el(
                "h2",
                "qz-qh",
                vec![text(widgets::heading(t, zh, s.at + 1, &q))],
            )
            .attr("id", "qh-0")
            .attr("tabindex", "-1"),
            widgets::widget(t, &q, 0, &JsValue::UNDEFINED, locked),
        ];
        match &s.outcome {
            None => body.push(
                el(
                    "button",
                    "button button--primary qz-check",
                    vec![text(t.check)],
                )
                .attr("type", "button")
                .attr("data-act", "answer"),
            ),
            Some(o) => {
                let mut fb = widgets::feedback(t, &q, &field(o, "feedback"));
                let line = if field(o, "mastered").as_bool() == Some(true) {
                    t.now_mastered.to_owned()
                } else {
                    let days = ((num(o, "due_at_ms") - now_ms()) / 86_400_000.0).max(0.0);
                    let when = if days < 0.5 {
                        if zh {
                            "稍后".to_owned()
                        } else {
                            "soon".to_owned()
                        }
                    } else if zh {
                        format!("{} 天后", fmt_num(days.round()))
                    } else {
                        format!("in {} days", fmt_num(days.round()))
                    };
                    format!(
                        "{} {}（{} {}）",
                        t.next_review,
                        when,
                        t.box_label,
                        fmt_num(num(o, "box_no"))
                    )
                };
                fb.push(el("p", "qz-note", vec![text(line)]));
                body.push(el("div", "qz-fb", fb).attr("role", "status"));
                body.push(
                    el("button", "button button--primary", vec![text(t.next)])
                        .attr("type", "button")
                        .attr("data-act", "next-m")
                        .attr("id", "qz-next-m"),
                );
            }
        }
        vec![el("section", "qz-card qz-q qz-q--cur", body)
            .attr("data-q", q.id)
            .attr("data-i", "0")]
    }

    fn on_event(self: &Rc<Self>, ev: &web_sys::Event) {
        if ev.type_() != "click" {
            return;
        }
        let Some(act) = closest_data(ev, "data-act") else {
            return;
        };
        match act.as_str() {
            "reload" => {
                *self.data.borrow_mut() = None;
                self.render();
                self.load();
            }
            "review" => {
                let now = now_ms();
                let queue = match &*self.data.borrow() {
                    Some(Ok(v)) => list(v, "items")
                        .into_iter()
                        .filter(|m| num(m, "due_at_ms") <= now)
                        .collect(),
                    _ => Vec::new(),
                };
                *self.session.borrow_mut() = Some(Session {
                    queue,
                    at: 0,
                    outcome: None,
                });
                self.touched.set(false);
                self.render();
                crate::components::dom::focus_selector("#qh-0");
            }
            "up" | "down" => {
                if let Some(item) = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .and_then(|e| e.closest("[data-item]").ok().flatten())
                {
                    widgets::move_item(&item, if act == "up" { -1 } else { 1 });
                    self.touched.set(true);
                }
            }
            "answer" => self.answer(),
            "next-m" => {
                if let Some(s) = self.session.borrow_mut().as_mut() {
                    s.at += 1;
                    s.outcome = None;
                }
                self.touched.set(false);
                self.render();
                crate::components::dom::focus_selector("#qh-0");
            }
            "done" => {
                *self.session.borrow_mut() = None;
                *self.data.borrow_mut() = None;
                self.render();
                self.load();
            }
            _ => {}
        }
    }

    fn answer(self: &Rc<Self>) {
        if self.busy.get() {
            return;
        }
        let Some((qid, answer)) = ({
            let s = self.session.borrow();
            s.as_ref().and_then(|s| {
                let q = Question::read(&field(s.queue.get(s.at)?, "question"));
                let section = self.root.query_selector("[data-q]").ok().flatten()?;
                let a = widgets::read_answer(&q, &section, self.touched.get())?;
                Some((q.id, a))
            })
        }) else {
            crate::components::dom::focus_selector(
                "[data-q] input, [data-q] select, [data-q] textarea, [data-q] .qz-mv",
            );
            return;
        };
        let body = stringify(&object(&[("answer", answer)]));
        let b = self.clone();
        self.busy.set(true);
        crate::prelude::spawn_local(async move {
            let res = api::review(&qid, body).await;
            b.busy.set(false);
            match res {
                Ok(o) => {
                    if let Some(s) = b.session.borrow_mut().as_mut() {
                        s.outcome = Some(o);
                    }
                    b.render();
                    crate::components::dom::focus_selector("#qz-next-m");
                }
                Err(e) if e.is_transient() => {
                    // Keep the session: the learner tries again when the network is back.
                    web_sys::console::warn_1(&format!("Jieti: {e}").into());
                    let m = crate::i18n::messages(b.i18n.locale());
                    if let Ok(Some(p)) = b.root.query_selector(".qz-check") {
                        let _ = p.set_attribute("aria-describedby", "qz-review-error");
                    }
                    if let Ok(Some(card)) = b.root.query_selector("[data-q]") {
                        if card
                            .query_selector("#qz-review-error")
                            .ok()
                            .flatten()
                            .is_none()
                        {
                            let note = crate::player::make(
                                el("p", "qz-note", vec![text(m.error_network)])
                                    .attr("id", "qz-review-error")
                                    .attr("role", "alert"),
                            );
                            let _ = card.append_child(&note);
                        }
                    }
                }
                Err(e) => {
                    *b.data.borrow_mut() = Some(Err(e));
                    *b.session.borrow_mut() = None;
                    b.render();
                }
            }
        });
    }
}

impl crate::components::dom::DomPage for Book {
    fn render(&self) {
        Book::render(self);
    }

    fn dispose(&self) {
        Book::dispose(self);
    }
}
