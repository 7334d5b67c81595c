//! Quiz queries: authoring (upsert), attempts (start, save, check, submit, expire) and the
//! wrong-answer book.
//!
//! Rules kept here, in one place:
//! - an attempt is the learner's alone: another learner's id reads as "not found";
//! - an exam's deadline is the server's clock; after it (plus [`GRACE_MS`] for answers already
//!   in flight) the attempt is submitted with what was saved, by whichever request or the
//!   sweeper comes first;
//! - submission is one conditional UPDATE, so a resent or concurrent submission never scores twice;
//! - practice answers are locked once checked, since the check revealed the right answer.

use std::collections::BTreeMap;

use jieti_api::{
    Answer, Attempt, AttemptResult, AttemptStatus, AttemptSummary, CheckAnswer, Feedback, Mistake,
    MistakeList, MistakeSummary, Outcome, Quiz, QuizMode, QuizSummary, ReviewOutcome, ReviewPolicy,
    SaveReceipt, SubmitAttempt,
};
use sqlx::FromRow;

use super::Db;
use crate::auth::{new_id, now_ms};
use crate::error::{AppError, AppResult};
use crate::quiz::{answers_shown, score, QuestionDef, QuizDef, Shuffler};

/// Answers of an exam that arrive this long after the deadline still count (network latency).
pub const GRACE_MS: i64 = 30_000;

/// Days until the next review after a right answer in box 1, 2, 3 and 4; right in box 5 masters it.
pub const LEITNER_DAYS: [i64; 4] = [1, 3, 7, 14];

/// After a wrong review answer the question comes back this soon (ms).
pub const RELEARN_MS: i64 = 10 * 60 * 1000;

const DAY_MS: i64 = 24 * 3600 * 1000;

#[derive(FromRow, Clone)]
struct QuizRow {
    id: String,
    course_id: String,
    course_title: String,
    title: String,
    description: String,
    mode: String,
    time_limit_s: Option<i64>,
    max_attempts: i64,
    pass_pct: i64,
    review: String,
    shuffle_questions: i64,
    question_count: i64,
}

impl QuizRow {
    fn mode(&self) -> QuizMode {
        match self.mode.as_str() {
            "practice" => QuizMode::Practice,
            "exam" => QuizMode::Exam,
            _ => QuizMode::Graded,
        }
    }

    fn policy(&self) -> ReviewPolicy {
        match self.review.as_str() {
            "after_submit" => ReviewPolicy::AfterSubmit,
            "never" => ReviewPolicy::Never,
            _ => ReviewPolicy::AfterLastAttempt,
        }
    }

    fn summary(&self) -> QuizSummary {
        QuizSummary {
            id: self.id.clone(),
            course_id: self.course_id.clone(),
            title: self.title.clone(),
            mode: self.mode(),
            question_count: self.question_count.max(0) as u32,
            time_limit_s: self.time_limit_s.map(|s| s.max(0) as u32),
        }
    }
}

const QUIZ_SELECT: &str =
    "SELECT q.id, q.course_id, c.title AS course_title, q.title, q.description, q.mode,
        q.time_limit_s, q.max_attempts, q.pass_pct, q.review, q.shuffle_questions,
        (SELECT COUNT(*) FROM questions x WHERE x.quiz_id = q.id) AS question_count
    FROM quizzes q JOIN courses c ON c.id = q.course_id";

#[derive(FromRow, Clone)]
struct AttemptRow {
    id: String,
    quiz_id: String,
    learner_id: String,
    number: i64,
    started_at: i64,
    deadline_at: Option<i64>,
    question_ids: String,
    answers: String,
    checked: String,
    submitted_at: Option<i64>,
    auto_submitted: i64,
    score: Option<f64>,
    max_score: Option<f64>,
    pct: Option<f64>,
    passed: Option<i64>,
    review: Option<String>,
}

const ATTEMPT_SELECT: &str = "SELECT id, quiz_id, learner_id, number, started_at, deadline_at,
        question_ids, answers, checked, submitted_at, auto_submitted, score, max_score, pct, passed,
        review FROM attempts";

fn mode_str(m: QuizMode) -> &'static str {
    match m {
        QuizMode::Practice => "practice",
        QuizMode::Graded => "graded",
        QuizMode::Exam => "exam",
    }
}

fn policy_str(p: ReviewPolicy) -> &'static str {
    match p {
        ReviewPolicy::AfterSubmit => "after_submit",
        ReviewPolicy::AfterLastAttempt => "after_last_attempt",
        ReviewPolicy::Never => "never",
    }
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}

/// Creates or replaces a quiz and its questions. Questions keep their ids (and so the learners'
/// mistakes on them); questions no longer in the quiz are removed.
pub async fn upsert_quiz(db: &Db, quiz: &QuizDef, position: i64) -> Result<(), String> {
    check_quiz(quiz)?;
    let mut tx = super::write_tx(db).await.map_err(|e| e.to_string())?;
    let course: Option<String> = sqlx::query_scalar("SELECT id FROM courses WHERE id = $1")
        .bind(&quiz.course_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| e.to_string())?;
    if course.is_none() {
        return Err(format!("no course {:?}", quiz.course_id));
    }
    for q in &quiz.questions {
        let owner: Option<String> =
            sqlx::query_scalar("SELECT quiz_id FROM questions WHERE id = $1")
                .bind(&q.id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| e.to_string())?;
        if let Some(owner) = owner.filter(|o| o != &quiz.id) {
            return Err(format!(
                "question id {:?} already belongs to quiz {owner:?}",
                q.id
            ));
        }
    }
    sqlx::query(
        "INSERT INTO quizzes (id, course_id, position, title, description, mode, time_limit_s,
             max_attempts, pass_pct, review, shuffle_questions, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (id) DO UPDATE SET course_id = excluded.course_id, position = excluded.position,
             title = excluded.title, description = excluded.description, mode = excluded.mode,
             time_limit_s = excluded.time_limit_s, max_attempts = excluded.max_attempts,
             pass_pct = excluded.pass_pct, review = excluded.review,
             shuffle_questions = excluded.shuffle_questions, updated_at = excluded.updated_at",
    )
    .bind(&quiz.id)
    .bind(&quiz.course_id)
    .bind(position)
    .bind(&quiz.title)
    .bind(&quiz.description)
    .bind(mode_str(quiz.mode))
    .bind(quiz.time_limit_s.map(i64::from))
    .bind(i64::from(quiz.max_attempts))
    .bind(i64::from(quiz.pass_pct))
    .bind(policy_str(quiz.review))
    .bind(i64::from(quiz.shuffle_questions))
    .bind(now_ms())
    .execute(&mut *tx)
    .await
    .map_err(|e| e.to_string())?;
    // Questions no longer in the quiz go (`IN ()` is not SQL, so no list when none stay).
    let sql = if quiz.questions.is_empty() {
        "DELETE FROM questions WHERE quiz_id = $1".to_owned()
    } else {
        format!(
            "DELETE FROM questions WHERE quiz_id = $1 AND id NOT IN ({})",
            super::placeholders(2, quiz.questions.len())
        )
    };
    let mut delete = sqlx::query(&sql).bind(&quiz.id);
    for q in &quiz.questions {
        delete = delete.bind(&q.id);
    }
    delete.execute(&mut *tx).await.map_err(|e| e.to_string())?;
    for (i, q) in quiz.questions.iter().enumerate() {
        let def = serde_json::to_string(q).map_err(|e| e.to_string())?;
        sqlx::query(
            "INSERT INTO questions (id, quiz_id, position, def) VALUES ($1, $2, $3, $4)
             ON CONFLICT (id) DO UPDATE SET position = excluded.position, def = excluded.def",
        )
        .bind(&q.id)
        .bind(&quiz.id)
        .bind(i as i64)
        .bind(def)
        .execute(&mut *tx)
        .await
        .map_err(|e| e.to_string())?;
    }
    tx.commit().await.map_err(|e| e.to_string())
}

/// Checks a quiz before it is stored: sane settings, unique and well-made questions.
pub fn check_quiz(quiz: &QuizDef) -> Result<(), String> {
    let id_ok = |s: &str| {
        !s.is_empty()
            && s.len() <= 128
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
    };
    if !id_ok(&quiz.id) {
        return Err(format!(
            "quiz id {:?}: use letters, digits, '-', '_', '.', ':'",
            quiz.id
        ));
    }
    if quiz.title.trim().is_empty() {
        return Err(format!("quiz {}: the title is empty", quiz.id));
    }
    if quiz.pass_pct > 100 {
        return Err(format!("quiz {}: pass_pct must be 0–100", quiz.id));
    }
    match (quiz.mode, quiz.time_limit_s) {
        (QuizMode::Exam, None | Some(0)) => {
            return Err(format!("quiz {}: an exam needs time_limit_s", quiz.id))
        }
        (QuizMode::Practice | QuizMode::Graded, Some(_)) => {
            return Err(format!("quiz {}: only exams have a time limit", quiz.id))
        }
        _ => {}
    }
    if quiz.questions.is_empty() {
        return Err(format!("quiz {}: no questions", quiz.id));
    }
    let mut seen = std::collections::BTreeSet::new();
    for q in &quiz.questions {
        if !id_ok(&q.id) || !seen.insert(q.id.as_str()) {
            return Err(format!(
                "quiz {}: bad or repeated question id {:?}",
                quiz.id, q.id
            ));
        }
        q.validate()?;
    }
    Ok(())
}

/// The quizzes of a course, in order.
pub async fn course_quizzes(db: &Db, course_id: &str) -> Result<Vec<QuizSummary>, sqlx::Error> {
    let rows: Vec<QuizRow> = sqlx::query_as(&format!(
        "{QUIZ_SELECT} WHERE q.course_id = $1 ORDER BY q.position, q.id"
    ))
    .bind(course_id)
    .fetch_all(db)
    .await?;
    Ok(rows.iter().map(QuizRow::summary).collect())
}

async fn quiz_row(db: &Db, id: &str) -> AppResult<QuizRow> {
    sqlx::query_as(&format!("{QUIZ_SELECT} WHERE q.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no quiz {id:?}")))
}

async fn defs(db: &Db, quiz_id: &str) -> AppResult<BTreeMap<String, QuestionDef>> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT id, def FROM questions WHERE quiz_id = $1")
            .bind(quiz_id)
            .fetch_all(db)
            .await?;
    rows.into_iter()
        .map(|(id, def)| Ok((id, serde_json::from_str(&def).map_err(internal)?)))
        .collect()
}

/// Where a learner stands on a quiz: submitted attempts, whether one passed, whether more remain.
struct Standing {
    attempts: Vec<AttemptRow>,
    passed_ever: bool,
    attempts_left: bool,
}

async fn standing(db: &Db, quiz: &QuizRow, learner_id: &str) -> AppResult<Standing> {
    let attempts: Vec<AttemptRow> = sqlx::query_as(&format!(
        "{ATTEMPT_SELECT} WHERE learner_id = $1 AND quiz_id = $2 ORDER BY number DESC"
    ))
    .bind(learner_id)
    .bind(&quiz.id)
    .fetch_all(db)
    .await?;
    let submitted = attempts.iter().filter(|a| a.submitted_at.is_some()).count() as i64;
    Ok(Standing {
        passed_ever: attempts.iter().any(|a| a.passed == Some(1)),
        attempts_left: quiz.max_attempts == 0 || submitted < quiz.max_attempts,
        attempts,
    })
}

/// `GET /quizzes/{id}` for a learner.
pub async fn quiz(db: &Db, learner_id: &str, id: &str) -> AppResult<Quiz> {
    let row = quiz_row(db, id).await?;
    expire_open(db, learner_id, id).await?;
    let st = standing(db, &row, learner_id).await?;
    let points = defs(db, id)
        .await?
        .values()
        .map(|d| score::score(d, None).max)
        .sum();
    let open = st.attempts.iter().find(|a| a.submitted_at.is_none());
    Ok(Quiz {
        quiz: row.summary(),
        course_title: row.course_title.clone(),
        description: row.description.clone(),
        points,
        pass_pct: row.pass_pct as u32,
        max_attempts: row.max_attempts as u32,
        review: row.policy(),
        open_attempt: open.map(|a| a.id.clone()),
        can_start: open.is_some() || st.attempts_left,
        attempts: st
            .attempts
            .iter()
            .map(|a| AttemptSummary {
                id: a.id.clone(),
                number: a.number as u32,
                status: status(a),
                started_at_ms: a.started_at,
                pct: a.pct,
                passed: a.passed.map(|p| p == 1),
            })
            .collect(),
    })
}

fn status(a: &AttemptRow) -> AttemptStatus {
    if a.submitted_at.is_some() {
        AttemptStatus::Submitted
    } else {
        AttemptStatus::Open
    }
}

/// Starts an attempt, or returns the one in progress (so a second device resumes it).
pub async fn start(db: &Db, learner_id: &str, quiz_id: &str) -> AppResult<Attempt> {
    let row = quiz_row(db, quiz_id).await?;
    expire_open(db, learner_id, quiz_id).await?;
    let st = standing(db, &row, learner_id).await?;
    if let Some(open) = st.attempts.iter().find(|a| a.submitted_at.is_none()) {
        return attempt(db, learner_id, &open.id).await;
    }
    if !st.attempts_left {
        return Err(AppError::Conflict {
            message: format!("all {} attempts are used", row.max_attempts),
            field: None,
        });
    }
    let defs = defs(db, quiz_id).await?;
    let mut order: Vec<(i64, String)> =
        sqlx::query_as("SELECT position, id FROM questions WHERE quiz_id = $1 ORDER BY position")
            .bind(quiz_id)
            .fetch_all(db)
            .await?;
    order.retain(|(_, id)| defs.contains_key(id));
    let id = new_id("a");
    let mut ids: Vec<String> = order.into_iter().map(|(_, id)| id).collect();
    if row.shuffle_questions == 1 {
        Shuffler::new(&[&id]).shuffle(&mut ids);
    }
    let now = now_ms();
    let deadline = match row.mode() {
        QuizMode::Exam => row.time_limit_s.map(|s| now + s * 1000),
        _ => None,
    };
    let number = st.attempts.iter().map(|a| a.number).max().unwrap_or(0) + 1;
    let inserted = sqlx::query(
        "INSERT INTO attempts (id, quiz_id, learner_id, number, started_at, deadline_at, question_ids)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
    )
    .bind(&id)
    .bind(quiz_id)
    .bind(learner_id)
    .bind(number)
    .bind(now)
    .bind(deadline)
    .bind(serde_json::to_string(&ids).map_err(internal)?)
    .execute(db)
    .await?;
    if inserted.rows_affected() == 0 {
        // Another request of the same learner started one at the same moment: resume it.
        let open: Option<String> = sqlx::query_scalar(
            "SELECT id FROM attempts WHERE learner_id = $1 AND quiz_id = $2 AND submitted_at IS NULL",
        )
        .bind(learner_id)
        .bind(quiz_id)
        .fetch_optional(db)
        .await?;
        return match open {
            Some(open) => attempt(db, learner_id, &open).await,
            None => Err(AppError::Conflict {
                message: "another attempt was started at the same time; try again".into(),
                field: None,
            }),
        };
    }
    attempt(db, learner_id, &id).await
}

async fn attempt_row(db: &Db, learner_id: &str, id: &str) -> AppResult<AttemptRow> {
    sqlx::query_as(&format!(
        "{ATTEMPT_SELECT} WHERE id = $1 AND learner_id = $2"
    ))
    .bind(id)
    .bind(learner_id)
    .fetch_optional(db)
    .await?
    // Someone else's attempt reads exactly like a missing one: ids cannot be probed.
    .ok_or_else(|| AppError::NotFound(format!("no attempt {id:?}")))
}

fn parse<T: serde::de::DeserializeOwned + Default>(s: &str) -> T {
    serde_json::from_str(s).unwrap_or_default()
}

/// `GET /attempts/{id}`: the attempt as its learner sees it (submitted first when time is up).
pub async fn attempt(db: &Db, learner_id: &str, id: &str) -> AppResult<Attempt> {
    let mut a = attempt_row(db, learner_id, id).await?;
    if a.submitted_at.is_none() && a.deadline_at.is_some_and(|d| now_ms() > d + GRACE_MS) {
        finalize(db, &a, None, true).await?;
        a = attempt_row(db, learner_id, id).await?;
    }
    let quiz = quiz_row(db, &a.quiz_id).await?;
    let defs = defs(db, &a.quiz_id).await?;
    let st = standing(db, &quiz, learner_id).await?;
    let ids: Vec<String> = parse(&a.question_ids);
    let questions = ids
        .iter()
        .filter_map(|q| defs.get(q))
        .map(|d| d.public(&a.id))
        .collect();
    let policy = quiz.policy();
    let mut checked: BTreeMap<String, Feedback> = parse(&a.checked);
    if policy == ReviewPolicy::Never {
        checked.values_mut().for_each(withhold);
    }
    let result = match (a.submitted_at, a.review.as_deref()) {
        (Some(at), Some(review)) => {
            let shown = answers_shown(policy, st.passed_ever, st.attempts_left);
            let mut review: Vec<Feedback> = parse(review);
            if !shown {
                review.iter_mut().for_each(withhold);
            }
            Some(AttemptResult {
                score: a.score.unwrap_or(0.0),
                max: a.max_score.unwrap_or(0.0),
                pct: a.pct.unwrap_or(0.0),
                passed: a.passed == Some(1),
                submitted_at_ms: at,
                auto_submitted: a.auto_submitted == 1,
                answers_shown: shown,
                review,
            })
        }
        _ => None,
    };
    Ok(Attempt {
        id: a.id.clone(),
        quiz_id: a.quiz_id.clone(),
        number: a.number as u32,
        status: status(&a),
        mode: quiz.mode(),
        started_at_ms: a.started_at,
        deadline_ms: a.deadline_at,
        server_now_ms: now_ms(),
        questions,
        answers: parse(&a.answers),
        checked,
        result,
    })
}

fn withhold(f: &mut Feedback) {
    f.correct = None;
    f.explanation = None;
}

/// Refuses an answer set no honest client sends: unknown questions or answers that do not fit.
fn check_answers(
    defs: &BTreeMap<String, QuestionDef>,
    ids: &[String],
    answers: &BTreeMap<String, Answer>,
) -> AppResult<()> {
    for (qid, answer) in answers {
        let def = defs.get(qid).filter(|_| ids.contains(qid)).ok_or_else(|| {
            AppError::bad_field("answers", format!("no question {qid:?} in this attempt"))
        })?;
        score::check(def, answer)
            .map_err(|m| AppError::bad_field("answers", format!("question {qid}: {m}")))?;
    }
    Ok(())
}

/// Whether an open attempt may still take answers; submits it when time is up.
async fn writable(db: &Db, a: &AttemptRow) -> AppResult<()> {
    if a.submitted_at.is_some() {
        return Err(AppError::Conflict {
            message: "this attempt is already submitted".into(),
            field: None,
        });
    }
    if a.deadline_at.is_some_and(|d| now_ms() > d + GRACE_MS) {
        finalize(db, a, None, true).await?;
        return Err(AppError::Conflict {
            message: "time is up: the attempt was submitted with the answers saved before".into(),
            field: None,
        });
    }
    Ok(())
}

/// `PUT /attempts/{id}/answers`: merges answers into those saved (checked practice answers stay).
pub async fn save(
    db: &Db,
    learner_id: &str,
    id: &str,
    answers: &BTreeMap<String, Answer>,
) -> AppResult<SaveReceipt> {
    for _ in 0..RACE_RETRIES {
        let a = attempt_row(db, learner_id, id).await?;
        writable(db, &a).await?;
        let defs = defs(db, &a.quiz_id).await?;
        let ids: Vec<String> = parse(&a.question_ids);
        check_answers(&defs, &ids, answers)?;
        let checked: BTreeMap<String, Feedback> = parse(&a.checked);
        let merged = merge(&a.answers, answers, &checked)?;
        // Applies only over the answers it merged into and while still open: a save from another
        // device, a check or a submission that landed meanwhile is never overwritten; this one
        // reads again and merges over it (or finds the attempt submitted: 409).
        let done = sqlx::query(
            "UPDATE attempts SET answers = $1
             WHERE id = $2 AND submitted_at IS NULL AND answers = $3 AND checked = $4",
        )
        .bind(serde_json::to_string(&merged).map_err(internal)?)
        .bind(id)
        .bind(&a.answers)
        .bind(&a.checked)
        .execute(db)
        .await?;
        if done.rows_affected() == 1 {
            return Ok(SaveReceipt {
                saved: merged.len() as u32,
                server_now_ms: now_ms(),
                deadline_ms: a.deadline_at,
            });
        }
    }
    Err(busy())
}

/// How often a write that lost a race with another write to the same attempt reads and tries again.
const RACE_RETRIES: usize = 8;

/// The answer when an attempt kept changing under a write (many devices at once): try again.
fn busy() -> AppError {
    AppError::Conflict {
        message: "the attempt is being changed from elsewhere; try again".into(),
        field: None,
    }
}

fn merge(
    saved: &str,
    new: &BTreeMap<String, Answer>,
    checked: &BTreeMap<String, Feedback>,
) -> AppResult<BTreeMap<String, Answer>> {
    let mut merged: BTreeMap<String, Answer> = parse(saved);
    for (q, a) in new {
        if !checked.contains_key(q) {
            merged.insert(q.clone(), a.clone());
        }
    }
    Ok(merged)
}

/// `POST /attempts/{id}/check`: practice feedback on one answer, which is then locked.
pub async fn check(db: &Db, learner_id: &str, id: &str, req: &CheckAnswer) -> AppResult<Feedback> {
    for _ in 0..RACE_RETRIES {
        let a = attempt_row(db, learner_id, id).await?;
        let quiz = quiz_row(db, &a.quiz_id).await?;
        if quiz.mode() != QuizMode::Practice {
            return Err(AppError::Conflict {
                message: "answers are checked one by one only in practice quizzes".into(),
                field: None,
            });
        }
        writable(db, &a).await?;
        let defs = defs(db, &a.quiz_id).await?;
        let ids: Vec<String> = parse(&a.question_ids);
        let one = BTreeMap::from([(req.question_id.clone(), req.answer.clone())]);
        check_answers(&defs, &ids, &one)?;
        let mut checked: BTreeMap<String, Feedback> = parse(&a.checked);
        let mut fb = match checked.get(&req.question_id) {
            Some(done) => done.clone(),
            None => {
                let def = &defs[&req.question_id];
                let fb = feedback(def, Some(&req.answer));
                let mut answers: BTreeMap<String, Answer> = parse(&a.answers);
                answers.insert(req.question_id.clone(), req.answer.clone());
                checked.insert(req.question_id.clone(), fb.clone());
                let mut tx = super::write_tx(db).await?;
                // Over exactly what was read (see `save`); otherwise read again and retry.
                let done = sqlx::query(
                    "UPDATE attempts SET answers = $1, checked = $2
                     WHERE id = $3 AND submitted_at IS NULL AND checked = $4 AND answers = $5",
                )
                .bind(serde_json::to_string(&answers).map_err(internal)?)
                .bind(serde_json::to_string(&checked).map_err(internal)?)
                .bind(id)
                .bind(&a.checked)
                .bind(&a.answers)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    continue;
                }
                note_mistakes(&mut tx, learner_id, std::slice::from_ref(&fb)).await?;
                tx.commit().await?;
                fb
            }
        };
        if quiz.policy() == ReviewPolicy::Never {
            withhold(&mut fb);
        }
        return Ok(fb);
    }
    Err(busy())
}

/// Full feedback on one answer (the policy filters it on the way out).
fn feedback(def: &QuestionDef, answer: Option<&Answer>) -> Feedback {
    let s = score::score(def, answer);
    Feedback {
        question_id: def.id.clone(),
        outcome: s.outcome,
        score: s.score,
        max: s.max,
        answer: answer.cloned(),
        correct: def.correct_answer(),
        explanation: def.explanation.clone(),
    }
}

/// `POST /attempts/{id}/submit`: scores the attempt once; a repeat returns the same result.
pub async fn submit(
    db: &Db,
    learner_id: &str,
    id: &str,
    req: &SubmitAttempt,
) -> AppResult<Attempt> {
    let a = attempt_row(db, learner_id, id).await?;
    if a.submitted_at.is_none() {
        let defs = defs(db, &a.quiz_id).await?;
        let ids: Vec<String> = parse(&a.question_ids);
        check_answers(&defs, &ids, &req.answers)?;
        let late = a.deadline_at.is_some_and(|d| now_ms() > d + GRACE_MS);
        // Past the deadline only what was saved in time counts.
        let extra = if late { None } else { Some(&req.answers) };
        finalize(db, &a, extra.map(|e| (e, req.submission_id.as_str())), late).await?;
    }
    attempt(db, learner_id, id).await
}

/// Scores and closes an attempt with its saved answers plus `extra`. Does nothing when another
/// request closed it first; scores again over what a save or check that landed meanwhile wrote.
async fn finalize(
    db: &Db,
    a: &AttemptRow,
    extra: Option<(&BTreeMap<String, Answer>, &str)>,
    auto: bool,
) -> AppResult<()> {
    let mut fresh: Option<AttemptRow> = None;
    for _ in 0..RACE_RETRIES {
        let current = fresh.as_ref().unwrap_or(a);
        if current.submitted_at.is_some() || finalize_once(db, current, extra, auto).await? {
            return Ok(());
        }
        fresh = Some(attempt_row(db, &a.learner_id, &a.id).await?);
    }
    Err(busy())
}

/// One try of [`finalize`] over the attempt as read; `false` when it changed meanwhile.
async fn finalize_once(
    db: &Db,
    a: &AttemptRow,
    extra: Option<(&BTreeMap<String, Answer>, &str)>,
    auto: bool,
) -> AppResult<bool> {
    let quiz = quiz_row(db, &a.quiz_id).await?;
    let defs = defs(db, &a.quiz_id).await?;
    let checked: BTreeMap<String, Feedback> = parse(&a.checked);
    let answers = match extra {
        Some((new, _)) => merge(&a.answers, new, &checked)?,
        None => parse(&a.answers),
    };
    let ids: Vec<String> = parse(&a.question_ids);
    let review: Vec<Feedback> = ids
        .iter()
        .filter_map(|q| defs.get(q))
        .map(|d| match checked.get(&d.id) {
            Some(done) => done.clone(),
            None => feedback(d, answers.get(&d.id)),
        })
        .collect();
    let total: f64 = review.iter().map(|f| f.score).sum();
    let max: f64 = review.iter().map(|f| f.max).sum();
    let pct = if max > 0.0 {
        (total / max * 100.0).clamp(0.0, 100.0)
    } else {
        0.0
    };
    // Rounded to 0.01 so 59.999… from float sums never fails a learner who earned 60.
    let pct = (pct * 100.0).round() / 100.0;
    let passed = pct >= quiz.pass_pct as f64;
    let at = match (auto, a.deadline_at) {
        (true, Some(d)) => d.min(now_ms()),
        _ => now_ms(),
    };
    let mut tx = super::write_tx(db).await?;
    // Over exactly the answers scored: a save that landed meanwhile is scored, not overwritten.
    let done = sqlx::query(
        "UPDATE attempts SET answers = $1, submitted_at = $2, submission_id = $3, auto_submitted = $4,
             score = $5, max_score = $6, pct = $7, passed = $8, review = $9
         WHERE id = $10 AND submitted_at IS NULL AND answers = $11 AND checked = $12",
    )
    .bind(serde_json::to_string(&answers).map_err(internal)?)
    .bind(at)
    .bind(extra.map(|(_, s)| s.to_owned()))
    .bind(i64::from(auto))
    .bind(total)
    .bind(max)
    .bind(pct)
    .bind(i64::from(passed))
    .bind(serde_json::to_string(&review).map_err(internal)?)
    .bind(&a.id)
    .bind(&a.answers)
    .bind(&a.checked)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    for f in &review {
        sqlx::query(
            "INSERT INTO attempt_answers (attempt_id, question_id, score, max_score, outcome)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (attempt_id, question_id) DO UPDATE
             SET score = excluded.score, max_score = excluded.max_score, outcome = excluded.outcome",
        )
        .bind(&a.id)
        .bind(&f.question_id)
        .bind(f.score)
        .bind(f.max)
        .bind(outcome_str(f.outcome))
        .execute(&mut *tx)
        .await?;
    }
    let fresh: Vec<Feedback> = review
        .into_iter()
        .filter(|f| !checked.contains_key(&f.question_id))
        .collect();
    note_mistakes(&mut tx, &a.learner_id, &fresh).await?;
    if passed {
        super::certificates::issue_if_earned(&mut tx, &a.learner_id, &quiz.course_id).await?;
    }
    tx.commit().await?;
    Ok(true)
}

fn outcome_str(o: Outcome) -> &'static str {
    match o {
        Outcome::Correct => "correct",
        Outcome::Partial => "partial",
        Outcome::Wrong => "wrong",
        Outcome::Unanswered => "unanswered",
        Outcome::Ungraded => "ungraded",
    }
}

/// Puts wrong and partly right answers in the wrong-answer book, due now in box 1.
async fn note_mistakes(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    learner_id: &str,
    feedback: &[Feedback],
) -> AppResult<()> {
    let now = now_ms();
    for f in feedback
        .iter()
        .filter(|f| matches!(f.outcome, Outcome::Wrong | Outcome::Partial))
    {
        sqlx::query(
            "INSERT INTO mistakes (learner_id, question_id, box, due_at, wrong_count, last_wrong_at)
             VALUES ($1, $2, 1, $3, 1, $4)
             ON CONFLICT (learner_id, question_id) DO UPDATE SET box = 1, due_at = excluded.due_at,
                 wrong_count = mistakes.wrong_count + 1, last_wrong_at = excluded.last_wrong_at,
                 mastered_at = NULL",
        )
        .bind(learner_id)
        .bind(&f.question_id)
        .bind(now)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Submits the learner's exam attempts on `quiz_id` whose time is up.
async fn expire_open(db: &Db, learner_id: &str, quiz_id: &str) -> AppResult<()> {
    let rows: Vec<AttemptRow> = sqlx::query_as(&format!(
        "{ATTEMPT_SELECT} WHERE learner_id = $1 AND quiz_id = $2 AND submitted_at IS NULL AND deadline_at < $3"
    ))
    .bind(learner_id)
    .bind(quiz_id)
    .bind(now_ms() - GRACE_MS)
    .fetch_all(db)
    .await?;
    for a in &rows {
        finalize(db, a, None, true).await?;
    }
    Ok(())
}

/// Submits every exam attempt whose time is up; returns how many. Run periodically by the server.
pub async fn expire_all(db: &Db) -> AppResult<usize> {
    let rows: Vec<AttemptRow> = sqlx::query_as(&format!(
        "{ATTEMPT_SELECT} WHERE submitted_at IS NULL AND deadline_at < $1 LIMIT 500"
    ))
    .bind(now_ms() - GRACE_MS)
    .fetch_all(db)
    .await?;
    for a in &rows {
        finalize(db, a, None, true).await?;
    }
    Ok(rows.len())
}

/// SQL condition: mistake `m` of quiz `z` may be reviewed now. Reviews say right or wrong, so
/// while a graded quiz still hides its answers (attempts left, not passed) its questions wait:
/// otherwise trying each choice in review would reveal the key for the next attempt.
const REVIEWABLE: &str = "(z.mode = 'practice' OR z.review = 'after_submit'
    OR EXISTS (SELECT 1 FROM attempts a WHERE a.learner_id = m.learner_id AND a.quiz_id = z.id AND a.passed = 1)
    OR (z.max_attempts > 0 AND (SELECT COUNT(*) FROM attempts a WHERE a.learner_id = m.learner_id
        AND a.quiz_id = z.id AND a.submitted_at IS NOT NULL) >= z.max_attempts))";

#[derive(FromRow)]
struct MistakeRow {
    def: String,
    quiz_id: String,
    quiz_title: String,
    box_no: i64,
    due_at: i64,
    wrong_count: i64,
}

/// `GET /mistakes/summary`.
pub async fn mistake_summary(db: &Db, learner_id: &str) -> AppResult<MistakeSummary> {
    let (due, active, mastered, next): (i64, i64, i64, Option<i64>) = sqlx::query_as(&format!(
        "SELECT COALESCE(SUM(CASE WHEN m.mastered_at IS NULL AND m.due_at <= $1 THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN m.mastered_at IS NULL THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN m.mastered_at IS NOT NULL THEN 1 ELSE 0 END), 0),
                MIN(CASE WHEN m.mastered_at IS NULL THEN m.due_at END)
         FROM mistakes m JOIN questions x ON x.id = m.question_id JOIN quizzes z ON z.id = x.quiz_id
         WHERE m.learner_id = $2 AND {REVIEWABLE}",
    ))
    .bind(now_ms())
    .bind(learner_id)
    .fetch_one(db)
    .await?;
    Ok(MistakeSummary {
        due: due as u32,
        active: active as u32,
        mastered: mastered as u32,
        next_due_ms: next,
    })
}

/// `GET /mistakes`: the book's questions not yet mastered, due first (at most 100).
pub async fn mistakes(db: &Db, learner_id: &str, due_only: bool) -> AppResult<MistakeList> {
    let rows: Vec<MistakeRow> = sqlx::query_as(&format!(
        "SELECT m.question_id, x.def, z.id AS quiz_id, z.title AS quiz_title, m.box AS box_no,
                m.due_at, m.wrong_count
         FROM mistakes m JOIN questions x ON x.id = m.question_id JOIN quizzes z ON z.id = x.quiz_id
         WHERE m.learner_id = $1 AND m.mastered_at IS NULL AND ($2 = 0 OR m.due_at <= $3) AND {REVIEWABLE}
         ORDER BY m.due_at, m.last_wrong_at DESC LIMIT 100",
    ))
    .bind(learner_id)
    .bind(i64::from(due_only))
    .bind(now_ms())
    .fetch_all(db)
    .await?;
    let items = rows
        .into_iter()
        .filter_map(|r| {
            let def: QuestionDef = serde_json::from_str(&r.def).ok()?;
            Some(Mistake {
                question: def.public(&format!("{learner_id}:{}", r.wrong_count)),
                quiz_id: r.quiz_id,
                quiz_title: r.quiz_title,
                box_no: r.box_no as u32,
                due_at_ms: r.due_at,
                wrong_count: r.wrong_count as u32,
            })
        })
        .collect();
    Ok(MistakeList {
        items,
        summary: mistake_summary(db, learner_id).await?,
    })
}

/// `POST /mistakes/{question_id}/review`: scores a review answer and moves the question between
/// Leitner boxes: right → next box (due after [`LEITNER_DAYS`]), right in box 5 → mastered,
/// wrong → box 1, due again after [`RELEARN_MS`].
pub async fn review(
    db: &Db,
    learner_id: &str,
    question_id: &str,
    answer: &Answer,
) -> AppResult<ReviewOutcome> {
    let row: Option<(String, i64, String)> = sqlx::query_as(&format!(
        "SELECT x.def, m.box, x.quiz_id FROM mistakes m JOIN questions x ON x.id = m.question_id
         JOIN quizzes z ON z.id = x.quiz_id
         WHERE m.learner_id = $1 AND m.question_id = $2 AND {REVIEWABLE}",
    ))
    .bind(learner_id)
    .bind(question_id)
    .fetch_optional(db)
    .await?;
    // Only questions in the learner's own book, once their quiz no longer hides its answers:
    // this is no way to probe keys.
    let (def, box_no, quiz_id) = row.ok_or_else(|| {
        AppError::NotFound(format!(
            "no question {question_id:?} open for review in your book"
        ))
    })?;
    let def: QuestionDef = serde_json::from_str(&def).map_err(internal)?;
    score::check(&def, answer).map_err(|m| AppError::bad_field("answer", m))?;
    let mut fb = feedback(&def, Some(answer));
    let quiz = quiz_row(db, &quiz_id).await?;
    let st = standing(db, &quiz, learner_id).await?;
    let shown = quiz.mode() == QuizMode::Practice && quiz.policy() != ReviewPolicy::Never
        || answers_shown(quiz.policy(), st.passed_ever, st.attempts_left);
    if !shown {
        withhold(&mut fb);
    }
    let now = now_ms();
    let right = fb.outcome == Outcome::Correct;
    let (next_box, due, mastered) = if !right {
        (1, now + RELEARN_MS, false)
    } else if box_no >= 5 {
        (5, now, true)
    } else {
        (
            box_no + 1,
            now + LEITNER_DAYS[(box_no.max(1) - 1) as usize] * DAY_MS,
            false,
        )
    };
    sqlx::query(
        "UPDATE mistakes SET box = $1, due_at = $2, reviewed_at = $3,
             wrong_count = wrong_count + $4, mastered_at = CASE WHEN $5 THEN $6 END
         WHERE learner_id = $7 AND question_id = $8",
    )
    .bind(next_box)
    .bind(due)
    .bind(now)
    .bind(i64::from(!right))
    .bind(mastered)
    .bind(now)
    .bind(learner_id)
    .bind(question_id)
    .execute(db)
    .await?;
    Ok(ReviewOutcome {
        feedback: fb,
        box_no: next_box as u32,
        due_at_ms: due,
        mastered,
    })
}

/// Moves a guest's quiz attempts and wrong-answer book into the account they signed in to:
/// attempts on quizzes the account never tried move whole; mistakes merge.
pub async fn adopt(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    guest_id: &str,
    account_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE attempts SET learner_id = $1 WHERE learner_id = $2
         AND quiz_id NOT IN (SELECT quiz_id FROM attempts WHERE learner_id = $1)",
    )
    .bind(account_id)
    .bind(guest_id)
    .execute(&mut **tx)
    .await?;
    // On quizzes the account tried too, the guest's submitted attempts join the account's,
    // numbered after them: the same person made them (they count towards the attempts allowed,
    // and a pass among them towards a certificate). A guest's open attempt there stays behind,
    // since a learner has one open attempt per quiz.
    let rest: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, quiz_id FROM attempts WHERE learner_id = $1 AND submitted_at IS NOT NULL
         ORDER BY quiz_id, number",
    )
    .bind(guest_id)
    .fetch_all(&mut **tx)
    .await?;
    for (id, quiz_id) in rest {
        sqlx::query(
            "UPDATE attempts SET learner_id = $1, number = 1 + (SELECT COALESCE(MAX(b.number), 0)
                 FROM attempts b WHERE b.learner_id = $1 AND b.quiz_id = $2)
             WHERE id = $3",
        )
        .bind(account_id)
        .bind(&quiz_id)
        .bind(&id)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query(
        "INSERT INTO mistakes (learner_id, question_id, box, due_at, wrong_count,
             last_wrong_at, reviewed_at, mastered_at)
         SELECT $1, question_id, box, due_at, wrong_count, last_wrong_at, reviewed_at, mastered_at
         FROM mistakes WHERE learner_id = $2 ON CONFLICT DO NOTHING",
    )
    .bind(account_id)
    .bind(guest_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
