//! The item body: its interactions, and its text as plain text or a fill-in-the-blank stem.

use std::collections::{BTreeMap, BTreeSet};

use jieti_api::{Blank, Choice, StemPart};
use roxmltree::Node;

use super::rp::{Card, Decl};
use super::{attr, child, count, flag, kids, name, tag};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Choice,
    Text,
    Inline,
    Order,
    Match,
    Essay,
}

/// An interaction in the item body.
#[derive(Debug)]
pub(super) struct Ia {
    pub(super) kind: Kind,
    pub(super) tag: String,
    pub(super) resp: String,
    pub(super) choices: Vec<Choice>,
    pub(super) targets: Vec<Choice>,
    /// Most associations per match choice (0: any).
    pub(super) match_max: BTreeMap<String, u32>,
    /// `maxChoices` or `maxAssociations` (0: any).
    pub(super) max: u32,
    /// Shuffled, and no choice is fixed in place (ours cannot keep some fixed).
    pub(super) shuffle: bool,
    pub(super) expected_len: u32,
}

/// Whether an interaction can produce a response so declared.
pub(super) fn fits(kind: Kind, d: &Decl) -> bool {
    match kind {
        Kind::Choice => d.bt == "identifier" && d.card != Card::Ordered,
        Kind::Inline => d.bt == "identifier" && d.card == Card::Single,
        Kind::Text => {
            d.card == Card::Single && matches!(d.bt, "identifier" | "string" | "integer" | "float")
        }
        Kind::Order => d.bt == "identifier" && d.card == Card::Ordered,
        Kind::Match => matches!(d.bt, "pair" | "directedPair") && d.card != Card::Ordered,
        Kind::Essay => d.bt == "string",
    }
}

fn options<'a, 'i: 'a>(p: Node<'a, 'i>, want: &str) -> Vec<Node<'a, 'i>> {
    kids(p).filter(|k| name(*k) == want).collect()
}

/// The interactions in document order; any interaction we cannot show is an error.
pub(super) fn interactions(body: Node) -> Result<Vec<Ia>, String> {
    let mut out = Vec::new();
    for n in body.descendants().filter(|n| n.is_element()) {
        let kind = match name(n).as_str() {
            "choiceInteraction" => Kind::Choice,
            "textEntryInteraction" => Kind::Text,
            "inlineChoiceInteraction" => Kind::Inline,
            "orderInteraction" => Kind::Order,
            "matchInteraction" => Kind::Match,
            "extendedTextInteraction" => Kind::Essay,
            nm if nm.ends_with("Interaction") => {
                return Err(format!("unsupported interaction {}", tag(n)))
            }
            _ => continue,
        };
        let resp = attr(n, "responseIdentifier").map(str::trim).unwrap_or("");
        if resp.is_empty() {
            return Err(format!("{} without responseIdentifier", tag(n)));
        }
        let sets: Vec<Vec<Node>> = match kind {
            Kind::Choice | Kind::Order => vec![options(n, "simpleChoice")],
            Kind::Inline => vec![options(n, "inlineChoice")],
            Kind::Match => {
                let sets: Vec<_> = options(n, "simpleMatchSet")
                    .into_iter()
                    .map(|s| options(s, "simpleAssociableChoice"))
                    .collect();
                if sets.len() != 2 {
                    return Err(format!("{} needs two simpleMatchSets", tag(n)));
                }
                sets
            }
            _ => vec![],
        };
        let choice = |k: &Node| {
            let id = attr(*k, "identifier").unwrap_or("").trim().to_string();
            let text = plain(*k);
            // Image-only choices: the id is all there is to show.
            Choice {
                text: if text.is_empty() { id.clone() } else { text },
                id,
            }
        };
        let all = sets.iter().flatten();
        let match_max = all.clone().map(|k| {
            (
                attr(*k, "identifier").unwrap_or("").trim().to_string(),
                count(*k, "matchMax", 1),
            )
        });
        out.push(Ia {
            kind,
            tag: tag(n).to_string(),
            resp: resp.to_string(),
            choices: sets
                .first()
                .map(|s| s.iter().map(choice).collect())
                .unwrap_or_default(),
            targets: sets
                .get(1)
                .map(|s| s.iter().map(choice).collect())
                .unwrap_or_default(),
            match_max: match_max.collect(),
            max: match kind {
                Kind::Choice => count(n, "maxChoices", 1),
                Kind::Match => count(n, "maxAssociations", 1),
                _ => 0,
            },
            shuffle: flag(n, "shuffle", false) && !all.clone().any(|k| flag(*k, "fixed", false)),
            expected_len: count(n, "expectedLength", 0),
        });
    }
    Ok(out)
}

/// Elements whose text is never part of the question: feedback (shown after scoring), notes
/// for scorers, templates, styling.
const HIDDEN: &str = " feedbackInline feedbackBlock modalFeedback rubricBlock templateInline \
    templateBlock printedVariable style script ";

/// Elements that break words apart (everything else is inline).
const BLOCKS: &str =
    " p div br hr li ul ol dl dt dd table thead tbody tfoot tr td th caption h1 h2 \
    h3 h4 h5 h6 blockquote pre address prompt simpleChoice inlineChoice section figure figcaption ";

/// Whether a space-separated name list holds `name`.
fn listed(list: &str, name: &str) -> bool {
    list.split_whitespace().any(|n| n == name)
}

/// Plain text, and the blanks (by response id) met along the way.
enum Piece {
    Text(String),
    Blank(String),
}

fn push_text(out: &mut Vec<Piece>, s: &str) {
    match out.last_mut() {
        Some(Piece::Text(t)) => t.push_str(s),
        _ => out.push(Piece::Text(s.to_string())),
    }
}

fn is_blank(n: Node) -> bool {
    matches!(
        name(n).as_str(),
        "textEntryInteraction" | "inlineChoiceInteraction"
    )
}

/// Collects one node's text: blanks become pieces, other interactions show only their prompt.
fn walk(n: Node, out: &mut Vec<Piece>) {
    if n.is_text() {
        push_text(out, n.text().unwrap_or(""));
        return;
    }
    if !n.is_element() {
        return;
    }
    let nm = name(n);
    if listed(HIDDEN, &nm) {
        return;
    }
    if is_blank(n) {
        out.push(Piece::Blank(
            attr(n, "responseIdentifier")
                .unwrap_or("")
                .trim()
                .to_string(),
        ));
    } else if nm.ends_with("Interaction") {
        if let Some(p) = child(n, "prompt") {
            walk(p, out);
        }
    } else if nm == "img" {
        push_text(out, &format!(" {} ", attr(n, "alt").unwrap_or("")));
    } else {
        let block = listed(BLOCKS, &nm);
        if block {
            push_text(out, " ");
        }
        n.children().for_each(|c| walk(c, out));
        if block {
            push_text(out, " ");
        }
    }
}

/// Collapses white space runs to one space (keeping one at either end if there was one).
pub(super) fn squash(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
    out
}

/// The text of pieces, white space collapsed and trimmed.
fn text_of(pieces: &[Piece]) -> String {
    let text = pieces.iter().map(|p| {
        if let Piece::Text(t) = p {
            t.as_str()
        } else {
            ""
        }
    });
    squash(&text.collect::<String>()).trim().to_string()
}

/// An element's content as plain text.
pub(super) fn plain(n: Node) -> String {
    let mut pieces = Vec::new();
    n.children().for_each(|c| walk(c, &mut pieces));
    text_of(&pieces)
}

/// Fill-in-the-blank: the body's top-level blocks without blanks make the prompt, the others
/// the stem.
pub(super) fn blank_text(body: Node, ias: &[Ia]) -> Result<(String, Vec<StemPart>), String> {
    let (mut prompt, mut pieces) = (Vec::new(), Vec::new());
    for c in body.children() {
        let to = if c.is_text() || c.descendants().any(is_blank) {
            &mut pieces
        } else {
            &mut prompt
        };
        walk(c, to);
    }
    let mut stem = Vec::new();
    for p in pieces {
        match p {
            Piece::Text(t) => stem.push(StemPart::Text(squash(&t))),
            Piece::Blank(id) => {
                let ia = ias
                    .iter()
                    .find(|i| i.resp == id)
                    .ok_or_else(|| format!("blank {id} is not an interaction"))?;
                let mut ids = BTreeSet::new();
                if let Some(c) = ia
                    .choices
                    .iter()
                    .find(|c| c.id.is_empty() || !ids.insert(c.id.as_str()))
                {
                    return Err(format!(
                        "{} {id}: empty or repeated choice id {:?}",
                        ia.tag, c.id
                    ));
                }
                let choices = if ia.kind == Kind::Inline {
                    ia.choices.clone()
                } else {
                    Vec::new()
                };
                stem.push(StemPart::Blank(Blank {
                    id,
                    choices,
                    expected_len: ia.expected_len,
                }));
            }
        }
    }
    if let Some(StemPart::Text(t)) = stem.first_mut() {
        *t = t.trim_start().to_string();
    }
    if let Some(StemPart::Text(t)) = stem.last_mut() {
        *t = t.trim_end().to_string();
    }
    stem.retain(|p| !matches!(p, StemPart::Text(t) if t.is_empty()));
    Ok((text_of(&prompt), stem))
}
