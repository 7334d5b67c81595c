//! Content tools: parsers and validators for what institutions import (captions, later QTI).

pub mod vtt;

use std::path::{Path, PathBuf};

use jieti_api::{QuizMode, ReviewPolicy};
use serde::Serialize;

use crate::db::Db;
use crate::quiz::{qti, QuizDef};

/// The quiz an import fills, and its rules.
#[derive(Clone, Debug)]
pub struct QuizSettings {
    /// Quiz id (created, or replaced with the imported items).
    pub quiz_id: String,
    /// Course it belongs to.
    pub course_id: String,
    /// Title (the quiz id when absent).
    pub title: Option<String>,
    /// Practice, graded or exam.
    pub mode: QuizMode,
    /// Exams: time limit, seconds.
    pub time_limit_s: Option<u32>,
    /// Attempts allowed (0: unlimited).
    pub max_attempts: u32,
    /// Percent needed to pass.
    pub pass_pct: u32,
    /// When right answers are shown.
    pub review: ReviewPolicy,
}

/// One item an import left out, and why.
#[derive(Clone, Debug, Serialize)]
pub struct Skipped {
    /// The file.
    pub file: String,
    /// Why, in one line.
    pub reason: String,
}

/// What an import did.
#[derive(Clone, Debug, Serialize)]
pub struct ImportReport {
    /// The quiz filled.
    pub quiz: String,
    /// Question ids imported, in order.
    pub imported: Vec<String>,
    /// Items left out.
    pub skipped: Vec<Skipped>,
}

/// The item files under `paths`: files as given, folders' `*.xml` (sorted, not recursive into
/// hidden folders), so an item bank exported as a folder imports in a stable order.
pub fn item_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("{}: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.is_file() && f.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml"))
                })
                // A QTI package's manifest is not an item.
                .filter(|f| f.file_name().is_some_and(|n| n != "imsmanifest.xml"))
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Imports QTI items into one quiz: every item that can be imported is, the others are listed
/// with a reason. Question ids are `<quiz id>.<item identifier>`. Fails only when nothing imports
/// or the quiz cannot be stored.
pub async fn import_qti(
    db: &Db,
    files: &[PathBuf],
    settings: &QuizSettings,
) -> Result<ImportReport, (String, ImportReport)> {
    let mut report = ImportReport {
        quiz: settings.quiz_id.clone(),
        imported: Vec::new(),
        skipped: Vec::new(),
    };
    let mut questions = Vec::new();
    for f in files {
        let skip = |reason: String| Skipped {
            file: f.display().to_string(),
            reason,
        };
        let xml = match std::fs::read_to_string(f) {
            Ok(x) => x,
            Err(e) => {
                report.skipped.push(skip(format!("cannot read: {e}")));
                continue;
            }
        };
        match qti::import_item(&xml) {
            Ok(mut q) => {
                q.id = format!("{}.{}", settings.quiz_id, q.id);
                if questions
                    .iter()
                    .any(|x: &crate::quiz::QuestionDef| x.id == q.id)
                {
                    report.skipped.push(skip(format!(
                        "identifier {:?} repeats an earlier item",
                        q.id
                    )));
                } else if let Err(e) = q.validate() {
                    report.skipped.push(skip(e));
                } else {
                    questions.push(q);
                }
            }
            Err(e) => report.skipped.push(skip(e)),
        }
    }
    if questions.is_empty() {
        return Err(("no item could be imported".into(), report));
    }
    let quiz = QuizDef {
        id: settings.quiz_id.clone(),
        course_id: settings.course_id.clone(),
        title: settings
            .title
            .clone()
            .unwrap_or_else(|| settings.quiz_id.clone()),
        description: String::new(),
        mode: settings.mode,
        time_limit_s: settings.time_limit_s,
        max_attempts: settings.max_attempts,
        pass_pct: settings.pass_pct,
        review: settings.review,
        shuffle_questions: false,
        questions,
    };
    let position: i64 = sqlx::query_scalar(
        "SELECT COALESCE((SELECT position FROM quizzes WHERE id = $1),
                         (SELECT COUNT(*) FROM quizzes WHERE course_id = $2))",
    )
    .bind(&quiz.id)
    .bind(&quiz.course_id)
    .fetch_one(db)
    .await
    .map_err(|e| (e.to_string(), report.clone()))?;
    if let Err(e) = crate::db::quiz::upsert_quiz(db, &quiz, position).await {
        return Err((e, report));
    }
    report.imported = quiz.questions.iter().map(|q| q.id.clone()).collect();
    Ok(report)
}

/// Reads a QTI item and scores a response with it: the CLI's `qti-score`.
pub fn qti_score(file: &Path, response: &str) -> Result<serde_json::Value, String> {
    let xml = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let response: serde_json::Value =
        serde_json::from_str(response).map_err(|e| format!("--response is not JSON: {e}"))?;
    if !response.is_object() {
        return Err("--response must be a JSON object keyed by response identifier".into());
    }
    let outcomes = qti::score_response(&xml, &response)?;
    serde_json::to_value(outcomes).map_err(|e| e.to_string())
}
