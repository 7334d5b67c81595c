//! The learner's dashboard (`/dashboard`), certificates (`/verify/:code`, public and printable)
//! and institution analytics (`/analytics/institution/:id`, `/analytics/course/:id`, staff).
//!
//! Plain DOM code like the player and quizzes (ADR 0011): a [`Screen`] owns the page's element,
//! its data as parsed JSON read by hand, and one delegated listener per event type. The figures
//! are all computed by the server; this code only lays them out, charts included (SVG built
//! here, each with a table alternative).

mod analytics;
mod charts;
mod text;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::dashboard as api;
use crate::api::{json_body, ApiError};
use crate::components::dom::{
    closest_data, el, element, error_nodes, keep_page, link, listen, replace_page, span, text,
    unlisten, Listener, Node, PageSlot,
};
use crate::player::data::{field, list, num, opt_text, text_of};
use crate::player::{fill, lesson_href};
use crate::prelude::*;
use crate::state::{use_i18n, use_session, I18n};
use text::DashText;

/// Which page a [`Screen`] shows.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The learner's dashboard.
    Dashboard,
    /// A certificate and its verification.
    Certificate,
    /// An institution's analytics overview.
    Institution,
    /// One course's analytics.
    Course,
}

const CSS: &str = include_str!("../../style/dashboard.css");

fn ensure_css() {
    crate::components::dom::inject_css("db-css", CSS);
}

/// The href of a certificate's public verification page.
pub fn verify_href(code: &str) -> String {
    format!("/verify/{}", jieti_api::encode_component(code))
}

/// The page for `kind` (loaded with the account chunk, see `account::MyPage`): mounts a
/// [`Screen`], loading once a session exists (certificates need none).
pub fn page(kind: Kind, id: String) -> web_sys::Element {
    ensure_css();
    let i18n = use_i18n();
    let session = use_session();
    // Loads again only when the learner changes (sign-out, sign-in), not on every session update.
    let subject = Memo::new(move |_| session.subject());
    let root = element("div", "db");
    let holder = root.clone();
    let screen: PageSlot<Screen> = Rc::new(RefCell::new(None));
    {
        let screen = screen.clone();
        Effect::new(move |_| {
            let root = holder.clone();
            if kind != Kind::Certificate && subject.get().is_none() {
                return;
            }
            let s = Screen::new(root, i18n, kind, id.clone());
            replace_page(&screen, s.clone());
            s.load();
        });
    }
    keep_page(i18n, screen);
    root
}

/// One page's state: its data as parsed JSON and what the learner has chosen on it.
pub(crate) struct Screen {
    i18n: I18n,
    root: web_sys::Element,
    kind: Kind,
    id: String,
    data: RefCell<Option<Result<JsValue, ApiError>>>,
    /// Dashboard course filter: 0 all, 1 in progress, 2 not started, 3 completed.
    filter: Cell<u8>,
    /// A status line after saving (goal saved, revocation refused).
    notice: RefCell<String>,
    listeners: RefCell<Vec<Listener>>,
    /// Set when the page is gone or replaced: answers still in flight then change nothing.
    gone: Cell<bool>,
}

impl Screen {
    fn t(&self) -> &'static DashText {
        text::text(self.i18n.locale())
    }

    fn new(root: web_sys::Element, i18n: I18n, kind: Kind, id: String) -> Rc<Screen> {
        let s = Rc::new(Screen {
            i18n,
            root,
            kind,
            id,
            data: RefCell::new(None),
            filter: Cell::new(0),
            notice: RefCell::new(String::new()),
            listeners: RefCell::new(Vec::new()),
            gone: Cell::new(false),
        });
        *s.listeners.borrow_mut() = listen(&s.root, &s, Screen::on_event);
        s
    }

    fn dispose(&self) {
        self.gone.set(true);
        unlisten(&self.root, self.listeners.borrow_mut().drain(..).collect());
    }

    fn load(self: &Rc<Self>) {
        let s = self.clone();
        crate::prelude::spawn_local(async move {
            let res = match s.kind {
                Kind::Dashboard => api::get_dashboard().await,
                Kind::Certificate => api::get_certificate(&s.id).await,
                Kind::Institution => api::get_institution_analytics(&s.id).await,
                Kind::Course => api::get_course_analytics(&s.id).await,
            };
            if s.gone.get() {
                return;
            }
            *s.data.borrow_mut() = Some(res);
            s.render();
        });
    }

    fn render(&self) {
        let t = self.t();
        let title = match (self.kind, &*self.data.borrow()) {
            (Kind::Dashboard, _) => t.title.to_owned(),
            (Kind::Certificate, Some(Ok(v))) => {
                format!("{} · {}", t.certificate, text_of(v, "course_title"))
            }
            (Kind::Certificate, _) => t.certificate.to_owned(),
            (Kind::Course, Some(Ok(v))) => format!("{} · {}", text_of(v, "title"), t.analytics),
            (Kind::Institution, Some(Ok(v))) => format!("{} · {}", text_of(v, "name"), t.analytics),
            _ => t.analytics.to_owned(),
        };
        crate::state::set_title(self.i18n, &title);
        let nodes = match &*self.data.borrow() {
            None => vec![el(
                "div",
                "db-card db-loading",
                vec![span(
                    "visually-hidden",
                    crate::i18n::messages(self.i18n.locale()).loading,
                )],
            )
            .attr("aria-busy", "true")],
            Some(Err(e)) => self.error(e),
            Some(Ok(v)) => match self.kind {
                Kind::Dashboard => self.dashboard(v),
                Kind::Certificate => self.certificate(v),
                Kind::Institution => analytics::institution(self, v),
                Kind::Course => analytics::course(self, v),
            },
        };
        fill(&self.root, nodes);
    }

    /// The error view: refusals and missing pages in the learner's language and without a retry
    /// that could not succeed; network and server errors with one.
    fn error(&self, e: &ApiError) -> Vec<Node> {
        let t = self.t();
        let body = match e {
            ApiError::Status { status: 403, .. } => t.forbidden,
            ApiError::Status { status: 404, .. } => t.not_found,
            _ => return error_nodes(self.i18n, e),
        };
        vec![el(
            "section",
            "pl-error",
            vec![
                el("h1", "db-title", vec![text(body)]),
                link("button", "/dashboard".into(), vec![text(t.title)]),
            ],
        )
        .attr("role", "alert")]
    }

    fn on_event(self: &Rc<Self>, ev: &web_sys::Event) {
        let kind = ev.type_();
        if kind == "submit" {
            ev.prevent_default();
            let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            if form.get_attribute("data-form").as_deref() == Some("goal") {
                self.save_goal(&form);
            } else if let Some(code) = form.get_attribute("data-revoke") {
                self.revoke(&form, code);
            }
            return;
        }
        if kind != "click" {
            return;
        }
        if let Some(f) = closest_data(ev, "data-filter") {
            self.notice.borrow_mut().clear();
            self.filter.set(f.parse().unwrap_or(0));
            self.render();
            crate::components::dom::focus_selector(&format!("[data-filter=\"{f}\"]"));
            return;
        }
        match closest_data(ev, "data-act").as_deref() {
            Some("reload") => {
                *self.data.borrow_mut() = None;
                self.render();
                self.load();
            }
            Some("print") => {
                let _ = window().print();
            }
            _ => {}
        }
    }

    fn save_goal(self: &Rc<Self>, form: &web_sys::HtmlFormElement) {
        let value = |name: &str| -> f64 {
            form.elements()
                .named_item(name)
                .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
                .map(|i| i.value_as_number())
                .filter(|n| n.is_finite())
                .unwrap_or(0.0)
        };
        // The browser's own zone: days then end at the learner's midnight, wherever they are.
        let zone = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
            .resolved_options();
        let zone = field(&zone, "timeZone")
            .as_string()
            .unwrap_or_else(|| "Asia/Shanghai".into());
        let body = |zone: &str| {
            json_body(&[
                ("weekly_minutes", value("weekly").round().into()),
                ("daily_minutes", value("daily").round().into()),
                ("time_zone", zone.into()),
            ])
        };
        // The zone already stored, for a browser whose zone the server does not know.
        let stored = match &*self.data.borrow() {
            Some(Ok(v)) => text_of(&field(v, "goal"), "time_zone"),
            _ => String::new(),
        };
        let (first, fallback) = (body(&zone), body(&stored));
        let s = self.clone();
        crate::prelude::spawn_local(async move {
            let mut saved = api::put_goal(first).await;
            if let Err(ApiError::Status { field: Some(f), .. }) = &saved {
                if f == "time_zone" && !stored.is_empty() {
                    saved = api::put_goal(fallback).await;
                }
            }
            if s.gone.get() {
                return;
            }
            match saved {
                Ok(_) => {
                    *s.notice.borrow_mut() = s.t().saved.to_owned();
                    // The goal changes the ring and the streak: fetch the figures again.
                    if let Ok(v) = api::get_dashboard().await {
                        *s.data.borrow_mut() = Some(Ok(v));
                    }
                }
                // Only the status changes: the form keeps what the learner typed.
                Err(e) => return s.tell("#db-goal-status", message(s.i18n, &e)),
            }
            s.render();
            crate::components::dom::focus_selector("#db-goal-status");
        });
    }

    /// Writes `text` in the status line `selector` and moves focus there, leaving the rest of
    /// the page (and what is typed in its forms) as it is.
    fn tell(&self, selector: &str, text: String) {
        if self.gone.get() {
            return;
        }
        if let Ok(Some(status)) = self.root.query_selector(selector) {
            status.set_text_content(Some(&text));
        }
        crate::components::dom::focus_selector(selector);
    }

    fn revoke(self: &Rc<Self>, form: &web_sys::HtmlFormElement, code: String) {
        let reason = form
            .elements()
            .named_item("reason")
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
            .map(|i| i.value())
            .unwrap_or_default();
        let body = json_body(&[("reason", reason.into())]);
        let s = self.clone();
        crate::prelude::spawn_local(async move {
            match api::revoke_certificate(&code, body).await {
                Ok(_) => {
                    *s.notice.borrow_mut() = format!("{} {}", s.t().revoked_done, grouped(&code));
                    if let Ok(v) = api::get_course_analytics(&s.id).await {
                        *s.data.borrow_mut() = Some(Ok(v));
                    }
                }
                Err(e) => return s.tell("#db-cert-status", message(s.i18n, &e)),
            }
            if s.gone.get() {
                return;
            }
            s.render();
            // The page was rebuilt: keyboard and screen-reader users land on the outcome.
            crate::components::dom::focus_selector("#db-cert-status");
        });
    }

    /// The learner's dashboard.
    fn dashboard(&self, v: &JsValue) -> Vec<Node> {
        let t = self.t();
        let locale = self.i18n.locale();
        let mut out = vec![el("h1", "db-title", vec![text(t.title)])];
        // Continue learning.
        let resume = field(v, "resume");
        out.push(if resume.is_object() {
            let course = text_of(&resume, "course_id");
            el(
                "section",
                "db-card db-resume",
                vec![
                    el("p", "db-kicker", vec![text(t.continue_learning)]),
                    el("h2", "db-h2", vec![text(text_of(&resume, "course_title"))]),
                    el("p", "", vec![text(text_of(&resume, "lesson_title"))]),
                    link(
                        "button",
                        lesson_href(&course, &text_of(&resume, "lesson_id")),
                        vec![text(t.resume)],
                    ),
                ],
            )
        } else {
            el(
                "section",
                "db-card db-resume",
                vec![
                    el("p", "", vec![text(t.nothing_yet)]),
                    link("button", "/".into(), vec![text(t.browse)]),
                ],
            )
        });
        out.push(self.time_card(v));
        out.push(self.chart_card(v));
        out.push(self.courses_card(v));
        // Quizzes and the wrong-answer book.
        let quizzes = field(v, "quizzes");
        let recent = list(&quizzes, "recent");
        let mut quiz_nodes = vec![el("h2", "db-h2", vec![text(t.quizzes)])];
        if recent.is_empty() {
            quiz_nodes.push(el("p", "db-note", vec![text(t.no_quizzes)]));
        } else {
            if let Some(avg) = field(&quizzes, "average_pct").as_f64() {
                quiz_nodes.push(el(
                    "p",
                    "db-big",
                    vec![span("db-lbl", t.average), text(format!("{}%", fmt1(avg)))],
                ));
            }
            quiz_nodes.push(el(
                "ul",
                "db-list",
                recent
                    .iter()
                    .map(|r| {
                        let passed = field(r, "passed").as_bool().unwrap_or(false);
                        let href = crate::quiz::quiz_href(
                            &text_of(r, "quiz_id"),
                            opt_text(r, "attempt_id").as_deref(),
                        );
                        el(
                            "li",
                            "",
                            vec![
                                link("", href, vec![text(text_of(r, "quiz_title"))]),
                                el(
                                    "span",
                                    "db-meta",
                                    vec![text(format!(
                                        " · {} · {}% · {} · {}",
                                        text_of(r, "course_title"),
                                        fmt1(num(r, "pct")),
                                        t.pass_fail[usize::from(!passed)],
                                        fmt_date(num(r, "submitted_at"), locale)
                                    ))],
                                ),
                            ],
                        )
                    })
                    .collect(),
            ));
        }
        let due = num(v, "mistakes_due") as u64;
        quiz_nodes.push(if due > 0 {
            el(
                "p",
                "db-due",
                vec![
                    text(format!("{}{due}{} ", t.mistakes_due.0, t.mistakes_due.1)),
                    link("button", "/mistakes".into(), vec![text(t.review)]),
                ],
            )
        } else {
            el("p", "db-note", vec![text(t.no_mistakes)])
        });
        out.push(el("section", "db-card", quiz_nodes));
        // Certificates.
        let certs = list(v, "certificates");
        let mut cert_nodes = vec![el("h2", "db-h2", vec![text(t.certificates)])];
        if certs.is_empty() {
            cert_nodes.push(el("p", "db-note", vec![text(t.no_certificates)]));
        } else {
            cert_nodes.push(el(
                "ul",
                "db-list",
                certs
                    .iter()
                    .map(|c| {
                        let revoked = field(c, "revoked_at").as_f64().is_some();
                        el(
                            "li",
                            "",
                            vec![
                                link(
                                    "",
                                    verify_href(&text_of(c, "code")),
                                    vec![text(format!("🎓 {}", text_of(c, "course_title")))],
                                ),
                                span(
                                    "db-meta",
                                    format!(
                                        " · {} · {}{}",
                                        text_of(c, "institution_name"),
                                        fmt_date(num(c, "issued_at") * 1000.0, locale),
                                        if revoked {
                                            format!(" · {}", t.revoked)
                                        } else {
                                            String::new()
                                        }
                                    ),
                                ),
                            ],
                        )
                    })
                    .collect(),
            ));
        }
        out.push(el("section", "db-card", cert_nodes));
        if let Some(inst) = opt_text(v, "institution_id") {
            out.push(el(
                "p",
                "",
                vec![link(
                    "button",
                    analytics::institution_href(&inst),
                    vec![text(t.analytics)],
                )],
            ));
        }
        out
    }

    fn time_card(&self, v: &JsValue) -> Node {
        let t = self.t();
        let time = field(v, "time");
        let goal = field(v, "goal");
        let streak = field(v, "streak");
        let week_min = (num(&time, "week_s") / 60.0).floor();
        let goal_min = num(&goal, "weekly_minutes");
        let notice = self.notice.borrow().clone();
        el(
            "section",
            "db-card",
            vec![
                el("h2", "db-h2", vec![text(t.study_time)]),
                el(
                    "div",
                    "db-goal",
                    vec![
                        charts::ring(
                            week_min,
                            goal_min,
                            &format!(
                                "{}: {} / {} {}",
                                t.weekly_goal,
                                int(week_min),
                                int(goal_min),
                                t.minutes
                            ),
                        ),
                        el(
                            "dl",
                            "db-facts",
                            vec![
                                fact(t.today, duration(num(&time, "today_s"), t)),
                                fact(t.this_week, duration(num(&time, "week_s"), t)),
                                fact(t.total, duration(num(&time, "total_s"), t)),
                                fact(
                                    t.streak,
                                    format!(
                                        "{}{}{} · {} {}{}{}",
                                        t.days.0,
                                        int(num(&streak, "current")),
                                        t.days.1,
                                        t.best,
                                        int(num(&streak, "best")),
                                        t.days.1,
                                        if field(&streak, "today_met").as_bool() == Some(true) {
                                            format!(" · {}", t.today_met)
                                        } else {
                                            String::new()
                                        }
                                    ),
                                ),
                            ],
                        ),
                    ],
                ),
                el(
                    "details",
                    "db-edit",
                    vec![
                        el("summary", "", vec![text(t.edit_goal)]),
                        el(
                            "form",
                            "db-form",
                            vec![
                                number_field(
                                    "weekly",
                                    t.goal_week,
                                    num(&goal, "weekly_minutes"),
                                    10,
                                    3000,
                                ),
                                number_field(
                                    "daily",
                                    t.goal_day,
                                    num(&goal, "daily_minutes"),
                                    1,
                                    600,
                                ),
                                el("button", "button", vec![text(t.save)]).attr("type", "submit"),
                            ],
                        )
                        .attr("data-form", "goal"),
                    ],
                )
                .attr_if("open", (!notice.is_empty()).then_some("")),
                el("p", "db-status", vec![text(notice)])
                    .attr("id", "db-goal-status")
                    .attr("role", "status")
                    .attr("tabindex", "-1"),
            ],
        )
    }

    fn chart_card(&self, v: &JsValue) -> Node {
        let t = self.t();
        let days: Vec<(String, f64)> = list(v, "days")
            .iter()
            .map(|d| (text_of(d, "date"), (num(d, "seconds") / 60.0).round()))
            .collect();
        let total: f64 = days.iter().map(|d| d.1).sum();
        let bars: Vec<(String, f64)> = days
            .iter()
            .map(|(d, m)| (d.get(5..).unwrap_or(d).replace('-', "/"), *m))
            .collect();
        el(
            "section",
            "db-card",
            vec![
                el("h2", "db-h2", vec![text(t.chart)]),
                charts::bars(
                    &bars,
                    &format!("{}: {} {}", t.chart, int(total), t.minutes),
                    7,
                ),
                charts::table(t.as_table, (t.date, t.minutes), &bars),
            ],
        )
    }

    fn courses_card(&self, v: &JsValue) -> Node {
        let t = self.t();
        let locale = self.i18n.locale();
        let filter = self.filter.get();
        let wanted = ["", "in_progress", "not_started", "completed"][usize::from(filter.min(3))];
        let courses = list(v, "courses");
        let shown: Vec<&JsValue> = courses
            .iter()
            .filter(|c| wanted.is_empty() || text_of(c, "status") == wanted)
            .collect();
        let buttons = t
            .filters
            .iter()
            .enumerate()
            .map(|(i, name)| {
                el("button", "db-chip", vec![text(*name)])
                    .attr("type", "button")
                    .attr("data-filter", i.to_string())
                    .attr(
                        "aria-pressed",
                        if i == usize::from(filter) {
                            "true"
                        } else {
                            "false"
                        },
                    )
            })
            .collect();
        let mut nodes = vec![
            el("h2", "db-h2", vec![text(t.my_courses)]),
            el("div", "db-chips", buttons)
                .attr("role", "group")
                .attr("aria-label", t.filter_label),
        ];
        if shown.is_empty() {
            nodes.push(el("p", "db-note", vec![text(t.no_courses)]));
        }
        nodes.push(el(
            "ul",
            "db-courses",
            shown
                .into_iter()
                .map(|c| {
                    let id = text_of(c, "course_id");
                    let pct = num(c, "percent");
                    let title = text_of(c, "title");
                    let mut parts = vec![
                        link(
                            "db-ctitle",
                            // Not app::href::course: sharing it with the catalog costs the catalog a chunk.
                            format!("/courses/{}", jieti_api::encode_component(&id)),
                            vec![text(title.clone())],
                        ),
                        span("db-meta", text_of(c, "institution_name")),
                        el("progress", "db-progress", vec![])
                            .attr("max", "100")
                            .attr("value", int(pct))
                            .attr("aria-label", format!("{title} {}%", int(pct))),
                        span(
                            "db-meta",
                            format!(
                                "{}{}/{}{} · {}%",
                                t.lessons_done.0,
                                int(num(c, "completed_lessons")),
                                int(num(c, "lesson_count")),
                                t.lessons_done.1,
                                int(pct)
                            ),
                        ),
                    ];
                    let next = field(c, "next_lesson");
                    if next.is_object() {
                        parts.push(el(
                            "p",
                            "db-next",
                            vec![
                                span("db-lbl", t.next),
                                link(
                                    "",
                                    lesson_href(&id, &text_of(&next, "id")),
                                    vec![text(text_of(&next, "title"))],
                                ),
                            ],
                        ));
                    }
                    if let Some(at) = field(c, "last_activity_ms").as_f64() {
                        parts.push(span(
                            "db-meta",
                            format!("{} {}", t.last_studied, fmt_date(at, locale)),
                        ));
                    }
                    if let Some(code) = opt_text(c, "certificate_code") {
                        parts.push(link(
                            "db-cert",
                            verify_href(&code),
                            vec![text(format!("🎓 {}", t.certificate))],
                        ));
                    }
                    el("li", "db-course", parts)
                })
                .collect(),
        ));
        el("section", "db-card", nodes)
    }

    /// A certificate with its verification status, laid out to print on one page.
    fn certificate(&self, v: &JsValue) -> Vec<Node> {
        let t = self.t();
        let locale = self.i18n.locale();
        let code = text_of(v, "code");
        let status = match field(v, "revoked_at").as_f64() {
            Some(at) => el(
                "p",
                "db-cert-status db-cert-status--revoked",
                vec![text(format!(
                    "{} · {} · {}",
                    t.revoked,
                    fmt_date(at * 1000.0, locale),
                    text_of(v, "revoked_reason")
                ))],
            ),
            None => el("p", "db-cert-status", vec![text(t.valid)]),
        };
        let url = format!(
            "{}{}",
            window().location().origin().unwrap_or_default(),
            verify_href(&code)
        );
        vec![
            status.attr("role", "status"),
            el(
                "article",
                "db-paper",
                vec![
                    el("p", "db-kicker", vec![text("阶梯 Jieti")]),
                    el("h1", "db-cert-title", vec![text(t.certificate)]),
                    el("p", "", vec![text(t.certifies)]),
                    el(
                        "p",
                        "db-holder",
                        vec![text(
                            opt_text(v, "holder").unwrap_or_else(|| t.unnamed.into()),
                        )],
                    ),
                    el("p", "", vec![text(t.completed_course)]),
                    el(
                        "p",
                        "db-course-name",
                        vec![text(text_of(v, "course_title"))],
                    ),
                    el(
                        "dl",
                        "db-cert-facts",
                        vec![
                            fact(t.awarded_by, text_of(v, "institution_name")),
                            fact(t.issued, fmt_date(num(v, "issued_at") * 1000.0, locale)),
                            fact(t.code, grouped(&code)),
                            fact(t.verify_at, url),
                        ],
                    ),
                ],
            ),
            el("button", "button db-noprint", vec![text(t.print)])
                .attr("type", "button")
                .attr("data-act", "print"),
        ]
    }
}

/// A certificate code in groups of five (`92TQ7-BSBNK-…`), easier to read out and type.
pub(crate) fn grouped(code: &str) -> String {
    let groups: Vec<&str> = code
        .as_bytes()
        .chunks(5)
        .filter_map(|c| std::str::from_utf8(c).ok())
        .collect();
    groups.join("-")
}

impl crate::components::dom::DomPage for Screen {
    fn render(&self) {
        Screen::render(self);
    }

    fn dispose(&self) {
        Screen::dispose(self);
    }
}

/// A fact of the dashboard's definition lists.
fn fact(label: &str, value: impl Into<String>) -> Node {
    crate::components::dom::fact("db-fact", label, value)
}

fn number_field(name: &str, label: &str, value: f64, min: u32, max: u32) -> Node {
    let id = format!("db-{name}");
    el(
        "p",
        "db-field",
        vec![
            el("label", "", vec![text(label)]).attr("for", id.clone()),
            el("input", "db-input", vec![])
                .attr("id", id)
                .attr("name", name.to_owned())
                .attr("type", "number")
                .attr("inputmode", "numeric")
                .attr("required", "")
                .attr("min", min.to_string())
                .attr("max", max.to_string())
                .attr("value", int(value)),
        ],
    )
}

/// `1 小时 5 分钟` / `1 h 5 min`.
fn duration(seconds: f64, t: &DashText) -> String {
    let m = (seconds / 60.0).floor() as u64;
    if m >= 60 {
        let h = if t.minutes == "min" { "h" } else { "小时" };
        format!("{} {h} {} {}", m / 60, m % 60, t.minutes)
    } else {
        format!("{m} {}", t.minutes)
    }
}

/// A whole number as text. Figures go through integers or JS: Rust's float formatting would add
/// about 10 KB to the chunk.
pub(crate) fn int(x: f64) -> String {
    if x.is_finite() {
        (x.round() as i64).to_string()
    } else {
        String::new()
    }
}

/// `x` with `digits` decimals, formatted by JS.
pub(crate) fn fixed(x: f64, digits: u8) -> String {
    js_sys::Number::from(x)
        .to_fixed(digits)
        .map(String::from)
        .unwrap_or_default()
}

/// One decimal, without a trailing `.0`.
pub(crate) fn fmt1(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        int(r)
    } else {
        fixed(r, 1)
    }
}

/// A date in the learner's locale, from Unix ms.
pub(crate) fn fmt_date(ms: f64, locale: jieti_api::Locale) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(ms));
    d.to_locale_date_string(locale.as_str(), &JsValue::UNDEFINED)
        .as_string()
        .unwrap_or_default()
}

/// The text of an error for a status line.
fn message(i18n: I18n, e: &ApiError) -> String {
    match e {
        ApiError::Status { message, .. } => message.clone(),
        _ => crate::i18n::messages(i18n.locale())
            .error_network
            .to_owned(),
    }
}
