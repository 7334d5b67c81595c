//! Institution analytics pages for staff: the overview with the quality index, and one course's
//! enrolments, completion funnel, quiz scores and item analysis, and certificates.

use wasm_bindgen::JsValue;

use super::{charts, fact, fixed, fmt1, fmt_date, int, Screen};
use crate::components::dom::{el, link, span, text, Node};
use crate::player::data::{field, list, num, opt_text, text_of};

/// The href of an institution's analytics.
pub fn institution_href(id: &str) -> String {
    format!("/analytics/institution/{}", jieti_api::encode_component(id))
}

/// The href of a course's analytics.
pub fn course_href(id: &str) -> String {
    format!("/analytics/course/{}", jieti_api::encode_component(id))
}

/// A share as a whole percentage, or "—".
fn pct(share: Option<f64>) -> String {
    share.map_or_else(|| "—".into(), |s| format!("{}%", fmt1(s * 100.0)))
}

fn opt_num(v: &JsValue, name: &str) -> Option<f64> {
    field(v, name).as_f64()
}

fn cell(tag: &'static str, s: impl Into<String>) -> Node {
    let n = el(tag, "", vec![text(s)]);
    if tag == "th" {
        n.attr("scope", "col")
    } else {
        n
    }
}

/// A table in a scrollable region named `label` (keyboard users scroll it once focused).
fn table(label: &str, heads: &[&str], rows: Vec<Vec<Node>>) -> Node {
    el(
        "div",
        "db-scroll",
        vec![el(
            "table",
            "db-table",
            vec![
                el(
                    "thead",
                    "",
                    vec![el("tr", "", heads.iter().map(|h| cell("th", *h)).collect())],
                ),
                el(
                    "tbody",
                    "",
                    rows.into_iter().map(|r| el("tr", "", r)).collect(),
                ),
            ],
        )],
    )
    .attr("tabindex", "0")
    .attr("role", "region")
    .attr("aria-label", label)
}

/// The institution overview.
pub fn institution(s: &Screen, v: &JsValue) -> Vec<Node> {
    let t = s.t();
    let q = field(v, "quality");
    let score = opt_num(&q, "score").map_or_else(|| "—".into(), int);
    let rating = opt_num(&q, "rating").map_or_else(|| "—".into(), fmt1);
    let components = vec![
        fact(t.quality, score),
        fact(t.components[0], pct(opt_num(&q, "completion_rate"))),
        fact(t.components[1], rating),
        fact(t.components[2], int(num(&q, "active_learners"))),
        fact(t.components[3], pct(opt_num(&q, "employment_rate"))),
        fact(t.components[4], pct(opt_num(&q, "assessment_quality"))),
    ];
    let rows = list(v, "courses")
        .iter()
        .map(|c| {
            let (enrolled, completed) = (num(c, "enrolled"), num(c, "completed"));
            vec![
                el(
                    "td",
                    "",
                    vec![link(
                        "",
                        course_href(&text_of(c, "course_id")),
                        vec![text(text_of(c, "title"))],
                    )],
                ),
                cell("td", int(enrolled)),
                cell(
                    "td",
                    format!(
                        "{} ({})",
                        int(completed),
                        pct((enrolled > 0.0).then(|| completed / enrolled))
                    ),
                ),
                cell("td", int(num(c, "flagged_items"))),
            ]
        })
        .collect();
    vec![
        el(
            "h1",
            "db-title",
            vec![text(format!("{} · {}", text_of(v, "name"), t.analytics))],
        ),
        // The embed settings page (src/embed/settings.rs, in another chunk: the path, not its fn).
        link(
            "button button--quiet",
            format!("{}/embed", institution_href(&s.id)),
            vec![text(t.embed_settings)],
        ),
        el(
            "section",
            "db-card",
            vec![
                el("h2", "db-h2", vec![text(t.quality)]),
                el("dl", "db-facts", components),
                el("p", "db-note", vec![text(t.quality_note)]),
                el(
                    "p",
                    "db-note",
                    vec![text(format!(
                        "{} {} · {} {}",
                        t.items_analysed,
                        int(num(v, "items_analysed")),
                        t.flagged,
                        int(num(v, "items_flagged"))
                    ))],
                ),
            ],
        ),
        el(
            "section",
            "db-card",
            vec![
                el("h2", "db-h2", vec![text(t.course)]),
                table(
                    t.course,
                    &[t.course, t.enrolled, t.completed, t.flagged],
                    rows,
                ),
            ],
        ),
    ]
}

/// One course's analytics.
pub fn course(s: &Screen, v: &JsValue) -> Vec<Node> {
    let t = s.t();
    let enrolled = num(v, "enrolled");
    let completed = num(v, "completed");
    let mut out = vec![
        link(
            "db-back",
            institution_href(&text_of(v, "institution_id")),
            vec![text(format!("← {}", t.back))],
        ),
        el("h1", "db-title", vec![text(text_of(v, "title"))]),
        el(
            "section",
            "db-card",
            vec![el(
                "dl",
                "db-facts",
                vec![
                    fact(t.enrolled, int(enrolled)),
                    fact(t.completed, int(completed)),
                    fact(
                        t.completion_rate,
                        pct((enrolled > 0.0).then(|| completed / enrolled)),
                    ),
                    fact(
                        t.avg_days,
                        opt_num(v, "avg_days_to_complete").map_or_else(|| "—".into(), fmt1),
                    ),
                ],
            )],
        ),
    ];
    // Enrolments per week.
    let weeks: Vec<(String, f64)> = list(v, "enrolments")
        .iter()
        .map(|w| {
            let week = text_of(w, "week");
            (
                week.get(5..).unwrap_or(&week).replace('-', "/"),
                num(w, "count"),
            )
        })
        .collect();
    out.push(el(
        "section",
        "db-card",
        vec![
            el("h2", "db-h2", vec![text(t.enrolments)]),
            charts::bars(&weeks, t.enrolments, 3),
            charts::table(t.as_table, (t.week, t.enrolled), &weeks),
        ],
    ));
    out.push(funnel(s, v, enrolled));
    for q in list(v, "quizzes") {
        out.push(quiz(s, &q));
    }
    out.push(certificates(s, v));
    out
}

/// The completion funnel: per lesson, the share of enrolled learners who completed it, and the
/// lesson that loses the most learners from the one before.
fn funnel(s: &Screen, v: &JsValue, enrolled: f64) -> Node {
    let t = s.t();
    let steps = list(v, "funnel");
    let completed: Vec<f64> = steps.iter().map(|f| num(f, "completed")).collect();
    let drop_at = (1..completed.len())
        .map(|i| (i, completed[i - 1] - completed[i]))
        .filter(|(_, d)| *d > 0.0)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i);
    let base = enrolled.max(1.0);
    let items = steps
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let (started, done) = (num(f, "started"), num(f, "completed"));
            let share = (done / base * 100.0).clamp(0.0, 100.0);
            let mut parts = vec![
                el(
                    "p",
                    "db-step-title",
                    vec![text(format!("{}. {}", i + 1, text_of(f, "title")))],
                ),
                // The figures follow as text; the bar is for the eye.
                el("progress", "db-progress", vec![])
                    .attr("max", "100")
                    .attr("value", int(share))
                    .attr("aria-hidden", "true"),
                span(
                    "db-meta",
                    format!(
                        "{} {} · {} {} ({}%)",
                        t.started,
                        int(started),
                        t.completed,
                        int(done),
                        fmt1(share)
                    ),
                ),
            ];
            if drop_at == Some(i) {
                parts.push(span("db-flag", format!(" ▼ {}", t.biggest_drop)));
            }
            el("li", "db-step", parts)
        })
        .collect();
    el(
        "section",
        "db-card",
        vec![
            el("h2", "db-h2", vec![text(t.funnel)]),
            el("ol", "db-funnel", items),
        ],
    )
}

fn quiz(s: &Screen, q: &JsValue) -> Node {
    let t = s.t();
    let hist: Vec<(String, f64)> = list(q, "histogram")
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let top = if i == 9 { 100 } else { i * 10 + 9 };
            (format!("{}–{top}", i * 10), n.as_f64().unwrap_or(0.0))
        })
        .collect();
    let flag_name = |f: &str| match f {
        "too_hard" => t.flag_names[0],
        "too_easy" => t.flag_names[1],
        "negative_discrimination" => t.flag_names[2],
        _ => t.flag_names[3],
    };
    // One card per question: a seven-column table does not fit a phone.
    let items = list(q, "items")
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let flags: Vec<&str> = list(it, "flags")
                .iter()
                .filter_map(|f| f.as_string())
                .map(|f| flag_name(&f))
                .collect();
            let kind = text_of(it, "kind");
            let kind = crate::quiz::KINDS
                .iter()
                .position(|k| *k == kind)
                .map_or(kind.as_str(), |k| t.kinds[k]);
            let figure = |name| opt_num(it, name).map_or_else(|| "—".into(), |x: f64| fixed(x, 2));
            let figs = [
                (t.item_cols[3], figure("difficulty")),
                (t.item_cols[4], figure("discrimination")),
                (t.item_cols[5], figure("upper_lower")),
            ]
            .into_iter()
            .map(|(label, value)| crate::components::dom::fact("", label, value))
            .collect();
            let mut parts = vec![
                el(
                    "p",
                    "db-meta",
                    vec![text(format!(
                        "{}. {kind} · {} {}",
                        i + 1,
                        t.item_cols[2],
                        int(num(it, "responses"))
                    ))],
                ),
                el("p", "", vec![text(text_of(it, "prompt"))]),
                el("dl", "db-figs", figs),
            ];
            if !flags.is_empty() {
                parts.push(el(
                    "p",
                    "db-flag",
                    vec![text(format!("⚑ {}", flags.join("、")))],
                ));
            }
            let class = if flags.is_empty() {
                "db-item"
            } else {
                "db-item db-item--flagged"
            };
            el("li", class, parts)
        })
        .collect();
    el(
        "section",
        "db-card",
        vec![
            el(
                "h2",
                "db-h2",
                vec![text(format!(
                    "{} · {}",
                    t.quiz_analysis,
                    text_of(q, "title")
                ))],
            ),
            el(
                "dl",
                "db-facts",
                vec![
                    fact(t.learners, int(num(q, "learners"))),
                    fact(
                        t.mean,
                        opt_num(q, "mean_pct")
                            .map_or_else(|| "—".into(), |m| format!("{}%", fmt1(m))),
                    ),
                    fact(t.pass_rate, pct(opt_num(q, "pass_rate"))),
                ],
            ),
            el("h3", "db-h3", vec![text(t.distribution)]),
            charts::bars(&hist, t.distribution, 3),
            charts::table(t.as_table, (t.band, t.learners), &hist),
            el("h3", "db-h3", vec![text(t.item_cols[0])]),
            el("ol", "db-items", items),
        ],
    )
}

fn certificates(s: &Screen, v: &JsValue) -> Node {
    let t = s.t();
    let locale = s.i18n.locale();
    let notice = s.notice.borrow().clone();
    let certs = list(v, "certificates");
    // One card per certificate: names and the revoke form do not fit table cells on a phone.
    let items = certs
        .iter()
        .map(|c| {
            let code = text_of(c, "code");
            let mut parts = vec![
                el(
                    "p",
                    "",
                    vec![
                        el(
                            "strong",
                            "",
                            vec![text(
                                opt_text(c, "holder").unwrap_or_else(|| t.unnamed.into()),
                            )],
                        ),
                        span(
                            "db-meta",
                            format!(" · {}", fmt_date(num(c, "issued_at") * 1000.0, locale)),
                        ),
                    ],
                ),
                el(
                    "p",
                    "",
                    vec![link(
                        "db-code",
                        super::verify_href(&code),
                        vec![text(super::grouped(&code))],
                    )],
                ),
            ];
            parts.push(match field(c, "revoked_at").as_f64() {
                Some(_) => el(
                    "p",
                    "db-flag",
                    vec![text(format!(
                        "{} · {}",
                        t.revoked,
                        text_of(c, "revoked_reason")
                    ))],
                ),
                None => el(
                    "details",
                    "",
                    vec![
                        el(
                            "summary",
                            "",
                            vec![
                                text(t.revoke),
                                // Which one, for a screen reader going from summary to summary.
                                span("visually-hidden", format!(" {}", super::grouped(&code))),
                            ],
                        ),
                        el(
                            "form",
                            "db-form",
                            vec![
                                el("label", "", vec![text(t.reason)])
                                    .attr("for", format!("rv-{code}")),
                                el("input", "db-input", vec![])
                                    .attr("id", format!("rv-{code}"))
                                    .attr("name", "reason")
                                    .attr("required", "")
                                    .attr("maxlength", "200"),
                                el("button", "button", vec![text(t.revoke)]).attr("type", "submit"),
                            ],
                        )
                        .attr("data-revoke", code.clone()),
                    ],
                ),
            });
            el("li", "db-item", parts)
        })
        .collect();
    el(
        "section",
        "db-card",
        vec![
            el("h2", "db-h2", vec![text(t.issued_certificates)]),
            if certs.is_empty() {
                el("p", "db-note", vec![text(t.no_data)])
            } else {
                el("ul", "db-items", items)
            },
            el("p", "db-status", vec![text(notice)])
                .attr("id", "db-cert-status")
                .attr("role", "status")
                .attr("tabindex", "-1"),
        ],
    )
}
