//! Quiz types: quizzes, their questions as learners see them (never with keys), answers,
//! attempts, feedback, results and the wrong-answer book.
//!
//! Keys, accepted answers and scoring rules live only on the server; nothing here can hold one
//! except [`Feedback::correct`], which the server fills only after submission and as the quiz's
//! [`ReviewPolicy`] allows.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How a quiz is taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuizMode {
    /// Each answer can be checked on request, with feedback at once; unlimited attempts.
    Practice,
    /// Answers are scored on submission.
    Graded,
    /// A graded quiz under a time limit kept by the server clock; submitted when time runs out.
    Exam,
}

/// When a submitted attempt's review shows the right answers and explanations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewPolicy {
    /// Right after each submission.
    AfterSubmit,
    /// Once the learner has passed, or has no attempts left.
    AfterLastAttempt,
    /// Never: only the score and which questions were right.
    Never,
}

/// The kind of a question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// One choice.
    Single,
    /// Any number of choices (up to `max_choices`).
    Multiple,
    /// True or false (choices `true` and `false`).
    TrueFalse,
    /// One or more blanks in a stem, typed or picked.
    FillBlank,
    /// A number, accepted within a tolerance.
    Numeric,
    /// Put the items in order.
    Ordering,
    /// Pair each item with a target.
    Matching,
    /// Free text, stored and not auto-graded.
    Essay,
}

/// A choice, an item to order, or one side of a matching pair.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    /// Id, unique within the question.
    pub id: String,
    /// Plain text.
    pub text: String,
}

/// A blank in a fill-in-the-blank stem.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Blank {
    /// Id, unique within the question.
    pub id: String,
    /// When not empty the blank is picked from these instead of typed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<Choice>,
    /// Expected answer length in characters, a hint for the input's width (0: no hint).
    #[serde(default)]
    pub expected_len: u32,
}

/// A piece of a fill-in-the-blank stem: text, or a blank.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StemPart {
    /// Plain text.
    Text(String),
    /// A blank to fill.
    Blank(Blank),
}

/// A question as learners see it: never its key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// Id, unique in the catalog.
    pub id: String,
    /// Kind, which says which of the fields below are used.
    pub kind: QuestionKind,
    /// The question (plain text, never HTML).
    pub prompt: String,
    /// Points it is worth.
    pub points: f64,
    /// Choices (single, multiple, true/false), items to order (ordering, shuffled),
    /// or the items to pair (matching).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<Choice>,
    /// Matching: the targets items are paired with (shuffled).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<Choice>,
    /// Fill-in-the-blank: the stem with its blanks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stem: Vec<StemPart>,
    /// Multiple choice: most choices allowed (0: any).
    #[serde(default)]
    pub max_choices: u32,
    /// Numeric: unit shown after the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// A learner's answer to one question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// Single, multiple, true/false: the chosen ids.
    Choice(Vec<String>),
    /// Fill-in-the-blank: text per blank id.
    Blanks(BTreeMap<String, String>),
    /// Numeric: the number as typed (full-width digits and `,` decimals are accepted).
    Number(String),
    /// Ordering: every item id, in the learner's order.
    Order(Vec<String>),
    /// Matching: `[item id, target id]` pairs.
    Pairs(Vec<[String; 2]>),
    /// Essay: free text.
    Text(String),
}

/// Longest free-text answer (fill-in blanks, numeric, essay), in characters.
pub const MAX_ANSWER_CHARS: usize = 10_000;

/// A quiz as listed on its course.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuizSummary {
    /// Id.
    pub id: String,
    /// Course it belongs to.
    pub course_id: String,
    /// Title.
    pub title: String,
    /// Practice, graded or exam.
    pub mode: QuizMode,
    /// Number of questions.
    pub question_count: u32,
    /// Time limit, seconds (exams only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit_s: Option<u32>,
}

/// `GET /api/v1/quizzes/{id}`: a quiz's rules and where the caller stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Quiz {
    /// Summary facts.
    pub quiz: QuizSummary,
    /// Course title.
    pub course_title: String,
    /// What the quiz covers (plain text).
    pub description: String,
    /// Points of all questions.
    pub points: f64,
    /// Percent of the points needed to pass.
    pub pass_pct: u32,
    /// Attempts allowed (0: unlimited).
    pub max_attempts: u32,
    /// When right answers are shown.
    pub review: ReviewPolicy,
    /// The caller's attempts, newest first.
    pub attempts: Vec<AttemptSummary>,
    /// The caller's attempt in progress, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_attempt: Option<String>,
    /// Whether the caller may start a new attempt now.
    pub can_start: bool,
}

/// Whether an attempt is still being answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptStatus {
    /// Being answered.
    Open,
    /// Submitted (by the learner, or by the server at the time limit).
    Submitted,
}

/// One attempt in a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttemptSummary {
    /// Id.
    pub id: String,
    /// 1 for the first attempt.
    pub number: u32,
    /// Open or submitted.
    pub status: AttemptStatus,
    /// Started, Unix ms.
    pub started_at_ms: i64,
    /// Score in percent, once submitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pct: Option<f64>,
    /// Whether it passed, once submitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passed: Option<bool>,
}

/// How one answer fared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Full marks.
    Correct,
    /// Some of the marks.
    Partial,
    /// No marks.
    Wrong,
    /// Not answered.
    Unanswered,
    /// Kept for a person to mark (essays).
    Ungraded,
}

/// Feedback on one answer: what it scored and, when the policy allows, the right answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Feedback {
    /// The question.
    pub question_id: String,
    /// How the answer fared.
    pub outcome: Outcome,
    /// Points scored.
    pub score: f64,
    /// Points possible.
    pub max: f64,
    /// The learner's answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<Answer>,
    /// A right answer (absent while the policy withholds it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correct: Option<Answer>,
    /// Why (absent while the policy withholds it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
}

/// A submitted attempt's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttemptResult {
    /// Points scored (essays not counted until marked).
    pub score: f64,
    /// Points possible (auto-graded questions).
    pub max: f64,
    /// Score in percent, 0–100.
    pub pct: f64,
    /// Whether `pct` reaches the pass mark.
    pub passed: bool,
    /// Submitted, Unix ms.
    pub submitted_at_ms: i64,
    /// Submitted by the server because time ran out.
    pub auto_submitted: bool,
    /// Whether the review below carries right answers and explanations.
    pub answers_shown: bool,
    /// Per question, in the attempt's order.
    pub review: Vec<Feedback>,
}

/// `POST /api/v1/quizzes/{id}/attempts` and `GET /api/v1/attempts/{id}`: an attempt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    /// Id.
    pub id: String,
    /// Quiz id.
    pub quiz_id: String,
    /// 1 for the first attempt.
    pub number: u32,
    /// Open or submitted.
    pub status: AttemptStatus,
    /// Practice, graded or exam.
    pub mode: QuizMode,
    /// Started, Unix ms.
    pub started_at_ms: i64,
    /// When an exam is submitted by the server, Unix ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_ms: Option<i64>,
    /// The server's clock when this was sent, so clients can correct their own.
    pub server_now_ms: i64,
    /// The questions, in this attempt's order, choices shuffled as the author allows.
    pub questions: Vec<Question>,
    /// Answers saved so far.
    pub answers: BTreeMap<String, Answer>,
    /// Practice: feedback already given, per question id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub checked: BTreeMap<String, Feedback>,
    /// Once submitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<AttemptResult>,
}

/// `PUT /api/v1/attempts/{id}/answers`: answers to save (merged into those saved).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SaveAnswers {
    /// Answers by question id.
    pub answers: BTreeMap<String, Answer>,
}

/// Reply to a save: when, and how long is left.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SaveReceipt {
    /// Answers now saved.
    pub saved: u32,
    /// The server's clock, Unix ms.
    pub server_now_ms: i64,
    /// Exam deadline, Unix ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_ms: Option<i64>,
}

/// `POST /api/v1/attempts/{id}/check`: practice mode's "check my answer".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckAnswer {
    /// The question.
    pub question_id: String,
    /// The answer to check.
    pub answer: Answer,
}

/// `POST /api/v1/attempts/{id}/submit`: the final answers.
///
/// `submission_id` is made by the client once per submission; sending it again (after a dropped
/// connection) returns the same result instead of submitting twice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubmitAttempt {
    /// Client-made id (8–64 letters, digits, `-`, `_`).
    pub submission_id: String,
    /// Answers by question id (merged over those saved).
    pub answers: BTreeMap<String, Answer>,
}

/// `GET /api/v1/mistakes/summary`: the wrong-answer book in numbers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MistakeSummary {
    /// Questions due for review now.
    pub due: u32,
    /// Questions in the book and not yet mastered.
    pub active: u32,
    /// Questions answered right in every review box.
    pub mastered: u32,
    /// When the next review falls due, Unix ms (absent when nothing waits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_due_ms: Option<i64>,
}

/// A question in the wrong-answer book.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mistake {
    /// The question as learners see it.
    pub question: Question,
    /// Quiz it came from.
    pub quiz_id: String,
    /// That quiz's title.
    pub quiz_title: String,
    /// Leitner box, 1 (review daily) to 5.
    pub box_no: u32,
    /// When it is due, Unix ms.
    pub due_at_ms: i64,
    /// Times answered wrong.
    pub wrong_count: u32,
}

/// `GET /api/v1/mistakes`: questions in the book, due first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MistakeList {
    /// The questions.
    pub items: Vec<Mistake>,
    /// The counts.
    pub summary: MistakeSummary,
}

/// `POST /api/v1/mistakes/{question_id}/review`: one review answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewAnswer {
    /// The answer.
    pub answer: Answer,
}

/// The outcome of one review: feedback and where the question moves.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewOutcome {
    /// Feedback on the answer.
    pub feedback: Feedback,
    /// Box it is now in.
    pub box_no: u32,
    /// When it is next due, Unix ms.
    pub due_at_ms: i64,
    /// Answered right in the last box: out of the book.
    pub mastered: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_externally_tagged() {
        let a = Answer::Pairs(vec![["a".into(), "x".into()]]);
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, r#"{"pairs":[["a","x"]]}"#);
        assert_eq!(serde_json::from_str::<Answer>(&json).unwrap(), a);
        let b: Answer = serde_json::from_str(r#"{"blanks":{"b1":"x"}}"#).unwrap();
        assert!(matches!(b, Answer::Blanks(m) if m["b1"] == "x"));
        assert!(serde_json::from_str::<Answer>(r#"{"choice":"a"}"#).is_err());
    }
}
