//! A course's page: what it teaches, its syllabus with the data each lesson costs, the
//! institution, the price, ratings and reviews, and the enrol button (which works as a guest).

use std::rc::Rc;

use jieti_api::{CourseDetail, LessonKind, Locale, QuizMode, Review};
use wasm_bindgen::JsCast;

use super::course_card::{category_look, figures};
use crate::api::account::{delete_review, enroll, my_courses, my_review, put_review, unenroll};
use crate::api::catalog::{get_course, get_reviews};
use crate::api::{use_fetch, ApiError};
use crate::app::href;
use crate::components::dom::{
    closest_data, dom, el, element, error_nodes, holding, link, on, shown_when, span, text, Node,
};
use crate::components::{icon, loaded_page};
use crate::i18n::{self, clock, megabytes, Messages};
use crate::prelude::*;
use crate::state::session::token;
use crate::state::{use_i18n, use_session};

/// The course page of `id`: loads the course, then shows it.
pub fn page(id: String) -> web_sys::Element {
    let course = use_fetch({
        let id = id.clone();
        move || {
            let id = id.clone();
            async move { get_course(&id).await }
        }
    });
    loaded_page(course, |d| d.course.title.clone(), course_view)
}

fn course_view(detail: CourseDetail) -> web_sys::Element {
    let i18n = use_i18n();
    let detail = Rc::new(detail);
    let c = detail.course.clone();
    let first_lesson = detail
        .chapters
        .first()
        .and_then(|ch| ch.lessons.first())
        .map(|l| l.id.clone());
    let hero = {
        let d = Rc::clone(&detail);
        move || hero(&d, i18n.t(), i18n.locale())
    };
    let body = {
        let d = Rc::clone(&detail);
        move || body(&d, i18n.t(), i18n.locale())
    };
    // None: not known yet (no token means a new visitor, who is not enrolled).
    let enrolled = RwSignal::new(token().is_none().then_some(false));
    let reviews_version = RwSignal::new(0u32);
    let review_course = c.id.clone();
    holding(
        element("article", "page"),
        &[
            &dom("", hero),
            &enroll_box(
                c.id.clone(),
                c.is_free(),
                c.price_fen,
                first_lesson,
                enrolled,
            ),
            &dom("", body),
            &shown_when(
                move || enrolled.get() == Some(true),
                move || my_review_form(review_course.clone(), reviews_version),
            ),
            &reviews(
                c.id.clone(),
                c.rating,
                c.rating_count,
                detail.rating_distribution,
                reviews_version,
            ),
        ],
    )
}

/// Cover, title, figures and institution.
fn hero(d: &CourseDetail, t: &Messages, locale: Locale) -> Vec<Node> {
    let c = &d.course;
    let (cover_icon, hue) = category_look(&c.category_id);
    let mut meta = Vec::new();
    if c.rating_count > 0 {
        meta.push(span("cp-stars", format!("★ {}", i18n::tenths(c.rating))));
        meta.push(span("", i18n::ratings(locale, c.rating_count)));
    }
    meta.extend(figures(c, locale));
    meta.push(span("", i18n::level_name(t, c.level)));
    if c.certificate {
        meta.push(span("", t.with_certificate));
    }
    let mut org = vec![link(
        "",
        href::institution(&c.institution.id),
        vec![text(c.institution.name.clone())],
    )];
    if c.institution.verified {
        org.push(el("span", "", vec![text(t.verified)]));
    }
    vec![
        el("div", "cp-cover", vec![icon(cover_icon, 48)])
            .attr("style", format!("--hue: {hue}"))
            .attr("aria-hidden", "true"),
        el("h1", "cp-title", vec![text(c.title.clone())]).attr("lang", c.lang.clone()),
        el("p", "cp-subtitle", vec![text(c.subtitle.clone())]),
        el("p", "cp-meta", meta),
        el("p", "cp-meta", org),
    ]
}

/// Outcomes, syllabus (with the data each lesson costs), requirements and the description.
fn body(d: &CourseDetail, t: &Messages, locale: Locale) -> Vec<Node> {
    let c = &d.course;
    let bullets = |items: &[String]| {
        el(
            "ul",
            "cp-bullets",
            items
                .iter()
                .map(|s| el("li", "", vec![text(s.clone())]))
                .collect(),
        )
    };
    let section = |title: &str, mut content: Vec<Node>| {
        content.insert(0, el("h2", "", vec![text(title.to_owned())]));
        el("section", "cp-section", content)
    };
    let total_bytes: u64 = d
        .chapters
        .iter()
        .flat_map(|ch| &ch.lessons)
        .filter_map(|l| l.size_bytes)
        .sum();
    let mut summary =
        i18n::syllabus_summary(locale, d.chapters.len(), c.lesson_count, c.duration_minutes);
    if total_bytes > 0 {
        let rendition = d.default_rendition.as_deref().unwrap_or("");
        summary.push_str(&i18n::data_note(locale, &megabytes(total_bytes), rendition));
    }
    let mut syllabus = vec![el("p", "cp-summary", vec![text(summary)])];
    for (n, ch) in d.chapters.iter().enumerate() {
        let lessons = ch
            .lessons
            .iter()
            .map(|l| {
                let kind = match l.kind {
                    LessonKind::Video => t.kind_video,
                    LessonKind::Article => t.kind_article,
                };
                let size = l
                    .size_bytes
                    .map(|b| el("span", "cp-size", vec![text(megabytes(b))]));
                let mut row = vec![
                    el("span", "cp-kind", vec![text(kind)]),
                    // Every lesson opens in the player (a guest can preview before enrolling).
                    link(
                        "cp-lesson-title",
                        format!(
                            "/learn/{}/{}",
                            jieti_api::encode_component(&c.id),
                            jieti_api::encode_component(&l.id)
                        ),
                        vec![text(l.title.clone())],
                    ),
                    el("span", "cp-size", vec![text(clock(l.duration_s))]),
                ];
                row.extend(size);
                el("li", "cp-lesson", row)
            })
            .collect();
        let head = el(
            "summary",
            "",
            vec![
                text(ch.title.clone()),
                el(
                    "span",
                    "",
                    vec![text(i18n::lessons(locale, ch.lessons.len() as u32))],
                ),
            ],
        );
        let chapter = el("details", "cp-chapter", vec![head, el("ol", "", lessons)]);
        syllabus.push(if n == 0 {
            chapter.attr("open", "")
        } else {
            chapter
        });
    }
    let tags = el(
        "ul",
        "cp-tags",
        d.tags
            .iter()
            .map(|s| el("li", "", vec![text(s.clone())]))
            .collect(),
    );
    let quizzes: Vec<Node> = d
        .quizzes
        .iter()
        .map(|q| {
            let mode = match q.mode {
                QuizMode::Practice => t.quiz_modes[0],
                QuizMode::Graded => t.quiz_modes[1],
                QuizMode::Exam => t.quiz_modes[2],
            };
            let mut row = vec![
                el("span", "cp-kind", vec![text(mode)]),
                link(
                    "cp-lesson-title",
                    format!("/quiz/{}", jieti_api::encode_component(&q.id)),
                    vec![text(q.title.clone())],
                ),
                el(
                    "span",
                    "cp-size",
                    vec![text(i18n::questions(locale, q.question_count))],
                ),
            ];
            row.extend(
                q.time_limit_s
                    .map(|s| el("span", "cp-size", vec![text(clock(s))])),
            );
            el("li", "cp-lesson", row)
        })
        .collect();
    let mut sections = vec![
        section(t.outcomes, vec![bullets(&d.outcomes)]),
        section(t.syllabus, syllabus),
    ];
    if !quizzes.is_empty() {
        sections.push(section(t.quizzes, vec![el("ol", "cp-quizzes", quizzes)]));
    }
    sections.extend([
        section(t.requirements, vec![bullets(&d.requirements)]),
        section(
            t.about_course,
            vec![el("p", "", vec![text(d.description.clone())]), tags],
        ),
    ]);
    sections
}

/// The price, then enrol (as a guest if need be) and "start learning"; enrolled learners can also
/// leave.
/// (`free`: the course costs nothing, `price` in fen is then not shown.)
fn enroll_box(
    course: String,
    free: bool,
    price: u32,
    first_lesson: Option<String>,
    enrolled: RwSignal<Option<bool>>,
) -> web_sys::Element {
    let i18n = use_i18n();
    let session = use_session();
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<&'static str>);
    {
        let course = course.clone();
        // Re-checked when the learner changes (the guest is made, or they sign in).
        Effect::new(move |_| {
            session.me();
            if token().is_none() {
                return enrolled.set(Some(false));
            }
            let course = course.clone();
            crate::prelude::spawn_local(async move {
                // Unknown (offline): the button stays usable and says what went wrong if tapped.
                let mine = my_courses()
                    .await
                    .map(|m| m.items.iter().any(|c| c.id == course));
                let _ = enrolled.try_set(Some(mine.unwrap_or(false)));
            });
        });
    }
    let on_click = {
        let course = course.clone();
        move |ev: web_sys::Event| {
            let join = match closest_data(&ev, "data-act").as_deref() {
                Some("enroll") => true,
                Some("leave") => false,
                _ => return,
            };
            if busy.get_untracked() {
                return;
            }
            let course = course.clone();
            busy.set(true);
            message.set(None);
            crate::prelude::spawn_local(async move {
                let result = match session.ensure().await {
                    Ok(()) if join => enroll(&course).await.map(|_| ()),
                    Ok(()) => unenroll(&course).await,
                    Err(e) => Err(e),
                };
                let _ = busy.try_set(false);
                let t = i18n.t();
                let note = match result {
                    Ok(()) => {
                        let _ = enrolled.try_set(Some(join));
                        if join {
                            t.enrolled_note
                        } else {
                            t.left_note
                        }
                    }
                    Err(ApiError::Network(_)) => t.error_network,
                    Err(_) => t.error_server,
                };
                let _ = message.try_set(Some(note));
            });
        }
    };
    let learn = first_lesson.map(|l| format!("/learn/{course}/{l}"));
    let sign_up = format!(
        "{}?next={}",
        href::sign_up(),
        jieti_api::encode_component(&href::course(&course))
    );
    let tree = move || {
        let t = i18n.t();
        let (joined, busy) = (enrolled.get() == Some(true), busy.get());
        let button = |class: &str, label: &str, act: &'static str, disabled: bool| {
            el("button", class, vec![text(label.to_owned())])
                .attr("type", "button")
                .attr("data-act", act)
                .attr_if("disabled", disabled.then_some(""))
        };
        let mut controls = if joined {
            vec![
                link(
                    "button",
                    learn.clone().unwrap_or_default(),
                    vec![text(t.start_learning)],
                ),
                button("button button--quiet", t.leave_course, "leave", busy),
            ]
        } else {
            vec![button(
                "button",
                t.enroll,
                "enroll",
                busy || enrolled.get().is_none(),
            )]
        };
        let mut status = vec![text(message.get().unwrap_or_default())];
        if joined && !session.is_account() {
            status.push(text(" "));
            status.push(link("", sign_up.clone(), vec![text(t.keep_progress)]));
        }
        controls.push(el("p", "cp-status", status).attr("role", "status"));
        vec![
            if free {
                span("cp-free", t.free)
            } else {
                span("cp-price", i18n::price(price))
            },
            el("div", "cp-enroll", controls),
        ]
    };
    let buy = holding(element("div", "cp-buy"), &[&dom("contents", tree)]);
    on(&buy, "click", on_click);
    buy
}

/// The rating, its distribution, and the reviews, a page at a time.
/// (`version` is bumped when the learner saves their review: the list starts again from page 1.)
fn reviews(
    course: String,
    rating: f32,
    count: u32,
    distribution: [u64; 5],
    version: RwSignal<u32>,
) -> web_sys::Element {
    let i18n = use_i18n();
    let items = RwSignal::new(Vec::<Review>::new());
    let page = RwSignal::new(1u32);
    let more = RwSignal::new(false);
    let failed = RwSignal::new(None::<ApiError>);
    let load = move |course: String| {
        let n = page.get_untracked();
        crate::prelude::spawn_local(async move {
            match get_reviews(&course, n).await {
                Ok(p) => {
                    let _ = more.try_set(u64::from(p.page) * u64::from(p.per_page) < p.total);
                    let _ = items.try_update(|list| list.extend(p.items));
                    let _ = failed.try_set(None);
                }
                Err(e) => {
                    let _ = failed.try_set(Some(e));
                }
            }
        });
    };
    {
        let course = course.clone();
        Effect::new(move |_| {
            version.track();
            page.set(1);
            items.set(Vec::new());
            load(course.clone());
        });
    }
    let on_click = move |ev: web_sys::Event| match closest_data(&ev, "data-act").as_deref() {
        Some("more-reviews") => {
            page.update(|p| *p += 1);
            load(course.clone());
        }
        Some("reload") => load(course.clone()),
        _ => {}
    };
    let tree = move || {
        let (t, locale) = (i18n.t(), i18n.locale());
        let mut out = vec![el("h2", "", vec![text(t.reviews)])];
        if count > 0 {
            let total: u64 = distribution.iter().sum();
            let bars = (1..=5u8)
                .rev()
                .map(|stars| {
                    let pct = (distribution[usize::from(stars - 1)] * 100)
                        .checked_div(total)
                        .unwrap_or(0);
                    el(
                        "div",
                        "cp-bar",
                        vec![
                            el("span", "", vec![text(format!("{stars}★"))]),
                            el(
                                "span",
                                "cp-track",
                                vec![el("span", "cp-fill", vec![])
                                    .attr("style", format!("width: {pct}%"))],
                            ),
                            el("span", "", vec![text(format!("{pct}%"))]),
                        ],
                    )
                })
                .collect();
            out.push(el(
                "div",
                "cp-overview",
                vec![
                    el(
                        "div",
                        "",
                        vec![
                            el("p", "cp-big", vec![text(i18n::tenths(rating))]),
                            el("p", "", vec![text(i18n::ratings(locale, count))]),
                        ],
                    ),
                    el("div", "cp-bars", bars)
                        .attr("role", "img")
                        .attr("aria-label", t.rating_distribution),
                ],
            ));
        }
        let list: Vec<Node> = items.with(|list| {
            list.iter()
                .map(|r| {
                    el(
                        "li",
                        "cp-review",
                        vec![
                            el(
                                "p",
                                "cp-who",
                                vec![
                                    text(r.author.clone()),
                                    el("span", "", vec![text("★".repeat(usize::from(r.rating)))])
                                        .attr("aria-label", i18n::stars(locale, r.rating)),
                                ],
                            ),
                            el("p", "cp-review-body", vec![text(r.body.clone())]),
                        ],
                    )
                })
                .collect()
        });
        if list.is_empty() && count == 0 {
            out.push(el("p", "", vec![text(t.no_reviews)]));
        }
        out.push(el("ul", "cp-reviews", list));
        if let Some(e) = failed.get() {
            out.extend(error_nodes(i18n, &e));
        }
        if more.get() {
            out.push(
                el("button", "button button--quiet", vec![text(t.more_reviews)])
                    .attr("type", "button")
                    .attr("data-act", "more-reviews"),
            );
        }
        out
    };
    let section = holding(element("section", "cp-section"), &[&dom("", tree)]);
    on(&section, "click", on_click);
    section
}

/// The enrolled learner's own rating and review: written here, edited, or deleted.
///
/// The form is built as plain DOM (a typed view of it cost 11 KB of wasm): its controls keep
/// their own values, read on submit; one listener on the section handles submit and delete.
fn my_review_form(course: String, saved: RwSignal<u32>) -> web_sys::Element {
    let i18n = use_i18n();
    // The stored review (None until loaded or when there is none): the form is rebuilt from it.
    let mine = RwSignal::new(None::<Review>);
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<String>);
    {
        let course = course.clone();
        crate::prelude::spawn_local(async move {
            if let Ok(Some(r)) = my_review(&course).await {
                let _ = mine.try_set(Some(r));
            }
        });
    }
    let tree = move || {
        let t = i18n.t();
        let mut out = vec![el("h2", "", vec![text(t.my_review)])];
        out.extend(mine.with(|r| review_form(r.as_ref(), t, i18n.locale())));
        out
    };
    let send = move |course: String, rating: Option<u8>, body: String| {
        let t = i18n.t();
        busy.set(true);
        crate::prelude::spawn_local(async move {
            let result = match rating {
                Some(n) => put_review(&course, n, &body).await.map(Some),
                None => delete_review(&course).await.map(|()| None),
            };
            let _ = busy.try_set(false);
            let note = match result {
                Ok(review) => {
                    let note = if review.is_some() {
                        t.review_saved
                    } else {
                        t.review_deleted
                    };
                    let _ = mine.try_set(review);
                    saved.update(|v| *v += 1);
                    note.to_owned()
                }
                Err(ApiError::Network(_)) => t.error_network.to_owned(),
                // A refused review says why (too long, not enrolled any more) in the server's words.
                Err(ApiError::Status {
                    status, message, ..
                }) if status < 500 => message,
                Err(_) => t.error_server.to_owned(),
            };
            let _ = message.try_set(Some(note));
        });
    };
    let on_submit = {
        let course = course.clone();
        move |ev: web_sys::Event| {
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            let doc = document();
            let value = |selector: &str| {
                doc.query_selector(selector)
                    .ok()
                    .flatten()
                    .and_then(|el| el.dyn_into::<web_sys::HtmlInputElement>().ok())
                    .map(|el| el.value())
            };
            let rating =
                value(".cp-my-review input[name=my-rating]:checked").and_then(|v| v.parse().ok());
            let body = doc
                .query_selector(".cp-my-review textarea")
                .ok()
                .flatten()
                .and_then(|el| el.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
                .map(|el| el.value())
                .unwrap_or_default();
            match rating {
                Some(n) => send(course.clone(), Some(n), body),
                None => message.set(Some(i18n.t().err_rating.to_owned())),
            }
        }
    };
    let on_click = move |ev: web_sys::Event| {
        if closest_data(&ev, "data-delete").is_some() && !busy.get_untracked() {
            send(course.clone(), None, String::new());
        }
    };
    // The status is a tree of its own: a new message must not rebuild the form (its textarea
    // holds what the learner typed).
    let status = move || {
        vec![el("p", "", vec![text(message.get().unwrap_or_default())]).attr("role", "status")]
    };
    let section = holding(
        element("section", "cp-section"),
        &[&dom("", tree), &dom("", status)],
    );
    on(&section, "submit", on_submit);
    on(&section, "click", on_click);
    section
}

/// The review form, filled from the learner's stored review.
fn review_form(r: Option<&Review>, t: &Messages, locale: Locale) -> Vec<Node> {
    let current = r.map_or(0, |r| r.rating);
    let mut stars = vec![el("legend", "", vec![text(t.filter_rating)])];
    for n in 1..=5u8 {
        let input = el("input", "", vec![])
            .attr("type", "radio")
            .attr("name", "my-rating")
            .attr("value", n.to_string())
            .attr("id", format!("my-rating-{n}"))
            .attr_if("checked", (n == current).then_some(""));
        stars.push(
            el(
                "label",
                "cp-star",
                vec![
                    input,
                    span("", "★".repeat(usize::from(n))).attr("aria-hidden", "true"),
                    span("visually-hidden", i18n::stars(locale, n)),
                ],
            )
            .attr("for", format!("my-rating-{n}")),
        );
    }
    let textarea = el(
        "textarea",
        "",
        vec![text(r.map(|r| r.body.clone()).unwrap_or_default())],
    )
    .attr("name", "body")
    .attr("id", "my-review-body")
    .attr("rows", "4")
    .attr("maxlength", "2000");
    let mut actions =
        vec![el("button", "button", vec![text(t.save_review)]).attr("type", "submit")];
    if r.is_some() {
        actions.push(
            el(
                "button",
                "button button--quiet",
                vec![text(t.delete_review)],
            )
            .attr("type", "button")
            .attr("data-delete", ""),
        );
    }
    vec![el(
        "form",
        "cp-my-review",
        vec![
            el("fieldset", "", stars),
            el("label", "", vec![text(t.review_body), textarea]).attr("for", "my-review-body"),
            el("div", "cp-actions", actions),
        ],
    )]
}
