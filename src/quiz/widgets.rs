//! Questions: read by hand from the API's JSON (`jieti_api::Question`), built as plain DOM
//! (native radios, checkboxes, inputs and selects, so keyboards and screen readers work without
//! extra code; ordering moves by buttons, matching by selects: nothing needs dragging), and the
//! learner's answer read back from that DOM as the contract's `Answer` JSON.

use js_sys::{Array, Object};
use wasm_bindgen::{JsCast, JsValue};

use super::text::QuizText;
use crate::components::dom::{el, span, text, Node};
use crate::player::data::{field, list, num, object, opt_text, text_of};

/// Kind names as the API writes them, in `QuestionKind` order.
pub(crate) const KINDS: [&str; 8] = [
    "single",
    "multiple",
    "true_false",
    "fill_blank",
    "numeric",
    "ordering",
    "matching",
    "essay",
];

/// Kind indexes.
pub const SINGLE: usize = 0;
const MULTIPLE: usize = 1;
const TRUE_FALSE: usize = 2;
const FILL: usize = 3;
const NUMERIC: usize = 4;
const ORDERING: usize = 5;
const MATCHING: usize = 6;
const ESSAY: usize = 7;

/// A choice: id and text.
pub type Opt = (String, String);

/// A piece of a fill-in stem.
pub enum Part {
    /// Text.
    Text(String),
    /// A blank, typed (no choices) or picked.
    Blank(String, Vec<Opt>, u32),
}

/// A question as the pages use it.
pub struct Question {
    /// Id.
    pub id: String,
    /// Index into [`KINDS`].
    pub kind: usize,
    /// Prompt.
    pub prompt: String,
    /// Points.
    pub points: f64,
    /// Choices, items to order, or items to pair.
    pub choices: Vec<Opt>,
    /// Matching targets.
    pub targets: Vec<Opt>,
    /// Fill-in stem.
    pub stem: Vec<Part>,
    /// Most picks (multiple; 0 any).
    pub max_choices: u32,
    /// Numeric unit.
    pub unit: Option<String>,
}

fn opts(v: &JsValue, name: &str) -> Vec<Opt> {
    list(v, name)
        .iter()
        .map(|c| (text_of(c, "id"), text_of(c, "text")))
        .collect()
}

impl Question {
    /// Reads a `Question`.
    pub fn read(v: &JsValue) -> Question {
        let kind = text_of(v, "kind");
        let stem = list(v, "stem")
            .iter()
            .map(|p| match p.as_string().or_else(|| opt_text(p, "text")) {
                Some(t) => Part::Text(t),
                None => {
                    let b = field(p, "blank");
                    Part::Blank(
                        text_of(&b, "id"),
                        opts(&b, "choices"),
                        num(&b, "expected_len") as u32,
                    )
                }
            })
            .collect();
        Question {
            id: text_of(v, "id"),
            kind: KINDS.iter().position(|k| *k == kind).unwrap_or(ESSAY),
            prompt: text_of(v, "prompt"),
            points: num(v, "points"),
            choices: opts(v, "choices"),
            targets: opts(v, "targets"),
            stem,
            max_choices: num(v, "max_choices") as u32,
            unit: opt_text(v, "unit"),
        }
    }
}

/// A number for people: integers without decimals, others with up to two.
pub fn fmt_num(v: f64) -> String {
    // JS formats numbers: Rust's float formatting would add kilobytes to the wasm.
    let n = js_sys::Number::from((v * 100.0).round() / 100.0);
    n.to_string_with_radix(10)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

/// The heading line of a question: `第 3 题 · 单选题 · 2 分`.
pub fn heading(t: &QuizText, zh: bool, n: usize, q: &Question) -> String {
    let kind = t.kinds[q.kind];
    let pts = fmt_num(q.points);
    if zh {
        format!("{}{n}题 · {kind} · {pts}{}", t.question, t.points)
    } else {
        format!("{} {n} · {kind} · {pts} {}", t.question, t.points)
    }
}

/// An `Answer`'s JSON array field as strings.
fn strings(a: &JsValue, name: &str) -> Vec<String> {
    let v = field(a, name);
    if Array::is_array(&v) {
        Array::from(&v)
            .iter()
            .filter_map(|s| s.as_string())
            .collect()
    } else {
        Vec::new()
    }
}

fn blank_value(a: &JsValue, id: &str) -> String {
    field(&field(a, "blanks"), id)
        .as_string()
        .unwrap_or_default()
}

fn pairs(a: &JsValue) -> Vec<(String, String)> {
    let v = field(a, "pairs");
    if !Array::is_array(&v) {
        return Vec::new();
    }
    Array::from(&v)
        .iter()
        .map(|p| {
            let p = Array::from(&p);
            (
                p.get(0).as_string().unwrap_or_default(),
                p.get(1).as_string().unwrap_or_default(),
            )
        })
        .collect()
}

/// The widget of question `q` (number `n`), showing `answer` when there is one.
pub fn widget(t: &QuizText, q: &Question, n: usize, answer: &JsValue, locked: bool) -> Node {
    let name = format!("q{n}");
    let lock = |node: Node| {
        if locked {
            node.attr("disabled", "")
        } else {
            node
        }
    };
    let body = match q.kind {
        SINGLE | TRUE_FALSE | MULTIPLE => {
            let picked = strings(answer, "choice");
            let ty = if q.kind == MULTIPLE {
                "checkbox"
            } else {
                "radio"
            };
            let mut rows: Vec<Node> = q
                .choices
                .iter()
                .enumerate()
                .map(|(j, (id, label))| {
                    let input = el("input", "", vec![])
                        .attr("type", ty)
                        .attr("name", name.clone())
                        .attr("value", id.clone());
                    let input = if picked.contains(id) {
                        input.attr("checked", "")
                    } else {
                        input
                    };
                    el(
                        "label",
                        "qz-opt",
                        vec![
                            lock(input),
                            span("qz-key", letter(j)),
                            span("", label.clone()),
                        ],
                    )
                })
                .collect();
            if q.kind == MULTIPLE && q.max_choices > 0 {
                rows.insert(
                    0,
                    el(
                        "p",
                        "qz-hint",
                        vec![text(format!("{} {}", t.pick_at_most, q.max_choices))],
                    ),
                );
            }
            el("div", "qz-opts", rows)
        }
        FILL => {
            let mut k = 0;
            let parts = q
                .stem
                .iter()
                .map(|p| match p {
                    Part::Text(s) => text(s.clone()),
                    Part::Blank(id, choices, len) => {
                        k += 1;
                        let value = blank_value(answer, id);
                        let label = format!("{} {k}", t.blank);
                        let input = if choices.is_empty() {
                            el("input", "qz-blank", vec![])
                                .attr("type", "text")
                                .attr("value", value)
                                .attr("size", (*len).clamp(4, 24).to_string())
                                .attr("maxlength", "10000")
                                .attr("autocomplete", "off")
                        } else {
                            select(t, choices, &value)
                        };
                        lock(
                            input
                                .attr("data-blank", id.clone())
                                .attr("aria-label", label),
                        )
                    }
                })
                .collect();
            el("p", "qz-stem", parts)
        }
        NUMERIC => {
            let value = field(answer, "number").as_string().unwrap_or_default();
            let input = el("input", "qz-num", vec![])
                .attr("type", "text")
                .attr("inputmode", "decimal")
                .attr("maxlength", "64")
                .attr("autocomplete", "off")
                .attr("value", value)
                .attr("aria-label", q.prompt.clone());
            let unit = q.unit.clone().map(|u| span("qz-unit", u));
            el(
                "p",
                "",
                [Some(lock(input)), unit].into_iter().flatten().collect(),
            )
        }
        ORDERING => {
            let saved = strings(answer, "order");
            let order: Vec<&Opt> = if saved.len() == q.choices.len() {
                saved
                    .iter()
                    .filter_map(|id| q.choices.iter().find(|c| &c.0 == id))
                    .collect()
            } else {
                q.choices.iter().collect()
            };
            let last = order.len().saturating_sub(1);
            let items = order
                .iter()
                .enumerate()
                .map(|(j, (id, label))| {
                    let up = lock(
                        el("button", "qz-mv", vec![text("↑")])
                            .attr("type", "button")
                            .attr("data-act", "up")
                            .attr("aria-label", format!("{} {label}", t.move_up)),
                    );
                    let down = lock(
                        el("button", "qz-mv", vec![text("↓")])
                            .attr("type", "button")
                            .attr("data-act", "down")
                            .attr("aria-label", format!("{} {label}", t.move_down)),
                    );
                    let up = if j == 0 {
                        up.attr("aria-disabled", "true")
                    } else {
                        up
                    };
                    let down = if j == last {
                        down.attr("aria-disabled", "true")
                    } else {
                        down
                    };
                    el(
                        "li",
                        "qz-item",
                        vec![span("qz-item-t", label.clone()), up, down],
                    )
                    .attr("data-item", id.clone())
                })
                .collect();
            el("ol", "qz-order", items)
        }
        MATCHING => {
            let saved = pairs(answer);
            let rows = q
                .choices
                .iter()
                .enumerate()
                .map(|(j, (id, label))| {
                    let value = saved
                        .iter()
                        .find(|(l, _)| l == id)
                        .map(|(_, r)| r.clone())
                        .unwrap_or_default();
                    let sel_id = format!("{name}-m{j}");
                    el(
                        "div",
                        "qz-pair",
                        vec![
                            el("label", "", vec![text(label.clone())]).attr("for", sel_id.clone()),
                            lock(
                                select(t, &q.targets, &value)
                                    .attr("id", sel_id)
                                    .attr("data-left", id.clone()),
                            ),
                        ],
                    )
                })
                .collect();
            el("div", "qz-pairs", rows)
        }
        _ => {
            let value = field(answer, "text").as_string().unwrap_or_default();
            lock(
                el("textarea", "qz-essay", vec![text(value)])
                    .attr("rows", "5")
                    .attr("maxlength", "10000")
                    .attr("aria-label", q.prompt.clone()),
            )
        }
    };
    el(
        "fieldset",
        "qz-field",
        vec![
            el("legend", "qz-prompt", vec![text(q.prompt.clone())]),
            body,
        ],
    )
}

/// `A`, `B`, … for choice `j`.
fn letter(j: usize) -> String {
    char::from(b'A' + (j % 26) as u8).to_string()
}

fn select(t: &QuizText, choices: &[Opt], value: &str) -> Node {
    let mut options = vec![el("option", "", vec![text(t.choose)]).attr("value", "")];
    options.extend(choices.iter().map(|(id, label)| {
        let o = el("option", "", vec![text(label.clone())]).attr("value", id.clone());
        if id == value {
            o.attr("selected", "")
        } else {
            o
        }
    }));
    el("select", "qz-sel", options)
}

fn value_of(e: &JsValue) -> String {
    field(e, "value").as_string().unwrap_or_default()
}

fn all(root: &web_sys::Element, selector: &str) -> Vec<web_sys::Element> {
    root.query_selector_all(selector)
        .map(|l| {
            (0..l.length())
                .filter_map(|i| l.item(i)?.dyn_into().ok())
                .collect()
        })
        .unwrap_or_default()
}

fn js_strings(v: &[String]) -> JsValue {
    v.iter()
        .map(|s| JsValue::from_str(s))
        .collect::<Array>()
        .into()
}

/// The answer the question's DOM shows now, or None when nothing is answered. `touched` says
/// whether an ordering was moved (an untouched order is no answer).
pub fn read_answer(q: &Question, root: &web_sys::Element, touched: bool) -> Option<JsValue> {
    let non_empty = |s: String| Some(s).filter(|s| !s.trim().is_empty());
    match q.kind {
        SINGLE | TRUE_FALSE | MULTIPLE => {
            let picked: Vec<String> = all(root, "input:checked")
                .iter()
                .map(|e| value_of(e))
                .collect();
            (!picked.is_empty()).then(|| object(&[("choice", js_strings(&picked))]))
        }
        FILL => {
            let blanks = Object::new();
            let mut any = false;
            for e in all(root, "[data-blank]") {
                let v = value_of(&e);
                if !v.trim().is_empty() {
                    any = true;
                    let id = e.get_attribute("data-blank").unwrap_or_default();
                    let _ = js_sys::Reflect::set(&blanks, &id.into(), &v.into());
                }
            }
            any.then(|| object(&[("blanks", blanks.into())]))
        }
        NUMERIC => all(root, ".qz-num")
            .first()
            .and_then(|e| non_empty(value_of(e)))
            .map(|v| object(&[("number", v.into())])),
        ORDERING => touched.then(|| {
            let ids: Vec<String> = all(root, "[data-item]")
                .iter()
                .filter_map(|e| e.get_attribute("data-item"))
                .collect();
            object(&[("order", js_strings(&ids))])
        }),
        MATCHING => {
            let pairs: Array = all(root, "[data-left]")
                .iter()
                .filter_map(|e| {
                    let r = non_empty(value_of(e))?;
                    let l = e.get_attribute("data-left")?;
                    Some(js_strings(&[l, r]))
                })
                .collect();
            (pairs.length() > 0).then(|| object(&[("pairs", pairs.into())]))
        }
        _ => all(root, "textarea")
            .first()
            .and_then(|e| non_empty(value_of(e)))
            .map(|v| object(&[("text", v.into())])),
    }
}

/// The empty answer of a kind: how clearing an answer is sent (leaving it out would keep the
/// server's earlier one).
pub fn empty_answer(kind: usize) -> JsValue {
    let empty = || JsValue::from(Array::new());
    match kind {
        SINGLE | TRUE_FALSE | MULTIPLE => object(&[("choice", empty())]),
        FILL => object(&[("blanks", Object::new().into())]),
        NUMERIC => object(&[("number", "".into())]),
        ORDERING => object(&[("order", empty())]),
        MATCHING => object(&[("pairs", empty())]),
        _ => object(&[("text", "".into())]),
    }
}

/// Whether an `Answer` says nothing (missing, or an empty value of its kind).
pub fn is_blank(a: &JsValue) -> bool {
    if a.is_undefined() || a.is_null() {
        return true;
    }
    ["choice", "order", "pairs"]
        .iter()
        .any(|k| Array::is_array(&field(a, k)) && Array::from(&field(a, k)).length() == 0)
        || ["number", "text"]
            .iter()
            .any(|k| field(a, k).as_string().is_some_and(|s| s.trim().is_empty()))
        || {
            let b = field(a, "blanks");
            b.is_object() && Object::keys(&b.unchecked_into::<Object>()).length() == 0
        }
}

/// An answer in words, for the review: choice texts, blanks, the number, the order, the pairs.
pub fn answer_text(t: &QuizText, q: &Question, a: &JsValue) -> String {
    let name = |list: &[Opt], id: &str| {
        list.iter()
            .find(|c| c.0 == id)
            .map(|c| c.1.clone())
            .unwrap_or_else(|| id.to_owned())
    };
    let s = match q.kind {
        SINGLE | TRUE_FALSE | MULTIPLE => strings(a, "choice")
            .iter()
            .map(|id| name(&q.choices, id))
            .collect::<Vec<_>>()
            .join("；"),
        FILL => {
            let mut k = 0;
            q.stem
                .iter()
                .filter_map(|p| match p {
                    Part::Blank(id, choices, _) => {
                        k += 1;
                        let v = blank_value(a, id);
                        let v = if choices.is_empty() {
                            v
                        } else {
                            name(choices, &v)
                        };
                        Some(format!("{} {k}: {v}", t.blank))
                    }
                    Part::Text(_) => None,
                })
                .collect::<Vec<_>>()
                .join("；")
        }
        NUMERIC => {
            let n = field(a, "number").as_string().unwrap_or_default();
            match &q.unit {
                Some(u) if !n.is_empty() => format!("{n} {u}"),
                _ => n,
            }
        }
        ORDERING => strings(a, "order")
            .iter()
            .map(|id| name(&q.choices, id))
            .collect::<Vec<_>>()
            .join(" → "),
        MATCHING => pairs(a)
            .iter()
            .map(|(l, r)| format!("{} — {}", name(&q.choices, l), name(&q.targets, r)))
            .collect::<Vec<_>>()
            .join("；"),
        _ => field(a, "text").as_string().unwrap_or_default(),
    };
    if s.is_empty() {
        t.no_answer.to_owned()
    } else {
        s
    }
}

/// Outcome names as the API writes them, in `Outcome` order.
pub const OUTCOMES: [&str; 5] = ["correct", "partial", "wrong", "unanswered", "ungraded"];

/// The feedback box of a `Feedback`: outcome, score, your answer, the right one, the explanation.
pub fn feedback(t: &QuizText, q: &Question, fb: &JsValue) -> Vec<Node> {
    let outcome = text_of(fb, "outcome");
    let o = OUTCOMES.iter().position(|x| *x == outcome).unwrap_or(2);
    let mut rows = vec![el(
        "p",
        &format!("qz-out qz-{outcome}"),
        vec![text(format!(
            "{} · {} {}/{}",
            t.outcomes[o],
            t.score,
            fmt_num(num(fb, "score")),
            fmt_num(num(fb, "max"))
        ))],
    )];
    let answer = field(fb, "answer");
    rows.push(el(
        "p",
        "",
        vec![
            span("qz-lbl", t.your_answer),
            text(answer_text(t, q, &answer)),
        ],
    ));
    let correct = field(fb, "correct");
    if !correct.is_undefined() && !correct.is_null() && o != 0 {
        rows.push(el(
            "p",
            "",
            vec![
                span("qz-lbl", t.right_answer),
                text(answer_text(t, q, &correct)),
            ],
        ));
    }
    if let Some(x) = opt_text(fb, "explanation") {
        rows.push(el(
            "p",
            "qz-expl",
            vec![span("qz-lbl", t.explanation), text(x)],
        ));
    }
    rows
}

/// Moves an ordering item up (`-1`) or down (`1`); returns its new position (from 1).
pub fn move_item(item: &web_sys::Element, by: i32) -> Option<usize> {
    let list = item.parent_element()?;
    if by < 0 {
        let prev = item.previous_element_sibling()?;
        list.insert_before(item, Some(&prev)).ok()?;
    } else {
        let next = item.next_element_sibling()?;
        list.insert_before(&next, Some(item)).ok()?;
    }
    // Keep the end buttons marked, so screen readers say which moves do nothing.
    let items = all(&list, "[data-item]");
    let n = items.len();
    for (j, it) in items.iter().enumerate() {
        for (sel, edge) in [("[data-act=up]", j == 0), ("[data-act=down]", j + 1 == n)] {
            if let Ok(Some(b)) = it.query_selector(sel) {
                let _ = if edge {
                    b.set_attribute("aria-disabled", "true")
                } else {
                    b.remove_attribute("aria-disabled")
                };
            }
        }
    }
    items.iter().position(|e| e == item).map(|p| p + 1)
}
