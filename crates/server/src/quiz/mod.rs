//! Quizzes on the server: the authoring model (questions with their keys), the public view made
//! from it for one attempt, and scoring.
//!
//! A [`QuestionDef`] is what authors write (the demo's `quizzes.json`, or made by the QTI
//! importer) and what the database stores. Learners only ever get [`QuestionDef::public`], which
//! has no field a key could travel in.

pub mod normalize;
pub mod qti;
pub mod score;

use jieti_api::{Answer, Blank, Choice, Question, QuestionKind, QuizMode, ReviewPolicy, StemPart};
use serde::{Deserialize, Serialize};

/// How ordering questions give partial credit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderRule {
    /// Share of items in their right position.
    #[default]
    PerPosition,
    /// Longest run of items in the right relative order (longest common subsequence) over all.
    LongestRun,
}

/// A question's key: what counts as right, and how partial credit is given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Key {
    /// Single, multiple, true/false: the right choice ids.
    Choice {
        /// Right ids (exactly one for single and true/false).
        correct: Vec<String>,
    },
    /// Fill-in-the-blank: accepted answers per blank id.
    Blanks {
        /// Accepted answers per blank (compared after normalisation).
        accepted: std::collections::BTreeMap<String, Vec<String>>,
        /// Compare letter case too.
        #[serde(default)]
        case_sensitive: bool,
    },
    /// Numeric: right within `tolerance` (absolute).
    Numeric {
        /// The right value.
        value: f64,
        /// Largest accepted difference.
        #[serde(default)]
        tolerance: f64,
    },
    /// Ordering: the right order of item ids.
    Order {
        /// Item ids, in order.
        correct: Vec<String>,
        /// Partial-credit rule.
        #[serde(default)]
        rule: OrderRule,
    },
    /// Matching: the right `[item, target]` pairs.
    Pairs {
        /// Right pairs.
        correct: Vec<[String; 2]>,
    },
    /// Essay: no key; stored for a person to mark.
    Essay,
    /// An imported QTI item, scored by its own response processing.
    Qti {
        /// The item's XML as imported.
        xml: String,
    },
}

/// A question as authored: the learner's view plus its key and explanation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuestionDef {
    /// Id, unique in the catalog.
    pub id: String,
    /// Kind.
    pub kind: QuestionKind,
    /// The question (plain text).
    pub prompt: String,
    /// Points (for QTI items, the item's greatest SCORE).
    #[serde(default = "one")]
    pub points: f64,
    /// Choices, items to order, or items to pair.
    #[serde(default)]
    pub choices: Vec<Choice>,
    /// Matching targets.
    #[serde(default)]
    pub targets: Vec<Choice>,
    /// Fill-in-the-blank stem.
    #[serde(default)]
    pub stem: Vec<StemPart>,
    /// Multiple choice: most choices allowed (0: any).
    #[serde(default)]
    pub max_choices: u32,
    /// Numeric unit.
    #[serde(default)]
    pub unit: Option<String>,
    /// Whether choices may be shuffled (items to order and targets are always shuffled).
    #[serde(default = "yes")]
    pub shuffle: bool,
    /// Shown with the right answer.
    #[serde(default)]
    pub explanation: Option<String>,
    /// The key.
    pub key: Key,
}

fn one() -> f64 {
    1.0
}

fn yes() -> bool {
    true
}

/// A quiz as authored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuizDef {
    /// Id.
    pub id: String,
    /// Course it belongs to.
    pub course_id: String,
    /// Title.
    pub title: String,
    /// What it covers.
    #[serde(default)]
    pub description: String,
    /// Practice, graded or exam.
    pub mode: QuizMode,
    /// Exams: time limit, seconds.
    #[serde(default)]
    pub time_limit_s: Option<u32>,
    /// Attempts allowed (0: unlimited).
    #[serde(default)]
    pub max_attempts: u32,
    /// Percent needed to pass.
    #[serde(default = "sixty")]
    pub pass_pct: u32,
    /// When right answers are shown after submission.
    #[serde(default = "after_submit")]
    pub review: ReviewPolicy,
    /// Whether questions are shown in a shuffled order per attempt.
    #[serde(default)]
    pub shuffle_questions: bool,
    /// The questions.
    pub questions: Vec<QuestionDef>,
}

fn sixty() -> u32 {
    60
}

fn after_submit() -> ReviewPolicy {
    ReviewPolicy::AfterSubmit
}

/// A small deterministic generator (SplitMix64): the same attempt always sees the same order.
pub struct Shuffler(u64);

impl Shuffler {
    /// A generator seeded from `parts` (e.g. attempt id and question id).
    pub fn new(parts: &[&str]) -> Self {
        // FNV-1a: stable across builds and platforms, unlike std's hasher.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for p in parts {
            for b in p.bytes().chain([0xff]) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        Shuffler(h)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }

    /// Shuffles and, when there are two or more items, never leaves them as they were, so the
    /// order shown cannot be the key.
    pub fn derange_order<T: Clone + PartialEq>(&mut self, items: &mut [T]) {
        let original = items.to_vec();
        self.shuffle(items);
        if items.len() > 1 && items == original.as_slice() {
            items.rotate_left(1);
        }
    }
}

impl QuestionDef {
    /// The learner's view of this question in one attempt (`seed` names the attempt).
    pub fn public(&self, seed: &str) -> Question {
        let mut rng = Shuffler::new(&[seed, &self.id]);
        let mut choices = self.choices.clone();
        let mut targets = self.targets.clone();
        match self.kind {
            QuestionKind::Ordering => {
                // The authored order may be the key itself: always show another.
                let key_order: Vec<String> = match &self.key {
                    Key::Order { correct, .. } => correct.clone(),
                    _ => choices.iter().map(|c| c.id.clone()).collect(),
                };
                rng.derange_order(&mut choices);
                let shown: Vec<&str> = choices.iter().map(|c| c.id.as_str()).collect();
                if choices.len() > 1
                    && shown == key_order.iter().map(String::as_str).collect::<Vec<_>>()
                {
                    choices.rotate_left(1);
                }
            }
            QuestionKind::Matching => {
                if self.shuffle {
                    rng.shuffle(&mut choices);
                }
                rng.shuffle(&mut targets);
            }
            QuestionKind::Single | QuestionKind::Multiple if self.shuffle => {
                rng.shuffle(&mut choices)
            }
            _ => {}
        }
        let stem = self
            .stem
            .iter()
            .map(|p| match p {
                StemPart::Blank(b) if self.shuffle && !b.choices.is_empty() => {
                    let mut c = b.choices.clone();
                    rng.shuffle(&mut c);
                    StemPart::Blank(Blank {
                        id: b.id.clone(),
                        choices: c,
                        expected_len: b.expected_len,
                    })
                }
                p => p.clone(),
            })
            .collect();
        Question {
            id: self.id.clone(),
            kind: self.kind,
            prompt: self.prompt.clone(),
            points: self.points,
            choices,
            targets,
            stem,
            max_choices: self.max_choices,
            unit: self.unit.clone(),
        }
    }

    /// The blank ids of a fill-in-the-blank stem, in order.
    pub fn blank_ids(&self) -> Vec<&str> {
        self.stem
            .iter()
            .filter_map(|p| match p {
                StemPart::Blank(b) => Some(b.id.as_str()),
                StemPart::Text(_) => None,
            })
            .collect()
    }

    /// A right answer to show in a review, in the learner's terms.
    pub fn correct_answer(&self) -> Option<Answer> {
        match &self.key {
            Key::Choice { correct } => Some(Answer::Choice(correct.clone())),
            Key::Blanks { accepted, .. } => Some(Answer::Blanks(
                accepted
                    .iter()
                    .filter_map(|(k, v)| v.first().map(|a| (k.clone(), a.clone())))
                    .collect(),
            )),
            Key::Numeric { value, .. } => Some(Answer::Number(format_number(*value))),
            Key::Order { correct, .. } => Some(Answer::Order(correct.clone())),
            Key::Pairs { correct } => Some(Answer::Pairs(correct.clone())),
            Key::Essay => None,
            Key::Qti { xml } => qti::correct_answer(xml, self),
        }
    }

    /// Checks that the question is well made: ids unique and the key refers to what exists.
    pub fn validate(&self) -> Result<(), String> {
        let ids = |list: &[Choice]| -> Result<Vec<String>, String> {
            let mut seen = std::collections::BTreeSet::new();
            for c in list {
                if c.id.is_empty() || !seen.insert(c.id.clone()) {
                    return Err(format!(
                        "question {}: empty or repeated id {:?}",
                        self.id, c.id
                    ));
                }
            }
            Ok(seen.into_iter().collect())
        };
        let choice_ids = ids(&self.choices)?;
        let target_ids = ids(&self.targets)?;
        let has = |list: &[String], id: &str| list.iter().any(|x| x == id);
        let unique = |list: &[String]| {
            list.iter().collect::<std::collections::BTreeSet<_>>().len() == list.len()
        };
        if !self.points.is_finite() || self.points < 0.0 {
            return Err(format!("question {}: points must be 0 or more", self.id));
        }
        match (&self.kind, &self.key) {
            (QuestionKind::Single | QuestionKind::TrueFalse, Key::Choice { correct })
                if correct.len() == 1 && has(&choice_ids, &correct[0]) => {}
            (QuestionKind::Multiple, Key::Choice { correct })
                if !correct.is_empty()
                    && unique(correct)
                    && (self.max_choices == 0 || correct.len() <= self.max_choices as usize)
                    && correct.iter().all(|c| has(&choice_ids, c)) => {}
            (QuestionKind::FillBlank, Key::Blanks { accepted, .. })
                if !self.blank_ids().is_empty()
                    && self.stem.iter().all(|p| match p {
                        StemPart::Text(_) => true,
                        // A picked blank is answered with a choice id: its key must be ids.
                        StemPart::Blank(b) => accepted.get(&b.id).is_some_and(|a| {
                            !a.is_empty()
                                && (b.choices.is_empty()
                                    || a.iter().all(|x| b.choices.iter().any(|c| &c.id == x)))
                        }),
                    }) => {}
            (QuestionKind::Numeric, Key::Numeric { value, tolerance })
                if value.is_finite() && tolerance.is_finite() && *tolerance >= 0.0 => {}
            // Three items at least: with two, the order shown (never the key) gives the answer.
            (QuestionKind::Ordering, Key::Order { correct, .. })
                if correct.len() == choice_ids.len()
                    && correct.len() >= 3
                    && unique(correct)
                    && correct.iter().all(|c| has(&choice_ids, c)) => {}
            (QuestionKind::Matching, Key::Pairs { correct })
                if !correct.is_empty()
                    && unique(&correct.iter().map(|[l, _]| l.clone()).collect::<Vec<_>>())
                    && correct
                        .iter()
                        .all(|[l, r]| has(&choice_ids, l) && has(&target_ids, r)) => {}
            (QuestionKind::Essay, Key::Essay) => {}
            (_, Key::Qti { .. }) => {}
            _ => {
                return Err(format!(
                    "question {}: the key does not fit a {:?} question",
                    self.id, self.kind
                ))
            }
        }
        Ok(())
    }
}

/// A number as people write it: no trailing `.0`.
pub fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Whether a submitted attempt's review may show the right answers.
pub fn answers_shown(policy: ReviewPolicy, passed_ever: bool, attempts_left: bool) -> bool {
    match policy {
        ReviewPolicy::AfterSubmit => true,
        ReviewPolicy::AfterLastAttempt => passed_ever || !attempts_left,
        ReviewPolicy::Never => false,
    }
}
