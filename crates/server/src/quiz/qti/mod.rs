//! QTI 2.1 / 2.2 / 3.0 items: import into [`QuestionDef`]s and scoring by the item's own
//! response processing.
//!
//! One code path reads all three versions: element names lose 3.0's `qti-` prefix and become
//! camelCase (`qti-choice-interaction` reads as `choiceInteraction`), and attributes are looked up
//! by their 2.x name, then by its kebab-case 3.0 form. `rp` holds values, declarations and the
//! response-processing interpreter; `body` reads interactions and text.

use std::collections::{BTreeMap, BTreeSet};

use jieti_api::{Answer, Outcome, QuestionKind};
use roxmltree::{Document, Node};
use serde_json::Value as Json;

use super::score::{check, is_empty, Scored};
use super::{normalize, Key, QuestionDef};

mod body;
mod rp;

use body::{blank_text, fits, interactions, plain, squash, Ia, Kind};
use rp::{
    from_json, number_of, parse_b, read_item, run, show, to_json, Card, Decl, Entry, Item, B, V,
};

/// Deepest element nesting accepted: the readers recurse, and real items nest a few dozen deep.
const MAX_DEPTH: usize = 100;

// --- the public face ------------------------------------------------------------------------

/// Imports one item's XML as a question, or says in one line why it cannot.
pub fn import_item(xml: &str) -> Result<QuestionDef, String> {
    let doc = parse(xml)?;
    let item = read_item(&doc)?;
    let id = attr(item.root, "identifier").map(str::trim).unwrap_or("");
    if id.is_empty() {
        return Err("the item has no identifier".into());
    }
    let body = child(item.root, "itemBody").ok_or("the item has no itemBody")?;
    let ias = interactions(body)?;
    let mut seen = BTreeSet::new();
    for ia in &ias {
        let d = item
            .d
            .responses
            .get(&ia.resp)
            .ok_or_else(|| format!("{} names undeclared response {}", ia.tag, ia.resp))?;
        if !fits(ia.kind, d) {
            let card = format!("{:?}", d.card).to_lowercase();
            return Err(format!(
                "{} cannot produce response {} ({card} {})",
                ia.tag, ia.resp, d.bt
            ));
        }
        if !seen.insert(ia.resp.as_str()) {
            return Err(format!("response {} is bound to two interactions", ia.resp));
        }
    }
    let single = |ia: &Ia| {
        item.d
            .responses
            .get(&ia.resp)
            .is_some_and(|d| d.card == Card::Single)
    };
    let kind = match ias.as_slice() {
        [] => return Err("the item has no interaction".into()),
        _ if ias
            .iter()
            .all(|i| matches!(i.kind, Kind::Text | Kind::Inline)) =>
        {
            QuestionKind::FillBlank
        }
        [ia] => match ia.kind {
            Kind::Choice if single(ia) => QuestionKind::Single,
            Kind::Choice => QuestionKind::Multiple,
            Kind::Order => QuestionKind::Ordering,
            Kind::Match => QuestionKind::Matching,
            _ => QuestionKind::Essay,
        },
        _ => {
            let tags: Vec<&str> = ias.iter().map(|i| i.tag.as_str()).collect();
            return Err(format!(
                "unsupported mix of interactions: {}",
                tags.join(", ")
            ));
        }
    };
    if kind != QuestionKind::Essay {
        if !item.processes() {
            return Err("the item has no response processing".into());
        }
        if !item.d.outcomes.contains_key("SCORE") {
            return Err("the item declares no SCORE outcome".into());
        }
    }
    let main = ias.first().filter(|_| kind != QuestionKind::FillBlank);
    let (prompt, stem) = if kind == QuestionKind::FillBlank {
        blank_text(body, &ias)?
    } else {
        (plain(body), Vec::new())
    };
    let prompt = if prompt.is_empty() {
        squash(attr(item.root, "title").unwrap_or(""))
            .trim()
            .to_string()
    } else {
        prompt
    };
    let feedback: Vec<String> = kids(item.root)
        .filter(|k| name(*k) == "modalFeedback")
        .map(plain)
        .filter(|s| !s.is_empty())
        .collect();
    let points = if kind == QuestionKind::Essay {
        // Marked by a person: the declared maximum, else one point like authored essays.
        let declared = item
            .d
            .outcomes
            .get("MAXSCORE")
            .and_then(|o| number_of(&o.default));
        declared
            .filter(|m| *m > 0.0)
            .or(normal_max(&item))
            .unwrap_or(1.0)
    } else {
        max_score(&item, &ias)?
    };
    let def = QuestionDef {
        id: id.to_string(),
        kind,
        prompt,
        points,
        choices: main.map(|i| i.choices.clone()).unwrap_or_default(),
        targets: main.map(|i| i.targets.clone()).unwrap_or_default(),
        stem,
        max_choices: main
            .filter(|_| kind == QuestionKind::Multiple)
            .map_or(0, |i| i.max),
        unit: None,
        shuffle: ias.iter().any(|i| i.shuffle),
        explanation: (!feedback.is_empty()).then(|| feedback.join("\n")),
        key: Key::Qti {
            xml: xml.to_string(),
        },
    };
    def.validate()?;
    Ok(def)
}

/// Scores a learner's answer to an imported item: the item's `SCORE` (kept within 0 and the
/// item's maximum) of `def.points`.
pub fn score_answer(xml: &str, def: &QuestionDef, answer: Option<&Answer>) -> Scored {
    let (max, answered) = (def.points, answer.filter(|a| !is_empty(a)));
    let (score, max, outcome) = match answered {
        Some(_) if def.kind == QuestionKind::Essay => (0.0, 0.0, Outcome::Ungraded),
        None if def.kind == QuestionKind::Essay => (0.0, 0.0, Outcome::Unanswered),
        None => (0.0, max, Outcome::Unanswered),
        Some(answer) => {
            // An answer the question's shape refuses, or a processing error, earns nothing.
            let score = check(def, answer)
                .ok()
                .and_then(|()| answer_score(xml, answer).ok());
            let score = score
                .filter(|s| s.is_finite())
                .unwrap_or(0.0)
                .clamp(0.0, max.max(0.0));
            let outcome = match score {
                s if max > 0.0 && s >= max - 1e-9 => Outcome::Correct,
                s if s > 0.0 => Outcome::Partial,
                _ => Outcome::Wrong,
            };
            (score, max, outcome)
        }
    };
    Scored {
        score,
        max,
        outcome,
    }
}

/// The item's correct response in the learner's terms (a mapping's best keys when no
/// `correctResponse` is declared), or `None` when it declares neither.
pub fn correct_answer(xml: &str, def: &QuestionDef) -> Option<Answer> {
    let doc = parse(xml).ok()?;
    let item = read_item(&doc).ok()?;
    let ias = interactions(child(item.root, "itemBody")?).ok()?;
    let best = |ia: &Ia| match item.d.responses.get(&ia.resp) {
        Some(d) if d.correct != V::Null => d.correct.clone(),
        Some(d) => best_mapped(d, Some(ia)),
        None => V::Null,
    };
    let of = |k: Kind| ias.iter().find(|i| i.kind == k).map(best);
    let shown = |v: V| v.items().iter().map(show).collect::<Vec<_>>();
    let answer = match def.kind {
        QuestionKind::Single | QuestionKind::Multiple => Answer::Choice(shown(of(Kind::Choice)?)),
        QuestionKind::Ordering => Answer::Order(shown(of(Kind::Order)?)),
        QuestionKind::Matching => Answer::Pairs(
            of(Kind::Match)?
                .items()
                .iter()
                .filter_map(|b| match b {
                    B::Pair(x, y) | B::DPair(x, y) => Some([x.clone(), y.clone()]),
                    _ => None,
                })
                .collect(),
        ),
        QuestionKind::FillBlank => Answer::Blanks(
            ias.iter()
                .filter_map(|ia| best(ia).items().first().map(|b| (ia.resp.clone(), show(b))))
                .collect(),
        ),
        _ => return None,
    };
    (!is_empty(&answer)).then_some(answer)
}

/// Runs the item's response processing on a QTI-style response (a JSON object keyed by response
/// identifier) and returns all its outcome variables.
pub fn score_response(xml: &str, response: &Json) -> Result<BTreeMap<String, Json>, String> {
    let doc = parse(xml)?;
    let item = read_item(&doc)?;
    let obj = response
        .as_object()
        .ok_or("the response must be a JSON object keyed by response identifier")?;
    let mut values = BTreeMap::new();
    for (k, v) in obj {
        let d = item
            .d
            .responses
            .get(k)
            .ok_or_else(|| format!("unknown response identifier {k:?}"))?;
        values.insert(
            k.clone(),
            from_json(d, v).map_err(|e| format!("response {k}: {e}"))?,
        );
    }
    let out = run(&item, &values)?;
    Ok(out.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
}

// --- scoring learners' answers ------------------------------------------------------------------

/// The best response a mapping allows: its highest key (single), or its positive keys, best
/// first, within `maxChoices` / `maxAssociations` and each choice's `matchMax`.
fn best_mapped(d: &Decl, ia: Option<&Ia>) -> V {
    let Some(m) = &d.mapping else { return V::Null };
    let ids: Option<BTreeSet<&str>> = ia.filter(|i| !i.choices.is_empty()).map(|i| {
        i.choices
            .iter()
            .chain(&i.targets)
            .map(|c| c.id.as_str())
            .collect()
    });
    let ok = |s: &str| ids.as_ref().is_none_or(|ids| ids.contains(s));
    let mut entries: Vec<(&B, f64)> = m
        .entries
        .iter()
        .filter_map(|(k, v)| match k {
            Entry::Value(B::Str(s), _) if !ok(s) => None,
            Entry::Value(B::Pair(x, y) | B::DPair(x, y), _) if !(ok(x) && ok(y)) => None,
            Entry::Value(k, _) => Some((k, *v)),
            Entry::Area(_) => None,
        })
        .collect();
    entries.sort_by(|a, b| b.1.total_cmp(&a.1));
    if d.card == Card::Single {
        return entries
            .first()
            .map_or(V::Null, |(k, _)| V::One((*k).clone()));
    }
    let limit = ia.map_or(0, |i| i.max) as usize;
    let mut uses: BTreeMap<&str, u32> = BTreeMap::new();
    let mut picked = Vec::new();
    for (k, v) in entries {
        if v <= 0.0 || (limit > 0 && picked.len() >= limit) {
            break;
        }
        if let (B::Pair(x, y) | B::DPair(x, y), Some(ia)) = (k, ia) {
            let full = |s: &str| {
                let cap = ia.match_max.get(s).copied().unwrap_or(0);
                cap > 0 && uses.get(s).copied().unwrap_or(0) >= cap
            };
            if full(x) || full(y) {
                continue;
            }
            *uses.entry(x.as_str()).or_default() += 1;
            *uses.entry(y.as_str()).or_default() += 1;
        }
        picked.push(k.clone());
    }
    V::list(d.card, picked)
}

fn normal_max(item: &Item) -> Option<f64> {
    item.d
        .outcomes
        .get("SCORE")
        .and_then(|o| o.normal_max)
        .filter(|m| *m > 0.0)
}

/// The item's greatest SCORE: a positive MAXSCORE, else SCORE's `normalMaximum`, else SCORE
/// for the best responses (the correct ones, or the mappings' best keys, whichever scores more).
fn max_score(item: &Item, ias: &[Ia]) -> Result<f64, String> {
    let (mut best, mut declared) = (0.0f64, None);
    for prefer_correct in [true, false] {
        let responses: BTreeMap<String, V> = item
            .d
            .responses
            .iter()
            .map(|(id, d)| {
                let mapped = best_mapped(d, ias.iter().find(|i| &i.resp == id));
                let (first, second) = if prefer_correct {
                    (d.correct.clone(), mapped)
                } else {
                    (mapped, d.correct.clone())
                };
                (id.clone(), if first == V::Null { second } else { first })
            })
            .collect();
        let out = run(item, &responses).map_err(|e| format!("response processing fails: {e}"))?;
        let get = |id: &str| out.get(id).and_then(number_of);
        declared = declared.or(get("MAXSCORE").filter(|m| *m > 0.0));
        best = best.max(get("SCORE").unwrap_or(0.0));
    }
    Ok(declared.or(normal_max(item)).unwrap_or(best))
}

/// A typed blank as a value of its base type; what does not read as one is NULL.
fn typed(bt: &str, s: &str) -> V {
    let s = s.trim();
    let b = match bt {
        "integer" => normalize::number(s)
            .filter(|x| x.fract() == 0.0 && x.abs() < 9e15)
            .map(|x| B::Int(x as i64)),
        "float" => normalize::number(s).map(B::Float),
        bt => parse_b(bt, s).ok(),
    };
    V::list(Card::Single, b.into_iter().collect())
}

/// SCORE for a learner's answer, run through the item's response processing.
fn answer_score(xml: &str, answer: &Answer) -> Result<f64, String> {
    let doc = parse(xml)?;
    let item = read_item(&doc)?;
    let ias = interactions(child(item.root, "itemBody").ok_or("no itemBody")?)?;
    let of = |k: Kind| -> Result<(String, &Decl), String> {
        let ia = ias
            .iter()
            .find(|i| i.kind == k)
            .ok_or("the answer does not fit the item")?;
        let d = item
            .d
            .responses
            .get(&ia.resp)
            .ok_or("undeclared response")?;
        Ok((ia.resp.clone(), d))
    };
    let ids = |v: &[String]| v.iter().map(|s| B::Str(s.clone())).collect::<Vec<_>>();
    let mut values = BTreeMap::new();
    let (id, card, items) = match answer {
        Answer::Choice(v) => of(Kind::Choice).map(|(id, d)| (id, d.card, ids(v)))?,
        Answer::Order(v) => of(Kind::Order).map(|(id, d)| (id, d.card, ids(v)))?,
        Answer::Pairs(v) => of(Kind::Match).map(|(id, d)| {
            let pair = |[l, r]: &[String; 2]| match d.bt {
                "pair" => B::Pair(l.clone(), r.clone()),
                _ => B::DPair(l.clone(), r.clone()),
            };
            (id, d.card, v.iter().map(pair).collect())
        })?,
        Answer::Blanks(given) => {
            for ia in ias
                .iter()
                .filter(|i| matches!(i.kind, Kind::Text | Kind::Inline))
            {
                if let (Some(s), Some(d)) = (given.get(&ia.resp), item.d.responses.get(&ia.resp)) {
                    values.insert(ia.resp.clone(), typed(d.bt, s));
                }
            }
            return run(&item, &values)
                .map(|out| out.get("SCORE").and_then(number_of).unwrap_or(0.0));
        }
        Answer::Number(_) | Answer::Text(_) => {
            return Err("the answer does not fit the item".into())
        }
    };
    if card == Card::Single && items.len() > 1 {
        return Err("one value expected".into());
    }
    values.insert(id, V::list(card, items));
    run(&item, &values).map(|out| out.get("SCORE").and_then(number_of).unwrap_or(0.0))
}

// --- XML helpers ----------------------------------------------------------------------------

/// Parses the XML. Deep nesting is refused before parsing: roxmltree recurses once per level,
/// and a stack overflow aborts the process (no panic to catch).
fn parse(xml: &str) -> Result<Document<'_>, String> {
    if nesting(xml) > MAX_DEPTH {
        return Err(format!("the XML nests elements more than {MAX_DEPTH} deep"));
    }
    Document::parse(xml).map_err(|e| format!("not well-formed XML: {e}"))
}

/// The deepest element nesting in the text (exact for well-formed XML; a linear scan that
/// skips comments, CDATA, processing instructions and quoted attribute values).
fn nesting(xml: &str) -> usize {
    let b = xml.as_bytes();
    let after = |from: usize, end: &str| {
        xml.get(from..)
            .and_then(|r| r.find(end))
            .map_or(b.len(), |p| from + p + end.len())
    };
    let (mut i, mut depth, mut deepest) = (0, 0usize, 0);
    while let Some(p) = xml.get(i..).and_then(|r| r.find('<')) {
        i += p + 1;
        let rest = &b[i..];
        if rest.starts_with(b"!--") {
            i = after(i, "-->");
        } else if rest.starts_with(b"![CDATA[") {
            i = after(i, "]]>");
        } else if rest.starts_with(b"?") {
            i = after(i, "?>");
        } else if rest.starts_with(b"!") {
            i = after(i, ">");
        } else if rest.starts_with(b"/") {
            depth = depth.saturating_sub(1);
            i = after(i, ">");
        } else {
            let (mut quote, mut prev) = (None, 0u8);
            while let Some(&c) = b.get(i) {
                match quote {
                    Some(q) if c == q => quote = None,
                    None if c == b'"' || c == b'\'' => quote = Some(c),
                    None if c == b'>' => break,
                    _ => {}
                }
                prev = c;
                i += 1;
            }
            if prev != b'/' {
                depth += 1;
                deepest = deepest.max(depth);
            }
        }
    }
    deepest
}

/// An element's name without 3.0's `qti-` prefix, kebab-case made camelCase.
fn name(n: Node) -> String {
    let raw = n.tag_name().name();
    let raw = raw.strip_prefix("qti-").unwrap_or(raw);
    let mut out = String::with_capacity(raw.len());
    let mut up = false;
    for c in raw.chars() {
        match c {
            '-' => up = true,
            c if up => {
                out.extend(c.to_uppercase());
                up = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// The element's name as written, for messages.
fn tag<'a>(n: Node<'a, '_>) -> &'a str {
    n.tag_name().name()
}

/// An attribute by its 2.x camelCase name, or by its 3.0 kebab-case one.
fn attr<'a>(n: Node<'a, '_>, camel: &str) -> Option<&'a str> {
    n.attribute(camel).or_else(|| {
        let mut kebab = String::with_capacity(camel.len() + 4);
        for c in camel.chars() {
            if c.is_ascii_uppercase() {
                kebab.push('-');
            }
            kebab.push(c.to_ascii_lowercase());
        }
        n.attribute(kebab.as_str())
    })
}

fn flag(n: Node, camel: &str, default: bool) -> bool {
    match attr(n, camel).map(str::trim) {
        Some("true" | "1") => true,
        Some("false" | "0") => false,
        _ => default,
    }
}

fn count(n: Node, camel: &str, default: u32) -> u32 {
    attr(n, camel)
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(default)
}

fn float_attr(n: Node, camel: &str) -> Result<Option<f64>, String> {
    attr(n, camel)
        .map(|s| {
            s.trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("{} {camel} {s:?} is not a number", tag(n)))
        })
        .transpose()
}

fn kids<'a, 'i: 'a>(n: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    n.children().filter(|c| c.is_element())
}

fn child<'a, 'i: 'a>(n: Node<'a, 'i>, want: &str) -> Option<Node<'a, 'i>> {
    kids(n).find(|c| name(*c) == want)
}

fn all_text(n: Node) -> String {
    n.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_alike_in_every_version() {
        let doc = Document::parse(r#"<qti-map-entry map-key="a" case-sensitive="true"/>"#).unwrap();
        let n = doc.root_element();
        assert_eq!(
            (name(n).as_str(), attr(n, "mapKey")),
            ("mapEntry", Some("a"))
        );
        assert!(flag(n, "caseSensitive", false));
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let xml = format!("{}{}", "<a>".repeat(5000), "</a>".repeat(5000));
        assert!(parse(&xml).map(|_| ()).unwrap_err().contains("deep"));
        let xml = r#"<a x="<b>"><!-- <c> --><![CDATA[<d>]]><?pi <e>?><f/><g>></g></a>"#;
        assert_eq!(nesting(xml), 2);
    }
}
