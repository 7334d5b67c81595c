//! Scoring one answer, with the partial-credit rules of each kind (see README, "Scoring"):
//!
//! - single, true/false: all or nothing.
//! - multiple: each right choice picked earns 1/k of the points (k right choices), each wrong
//!   one picked loses 1/k; the total is floored at 0. More picks than `max_choices` score 0.
//! - fill-in-the-blank: each blank is worth an equal share; typed blanks are compared after
//!   normalisation ([`super::normalize::text`]), picked blanks by id.
//! - numeric: all or nothing within the tolerance; NaN and infinities never match.
//! - ordering: per position (share of items in their place), or longest run:
//!   (longest common subsequence − 1) / (n − 1), so a reversed list earns 0.
//! - matching: each right pair earns 1/n of the points (n pairs in the key).
//! - essay: not scored (outcome `ungraded`, worth 0 of 0 until marked).
//! - QTI items: the item's own response processing; `SCORE` as QTI defines it.

use std::collections::BTreeSet;

use jieti_api::{Answer, Outcome, QuestionKind, StemPart, MAX_ANSWER_CHARS};

use super::{normalize, Key, OrderRule, QuestionDef};

/// The score of one answer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scored {
    /// Points earned.
    pub score: f64,
    /// Points possible (0 for essays).
    pub max: f64,
    /// How it fared.
    pub outcome: Outcome,
}

/// Whether an answer says nothing at all.
pub fn is_empty(answer: &Answer) -> bool {
    match answer {
        Answer::Choice(v) | Answer::Order(v) => v.is_empty(),
        Answer::Blanks(m) => m.values().all(|v| v.trim().is_empty()),
        Answer::Number(s) | Answer::Text(s) => s.trim().is_empty(),
        Answer::Pairs(p) => p.is_empty(),
    }
}

/// Refuses answers no honest client sends for this question: the wrong shape, ids the question
/// does not have, repeats, too many picks, oversized text. The message names the problem.
pub fn check(def: &QuestionDef, answer: &Answer) -> Result<(), String> {
    let choice = |id: &String| def.choices.iter().any(|c| &c.id == id);
    let target = |id: &String| def.targets.iter().any(|c| &c.id == id);
    let unique = |v: &[&String]| v.iter().collect::<BTreeSet<_>>().len() == v.len();
    let long = |s: &String| s.chars().count() > MAX_ANSWER_CHARS;
    match (def.kind, answer) {
        (
            QuestionKind::Single | QuestionKind::TrueFalse | QuestionKind::Multiple,
            Answer::Choice(ids),
        ) => {
            if !ids.iter().all(choice) {
                return Err("an id is not one of the question's choices".into());
            }
            if !unique(&ids.iter().collect::<Vec<_>>()) {
                return Err("a choice is given twice".into());
            }
            let most = match def.kind {
                QuestionKind::Multiple if def.max_choices > 0 => def.max_choices as usize,
                QuestionKind::Multiple => def.choices.len(),
                _ => 1,
            };
            if ids.len() > most {
                return Err(format!("at most {most} choices may be picked"));
            }
        }
        (QuestionKind::FillBlank, Answer::Blanks(map)) => {
            let blanks = def.blank_ids();
            if let Some(k) = map.keys().find(|k| !blanks.contains(&k.as_str())) {
                return Err(format!("the question has no blank {k:?}"));
            }
            if map.values().any(long) {
                return Err(format!(
                    "a blank holds at most {MAX_ANSWER_CHARS} characters"
                ));
            }
            // A picked blank takes one of its choices' ids, nothing else (an empty one is unanswered).
            for part in &def.stem {
                if let StemPart::Blank(b) = part {
                    let picked = map.get(&b.id).filter(|v| !v.is_empty());
                    if let Some(v) = picked
                        .filter(|v| !b.choices.is_empty() && !b.choices.iter().any(|c| &c.id == *v))
                    {
                        return Err(format!(
                            "{v:?} is not one of the choices of blank {:?}",
                            b.id
                        ));
                    }
                }
            }
        }
        (QuestionKind::Numeric, Answer::Number(s)) | (QuestionKind::Essay, Answer::Text(s)) => {
            if long(s) {
                return Err(format!(
                    "an answer holds at most {MAX_ANSWER_CHARS} characters"
                ));
            }
        }
        (QuestionKind::Ordering, Answer::Order(ids)) => {
            if !ids.is_empty()
                && (ids.len() != def.choices.len()
                    || !ids.iter().all(choice)
                    || !unique(&ids.iter().collect::<Vec<_>>()))
            {
                return Err("an order must list every item once".into());
            }
        }
        (QuestionKind::Matching, Answer::Pairs(pairs)) => {
            if !pairs.iter().all(|[l, r]| choice(l) && target(r)) {
                return Err("a pair names an item or target the question does not have".into());
            }
            if !unique(&pairs.iter().map(|[l, _]| l).collect::<Vec<_>>()) {
                return Err("an item is paired twice".into());
            }
        }
        _ => {
            return Err(format!(
                "this answer does not fit a {:?} question",
                def.kind
            ))
        }
    }
    Ok(())
}

/// Scores `answer` (or no answer) against the question's key.
pub fn score(def: &QuestionDef, answer: Option<&Answer>) -> Scored {
    if let Key::Qti { xml } = &def.key {
        return super::qti::score_answer(xml, def, answer);
    }
    let points = def.points;
    if matches!(def.key, Key::Essay) {
        let outcome = match answer {
            Some(a) if !is_empty(a) => Outcome::Ungraded,
            _ => Outcome::Unanswered,
        };
        return Scored {
            score: 0.0,
            max: 0.0,
            outcome,
        };
    }
    let Some(answer) = answer.filter(|a| !is_empty(a)) else {
        return Scored {
            score: 0.0,
            max: points,
            outcome: Outcome::Unanswered,
        };
    };
    // An answer that fails the checks (stored before a rule changed, or crafted) earns nothing.
    let fraction = if check(def, answer).is_err() {
        0.0
    } else {
        fraction(def, answer)
    };
    let fraction = if fraction.is_finite() {
        fraction.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let score = fraction * points;
    let outcome = if fraction >= 1.0 - 1e-9 {
        Outcome::Correct
    } else if fraction > 0.0 {
        Outcome::Partial
    } else {
        Outcome::Wrong
    };
    Scored {
        score,
        max: points,
        outcome,
    }
}

/// The share of the points an answer that passed [`check`] earns.
fn fraction(def: &QuestionDef, answer: &Answer) -> f64 {
    match (&def.key, answer) {
        (Key::Choice { correct }, Answer::Choice(ids)) => match def.kind {
            QuestionKind::Multiple => {
                let k = correct.len().max(1) as f64;
                let right = ids.iter().filter(|i| correct.contains(i)).count() as f64;
                let wrong = ids.len() as f64 - right;
                ((right - wrong) / k).max(0.0)
            }
            _ => f64::from(u8::from(ids.len() == 1 && correct.contains(&ids[0]))),
        },
        (
            Key::Blanks {
                accepted,
                case_sensitive,
            },
            Answer::Blanks(given),
        ) => {
            let blanks = def.blank_ids();
            let right = blanks
                .iter()
                .filter(|b| {
                    let Some(typed) = given.get(**b) else {
                        return false;
                    };
                    let ok = accepted.get(**b).map(Vec::as_slice).unwrap_or(&[]);
                    if picked_blank(def, b) {
                        ok.iter().any(|a| a == typed)
                    } else {
                        let t = normalize::text(typed, *case_sensitive);
                        !t.is_empty() && ok.iter().any(|a| normalize::text(a, *case_sensitive) == t)
                    }
                })
                .count();
            right as f64 / blanks.len().max(1) as f64
        }
        (Key::Numeric { value, tolerance }, Answer::Number(typed)) => {
            match normalize::number(typed) {
                // A hair of slack so 0.1 + 0.2 style rounding in the key never fails a right answer.
                Some(x) => f64::from(u8::from(
                    (x - value).abs() <= tolerance + 1e-9 * value.abs().max(1.0),
                )),
                None => 0.0,
            }
        }
        (Key::Order { correct, rule }, Answer::Order(ids)) => {
            let n = correct.len();
            if n == 0 {
                return 0.0;
            }
            match rule {
                OrderRule::PerPosition => {
                    ids.iter().zip(correct).filter(|(a, b)| a == b).count() as f64 / n as f64
                }
                OrderRule::LongestRun if n > 1 => {
                    (lcs(ids, correct).saturating_sub(1)) as f64 / (n - 1) as f64
                }
                OrderRule::LongestRun => f64::from(u8::from(ids == correct)),
            }
        }
        (Key::Pairs { correct }, Answer::Pairs(pairs)) => {
            let right = pairs.iter().filter(|p| correct.contains(p)).count();
            right as f64 / correct.len().max(1) as f64
        }
        _ => 0.0,
    }
}

/// Whether a blank is picked from choices (compared by id) rather than typed.
fn picked_blank(def: &QuestionDef, id: &str) -> bool {
    def.stem
        .iter()
        .any(|p| matches!(p, jieti_api::StemPart::Blank(b) if b.id == id && !b.choices.is_empty()))
}

/// Length of the longest common subsequence.
fn lcs(a: &[String], b: &[String]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        let mut diag = 0;
        for (j, y) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = if x == y { diag + 1 } else { up.max(row[j]) };
            diag = up;
        }
    }
    row[b.len()]
}
